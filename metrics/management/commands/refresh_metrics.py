"""`python manage.py refresh_metrics [--view NAME]`: the scheduled metrics refreshes, run by hand (docs/metrics.md)."""

from django.core.management.base import BaseCommand, CommandError

from hotdash.db_context import Role, acting_as
from metrics.services import (
    DAILY_VIEW,
    DATA_QUALITY_VIEW,
    MATERIALIZED_VIEWS,
    daily_metrics_refresh,
    data_quality_check,
    materialized_view_refresh,
)


def _refresh(name: str) -> list[str]:
    """The same service its beat job runs: the daily view rolls up first, the data-quality view logs violations."""
    if name == DAILY_VIEW:
        return [f"{r.view}: {r.duration_ms} ms" for r in daily_metrics_refresh()]
    if name == DATA_QUALITY_VIEW:
        violated = data_quality_check()
        return [f"{name}: {len(violated)} rules with violations (logged at WARN)"]
    refresh = materialized_view_refresh(name)
    return [f"{refresh.view}: {refresh.duration_ms} ms"]


class Command(BaseCommand):
    help = "Refresh the metrics materialized views (all, or one with --view), as the service role, timing each."

    def add_arguments(self, parser):
        # Validated in handle(): a bad name exits non-zero with one line naming the choices.
        parser.add_argument("--view", help=f"only this view: {', '.join(MATERIALIZED_VIEWS)}")

    def handle(self, *args, **options):
        name = options["view"]
        if name is not None and name not in MATERIALIZED_VIEWS:
            raise CommandError(f"--view must be one of {', '.join(MATERIALIZED_VIEWS)}, not {name!r}")
        with acting_as(Role.SERVICE):
            lines = [line for view in ([name] if name else MATERIALIZED_VIEWS) for line in _refresh(view)]
        for line in lines:
            self.stdout.write(line)
