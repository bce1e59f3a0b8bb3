"""`python manage.py dbhealth [--format md|json] [--fail-on warning|critical] [--section NAME]` (docs/dbhealth.md)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from metrics.dbhealth.report import BAD_ARGUMENTS, Level, exit_status, report_markdown
from metrics.dbhealth.sections import SECTIONS, TITLES, report_build

FORMATS = ("md", "json")
FAIL_ON = (Level.WARNING.value, Level.CRITICAL.value)


class Command(BaseCommand):
    help = (
        "The database health report. Exit status 0 when nothing reaches --fail-on, 1 for warnings, 2 for criticals,"
        f" {BAD_ARGUMENTS} for a bad argument."
    )

    def add_arguments(self, parser):
        # Validated in handle(), not with argparse choices: a bad value must exit with one line and its own status.
        parser.add_argument("--format", default="md", help="md (default) or json")
        parser.add_argument("--fail-on", default="critical", help="warning or critical (default)")
        parser.add_argument(
            "--section", action="append", default=None,
            help=f"only this section (repeatable): {', '.join(SECTIONS)}",
        )

    def handle(self, *args, **options):
        fmt, fail_on, names = options["format"], options["fail_on"], options["section"]
        if fmt not in FORMATS:
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", returncode=BAD_ARGUMENTS)
        if fail_on not in FAIL_ON:
            raise CommandError(
                f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}", returncode=BAD_ARGUMENTS
            )
        unknown = [name for name in names or [] if name not in SECTIONS]
        if unknown:
            raise CommandError(
                f"--section {unknown[0]!r} is not a section; expected one of {', '.join(SECTIONS)}",
                returncode=BAD_ARGUMENTS,
            )
        report = report_build(list(dict.fromkeys(names)) if names else None).as_dict()
        if fmt == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(report_markdown(report, TITLES), ending="")
        status = exit_status(report["summary"], Level(fail_on))
        if status:
            sys.exit(status)
