from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from retention.services import RestoreError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup or retention directory: checksums verified first, one transaction as the owner,"
        " rows that exist are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a run directory holding manifest.json")
        parser.add_argument("--tables", nargs="+", metavar="TABLE", help="only these tables of the backup")

    def handle(self, *args, path, tables, **options):
        try:
            restored = backup_restore(path, tables=tables)
        except (RestoreError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for table in restored:
            self.stdout.write(
                f"{table.table}: {table.rows} rows in the backup, {table.inserted} restored, {table.present} already present"
            )
