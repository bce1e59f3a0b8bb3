import json

from django.core.management.base import BaseCommand, CommandError

from retention.models import RetentionTable
from retention.services import RetentionError, retention_run


def report_lines(report: dict) -> list[str]:
    """The report as text: one line per table, then the run."""
    lines = []
    for table, entry in report["tables"].items():
        if "skipped" in entry:
            lines.append(f"{table}: skipped ({entry['skipped']})")
            continue
        kept = sum(entry["kept"].values())
        detail = ", ".join(f"{name} {count}" for name, count in entry["kept"].items())
        done = f"{entry['would_delete']} would be deleted" if report["dry_run"] else f"{entry['deleted']} deleted"
        lines.append(f"{table}: {entry['examined']} examined, {kept} kept{f' ({detail})' if detail else ''}, {done}")
    if report["dry_run"]:
        lines.append("dry run: nothing was deleted")
    else:
        lines.append(f"run #{report['run']} {report['status']} in {report['duration_seconds']} s; backup: {report['directory']}")
    return lines


class Command(BaseCommand):
    help = "Apply the retention policies: every deleted row is first written to the run's backup directory."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted and kept; change nothing")
        parser.add_argument(
            "--table", action="append", metavar="T", help=f"only this table (repeatable): {', '.join(RetentionTable.values)}"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, dry_run, table, format, **options):
        try:
            report = retention_run(tables=table, dry_run=dry_run, started_by="command")
        except (RetentionError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            self.stdout.write(json.dumps(report, indent=2, default=str))
        else:
            self.stdout.write("\n".join(report_lines(report)))
