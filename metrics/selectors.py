"""Reads of the metrics tables. Row-level security narrows every queryset to what the caller's role may see."""

from django.db.models import QuerySet
from django.utils import timezone

from metrics.models import (
    AgentDailyAccuracy,
    AgentKpis,
    AgentPerformanceSnapshot,
    ApprovalQueueDepth,
    ApprovalQueueStatus,
    DataQualityRule,
    DbHealthReport,
    DecisionSyncEvent,
    Fact,
    MetricsRefresh,
)
from metrics.services import DAILY_ROLLUP, MATERIALIZED_VIEWS


def fact_list() -> QuerySet[Fact]:
    return Fact.objects.all()


def agent_performance_list() -> QuerySet[AgentPerformanceSnapshot]:
    """mv_agent_performance_realtime: as of its last refresh (every 30 s)."""
    return AgentPerformanceSnapshot.objects.all()


def agent_accuracy_list() -> QuerySet[AgentDailyAccuracy]:
    """mv_daily_agent_metrics: every day kept, past retention (refreshed nightly)."""
    return AgentDailyAccuracy.objects.all()


def approval_queue_status_list() -> QuerySet[ApprovalQueueStatus]:
    return ApprovalQueueStatus.objects.all()


def approval_queue_depth_list() -> QuerySet[ApprovalQueueDepth]:
    return ApprovalQueueDepth.objects.all()


def agent_kpis_list() -> QuerySet[AgentKpis]:
    return AgentKpis.objects.all()


def data_quality_list() -> QuerySet[DataQualityRule]:
    """mv_data_quality_report: as of the last hourly check."""
    return DataQualityRule.objects.all()


def decision_sync_event_list() -> QuerySet[DecisionSyncEvent]:
    return DecisionSyncEvent.objects.all()


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

