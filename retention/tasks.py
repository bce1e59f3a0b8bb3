from celery import shared_task

from retention.services import backup_run, purge_run, retention_run


@shared_task
def retention_run_task(tables: list[str] | None = None) -> dict:
    """Beat's retention runs (schedules installed by migration); returns the run's report."""
    return retention_run(tables=tables, started_by="beat")


@shared_task
def purge_run_task(request_id: int) -> dict:
    """An approved manual purge, queued when the second operator approves it in the admin."""
    return purge_run(request_id)


@shared_task
def backup_task(tables: list[str] | None = None) -> dict:
    """Beat's daily backup (02:00 UTC, installed by migration); returns the run's id, directory and files."""
    run = backup_run(tables=tables, started_by="beat")
    return {"run": run.pk, "directory": run.directory, "files": run.files}
