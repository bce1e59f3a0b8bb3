"""python manage.py export_redact_ahead [--limit N]: what the 5-minute beat task does, by hand, to the end.

After a deploy that changes the redaction rules (or the phone settings), every stored redaction is stale and
exports redact during the run until the task has caught up; this catches up at once, before a large export.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from feedback.exports.redaction import RedactionSettingsError
from feedback.exports.services import redactor_from_settings
from feedback.exports.stored_redactions import stored_redactions_fill


class Command(BaseCommand):
    help = "Redact and store annotated drafts ahead of exports (those without a current stored redaction)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="at most this many drafts (default: all of them)")

    def handle(self, *args, **options):
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError(f"--limit must be a positive number of drafts, not {limit}")
        try:
            redactor = redactor_from_settings()
        except RedactionSettingsError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        stored = stored_redactions_fill(redactor=redactor, limit=limit or 2**62)
        self.stdout.write(f"stored the redacted text of {stored} drafts in {time.perf_counter() - started:.1f} s")
