import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo.scale import SCALE_TABLES, demo_data_scale
from demo.scenarios import DEFAULT_SEED
from demo.services import demo_data_clear, demo_data_seed
from hotdash.db_context import Role, acting_as


def _integer(name: str, value: str, *, minimum: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"{name} must be a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise CommandError(f"{name} must be {minimum} or more, got {number}")
    return number


# Generating rows costs the database server CPU, one core per connection.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))


class Command(BaseCommand):
    help = (
        "Write the demo scenarios of the production report (idempotent); with --reset, delete the demo's data "
        "first; with --scale N, also add N generated rows to each large table for benchmarks."
    )

    def add_arguments(self, parser):
        # Plain strings, checked in handle(): a bad value then ends as one readable line (CommandError) rather
        # than argparse's usage dump, and before anything is written.
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every approval (decided ones and their audit rows too), draft, gold reply, query, "
            "fact, event, log line and run, generated ones included: the demo starts again from a full queue.",
        )
        parser.add_argument("--scale", default="0", metavar="N", help="Generated rows to add to each large table.")
        parser.add_argument(
            "--seed", default=str(DEFAULT_SEED), metavar="S", help=f"Random seed of --scale (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--workers",
            default=str(DEFAULT_WORKERS),
            metavar="W",
            help=f"Chunks of --scale generated at once, each on its own connection (default {DEFAULT_WORKERS}).",
        )

    def handle(self, *args, reset: bool, scale: str, seed: str, workers: str, **options):
        rows = _integer("--scale", scale, minimum=0)
        seed_value = _integer("--seed", seed)
        worker_count = _integer("--workers", workers, minimum=1)

        # Clearing and seeding in one transaction: a failed seed leaves the old data, never an empty demo.
        with acting_as(Role.SERVICE):
            deleted = demo_data_clear() if reset else {}
            report = demo_data_seed()
        if reset:
            self.stdout.write(f"Demo data cleared: {sum(deleted.values())} rows deleted.")
        self.stdout.write(f"Demo scenarios: {report.created} rows created, {report.found} already there.")
        for table, counts in report.tables.items():
            self.stdout.write(f"  {table:<26} {counts.created:>3} created  {counts.found:>3} found")

        if rows == 0:
            return
        with tqdm(total=rows * len(SCALE_TABLES), unit="rows", unit_scale=True, file=sys.stderr) as bar:

            def progress(table: str, done: int) -> None:
                bar.set_description(table)
                bar.update(done)

            # One transaction per chunk, each as the service role.
            scaled = demo_data_scale(
                rows=rows, seed=seed_value, role=Role.SERVICE, workers=worker_count, progress=progress
            )
        self.stdout.write(
            f"Generated {scaled.total_rows:,} rows ({rows:,} per table, seed {seed_value}, {worker_count} workers) "
            f"in {scaled.seconds:.1f} s: {scaled.rows_per_second:,.0f} rows/s."
        )
        for table, seconds in scaled.seconds_per_table.items():
            self.stdout.write(f"  {table:<26} {rows / seconds if seconds else 0:>12,.0f} rows/s  {seconds:8.1f} s")
