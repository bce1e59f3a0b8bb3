from celery import shared_task

from hotdash.db_context import Role, acting_as
from metrics.services import observability_log_create


@shared_task(ignore_result=False)
def observability_log_create_task(
    level: str, message: str, request_id: str | None = None, metadata=None, *, project=None, scope=None
) -> int:
    """Write a log line from any process that can reach the broker; returns the new row's id."""
    with acting_as(Role.SERVICE, request_id=request_id):
        return observability_log_create(
            level=level, message=message, project=project, scope=scope, request_id=request_id, metadata=metadata
        ).pk
