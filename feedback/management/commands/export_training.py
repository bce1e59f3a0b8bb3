"""python manage.py export_training [--format jsonl|csv|parquet] [--since DATE] [--until DATE] [--label L]
[--safe-only] [--gold] [--output PATH]: the export the worker runs, here in the foreground with a progress bar."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from feedback.exports.filters import ExportInputError, export_filters_parse, export_format_parse
from feedback.exports.redaction import RedactionSettingsError
from feedback.exports.services import export_output_check, redactor_from_settings, training_export_run
from feedback.models import ExportStatus, TrainingExport
from hotdash.db_context import Role, acting_as


class Command(BaseCommand):
    help = "Export annotated drafts (or the gold set) for training: redacted, streamed, with a manifest."

    def add_arguments(self, parser):
        # No argparse `choices`: a bad value is one readable line and exit status 1, like every other check.
        parser.add_argument("--format", default="jsonl", help="jsonl (default), csv or parquet")
        parser.add_argument("--since", help="first day included, YYYY-MM-DD (UTC)")
        parser.add_argument("--until", help="last day included, YYYY-MM-DD (UTC)")
        parser.add_argument("--label", help="only rows with this label (gold: this tag)")
        parser.add_argument("--safe-only", action="store_true", help="only drafts judged safe to send")
        parser.add_argument("--gold", action="store_true", help="export the gold set instead of the drafts")
        parser.add_argument("--output", type=Path, help="file to write (default: HOTDASH_EXPORT_DIR/training-...)")

    def handle(self, *args, **options):
        try:
            export_format = export_format_parse(options["format"])
            filters = export_filters_parse(
                since=options["since"], until=options["until"], label=options["label"],
                safe_only=options["safe_only"], gold=options["gold"],
            )
            output = export_output_check(options["output"]) if options["output"] else None
            redactor_from_settings()
        except (ExportInputError, RedactionSettingsError) as exc:
            raise CommandError(str(exc)) from None

        with acting_as(Role.SERVICE):
            export = TrainingExport.objects.create(
                format=export_format, filters=filters.as_json(), requested_by=f"command:{getpass.getuser()}"
            )
        with tqdm(desc=f"export #{export.pk}", unit="rows", disable=options["verbosity"] == 0) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            export = training_export_run(export.pk, output=output, progress=progress)
        if export.status != ExportStatus.SUCCEEDED:
            raise CommandError(f"export #{export.pk} failed: {export.error}")
        manifest = export.manifest
        self.stdout.write(
            f"export #{export.pk}: {manifest['rows']} rows to {export.file_path} (sha256 {manifest['sha256']})"
        )
