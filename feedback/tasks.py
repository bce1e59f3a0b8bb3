from celery import shared_task
from django.conf import settings

from feedback.exports.services import redactor_from_settings, training_export_run, training_exports_prune
from feedback.exports.stored_redactions import stored_redactions_fill


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


@shared_task(ignore_result=False)
def training_redactions_task() -> int:
    """Every 5 minutes (beat): store the redacted text of up to HOTDASH_EXPORT_REDACT_AHEAD_ROWS annotated drafts
    that have none (new, edited, or redacted under other rules or settings); returns how many.

    Exports copy stored text instead of redacting it, which is most of an export's time (docs/exports.md).
    """
    return stored_redactions_fill(redactor=redactor_from_settings(), limit=settings.HOTDASH_EXPORT_REDACT_AHEAD_ROWS)
