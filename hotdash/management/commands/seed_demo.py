from django.core.management.base import BaseCommand

from hotdash.db_context import Role, acting_as
from hotdash.demo_data import demo_data_seed


class Command(BaseCommand):
    help = "Write the demo scenarios of the production report; rows that are already there are left alone."

    def handle(self, *args, **options):
        with acting_as(Role.SERVICE):
            report = demo_data_seed()
        self.stdout.write(f"Demo scenarios: {report.created} rows created, {report.found} already there.")
        for table, counts in report.tables.items():
            self.stdout.write(f"  {table:<26} {counts.created:>3} created  {counts.found:>3} found")
