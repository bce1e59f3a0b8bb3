"""Reads of the metrics tables. Row-level security narrows every queryset to what the caller's role may see."""

from django.db.models import QuerySet

from metrics.models import DbHealthReport, Fact


def fact_list() -> QuerySet[Fact]:
    return Fact.objects.all()


def dbhealth_report_latest() -> DbHealthReport | None:
    return DbHealthReport.objects.order_by("-generated_at", "-id").first()


def dbhealth_report_trend(limit: int = 14) -> list[DbHealthReport]:
    """The counts of the last `limit` reports, oldest first (the report bodies are not read)."""
    recent = DbHealthReport.objects.order_by("-generated_at", "-id").only("generated_at", "ok", "warning", "critical")
    return list(reversed(recent[:limit]))
