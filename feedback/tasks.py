from celery import shared_task

from feedback.exports.services import training_export_run, training_exports_prune


@shared_task(ignore_result=False)
def training_export_task(export_id: int) -> str:
    """Run one queued training-data export (POST /api/v1/exports/, the admin); returns its final status."""
    return training_export_run(export_id).status


@shared_task(ignore_result=False)
def training_exports_prune_task() -> int:
    """Daily (beat): delete the files of exports older than HOTDASH_EXPORT_KEEP_DAYS; returns how many.

    Each export also prunes when it starts, but a console where nobody exports for months would otherwise keep
    its old files (personal-data-free, still training data) for as long.
    """
    return training_exports_prune()
