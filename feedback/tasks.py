from celery import shared_task

from feedback.exports.services import training_export_run


@shared_task(ignore_result=False)
def training_export_task(export_id: int) -> str:
    """Run one queued training-data export (POST /api/v1/exports/, the admin); returns its final status."""
    return training_export_run(export_id).status
