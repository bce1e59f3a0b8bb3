from celery import shared_task

from hotdash.db_context import Role, acting_as
from metrics.dbhealth.sections import report_build
from metrics.services import dbhealth_report_store, observability_log_create


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
