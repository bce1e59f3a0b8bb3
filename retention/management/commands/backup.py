from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from retention.services import backup_run
from retention.tables import DEFAULT_BACKUP_TABLES, OPTIONAL_BACKUP_TABLES


class Command(BaseCommand):
    help = (
        "Copy tables into a new directory of gzip COPY files with a manifest.json (sha256, row counts, migration"
        " state); prints the directory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tables",
            nargs="+",
            metavar="TABLE",
            help=f"default: {' '.join(DEFAULT_BACKUP_TABLES)}; also: {' '.join(OPTIONAL_BACKUP_TABLES)}",
        )
        parser.add_argument("--output", type=Path, help="the directory to write the run's directory into")

    def handle(self, *args, tables, output, **options):
        try:
            run = backup_run(tables=tables, output=output, started_by="command")
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for data_file in run.files:
            self.stdout.write(f"{data_file['table']}: {data_file['rows']} rows")
        self.stdout.write(run.directory)
