from celery import shared_task

from approvals.services import approvals_expire_due


@shared_task
def expire_approvals_task() -> int:
    """Every minute (beat): pending approvals past their TTL become expired. Returns how many."""
    return approvals_expire_due()
