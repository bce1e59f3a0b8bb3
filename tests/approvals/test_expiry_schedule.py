"""Expiry runs from the beat schedule in the database, through a real worker, and catches up after an outage."""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from approvals.models import AgentApproval
from approvals.services import EXPIRED_REASON, approval_create
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state


def statuses() -> dict[str, tuple]:
    with acting_as(Role.SERVICE):
        return {a.call_id: (a.status, a.reason) for a in AgentApproval.objects.all()}


def test_the_expiry_schedule_is_installed_by_migrate_and_editable(db):
    task = PeriodicTask.objects.get(task="approvals.tasks.expire_approvals_task")

    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_expire_what_came_due_while_nothing_ran(celery_worker):
    # given approvals that came due while no worker and no beat were running (an outage, a restart)
    with acting_as(Role.SERVICE):
        for call_id in ("call_due_1", "call_due_2", "call_fresh"):
            approval_create(conversation_id="c", serialized=refund_state(call_id))
        AgentApproval.objects.filter(call_id__startswith="call_due").update(
            expires_at=timezone.now() - timedelta(minutes=30)
        )
    # and an operator who made the schedule run every second (as the admin's Periodic tasks page allows)
    task = PeriodicTask.objects.get(task="approvals.tasks.expire_approvals_task")
    installed = task.interval
    task.interval, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    task.save()

    # when beat starts (reading its schedule from the database) next to the running worker
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hotdash", "beat", "--loglevel", "WARNING",
         "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile="],
        env=celery_worker.env,
    )
    try:
        deadline = time.monotonic() + 30
        while statuses()["call_due_2"][0] == "pending" and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        task.interval = installed  # schedules outlive a test: leave it as migrate installed it
        task.save()

    # then what was due is expired (not rejected) and the rest still waits for an operator
    assert statuses() == {
        "call_due_1": ("expired", EXPIRED_REASON),
        "call_due_2": ("expired", EXPIRED_REASON),
        "call_fresh": ("pending", None),
    }
