from celery import shared_task

from retention.services import retention_run


@shared_task
def retention_run_task(tables: list[str] | None = None) -> dict:
    """Beat's retention runs (schedules installed by migration); returns the run's report."""
    return retention_run(tables=tables, started_by="beat")
