from celery import shared_task

from hotdash.db_context import Role, acting_as
from metrics.dbhealth.sections import report_build
from metrics.services import (
    daily_metrics_refresh,
    data_quality_check,
    dbhealth_report_store,
    observability_log_create,
    realtime_metrics_refresh,
)


@shared_task(ignore_result=False)
def observability_log_create_task(
    level: str, message: str, request_id: str | None = None, metadata=None, *, project=None, scope=None
) -> int:
    """Write a log line from any process that can reach the broker; returns the new row's id."""
    with acting_as(Role.SERVICE, request_id=request_id):
        return observability_log_create(
            level=level, message=message, project=project, scope=scope, request_id=request_id, metadata=metadata
        ).pk


@shared_task
def dbhealth_report_task() -> dict:
    """Daily (beat): the database health report, run and stored as the service role. Returns its summary."""
    report = report_build().as_dict()
    with acting_as(Role.SERVICE):
        dbhealth_report_store(report)
    return report["summary"]


@shared_task
def realtime_metrics_refresh_task() -> dict:
    """Every 30 s (beat): mv_agent_performance_realtime, mv_approval_queue_depth and mv_approval_queue_status.

    Returns each duration.
    """
    with acting_as(Role.SERVICE):
        return {refresh.view: refresh.duration_ms for refresh in realtime_metrics_refresh()}


@shared_task
def daily_metrics_refresh_task() -> dict:
    """Nightly (beat): roll up every closed day not rolled up yet, then refresh mv_daily_agent_metrics."""
    with acting_as(Role.SERVICE):
        return {refresh.view: refresh.duration_ms for refresh in daily_metrics_refresh()}


@shared_task
def data_quality_check_task() -> dict:
    """Hourly (beat): refresh mv_data_quality_report, log violations at WARN, alert on critical ones."""
    with acting_as(Role.SERVICE):
        return {rule["rule"]: rule["violations"] for rule in data_quality_check()}
