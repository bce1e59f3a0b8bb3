"""Reads of the metrics tables. Row-level security narrows every queryset to what the caller's role may see."""

from django.db.models import QuerySet
from django.utils import timezone

from metrics.models import DbHealthReport, Fact, MetricsRefresh
from metrics.services import DAILY_ROLLUP, MATERIALIZED_VIEWS


def fact_list() -> QuerySet[Fact]:
    return Fact.objects.all()


def dbhealth_report_latest() -> DbHealthReport | None:
    return DbHealthReport.objects.order_by("-generated_at", "-id").first()


def dbhealth_report_trend(limit: int = 14) -> list[DbHealthReport]:
    """The counts of the last `limit` reports, oldest first (the report bodies are not read)."""
    recent = DbHealthReport.objects.order_by("-generated_at", "-id").only("generated_at", "ok", "warning", "critical")
    return list(reversed(recent[:limit]))


def metrics_freshness() -> list[dict]:
    """Each materialized view (and the daily rollup): its latest refresh, how long it took and its age.

    A view never refreshed has None for all three.
    """
    names = [*MATERIALIZED_VIEWS, DAILY_ROLLUP]
    latest = {
        refresh.view: refresh
        for refresh in MetricsRefresh.objects.filter(view__in=names).order_by("view", "-started_at").distinct("view")
    }
    now = timezone.now()
    return [
        {
            "view": name,
            "refreshed_at": latest[name].started_at if name in latest else None,
            "duration_ms": latest[name].duration_ms if name in latest else None,
            "age_seconds": round((now - latest[name].started_at).total_seconds()) if name in latest else None,
        }
        for name in names
    ]

