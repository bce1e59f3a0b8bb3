"""Section 6, materialized views and scheduled jobs: last refresh / last run and its age against the schedule.

PostgreSQL does not record when a materialized view was refreshed; the job that refreshes one does (beat's
`last_run_at`). A periodic task refreshes a view when its name or description names the view.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from metrics.dbhealth.catalog import rows, size_text
from metrics.dbhealth.report import Level, Section

NAME = "schedules"
TITLE = "Materialized views and scheduled jobs"

# Beat's database scheduler saves last_run_at every few minutes, not at every run: that much lag is normal.
MIN_GRACE = timedelta(minutes=5)
# Late by a whole period (at least this long) more than the grace: runs were missed, not delayed.
MIN_CRITICAL_LATENESS = timedelta(hours=1)


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def job_lateness(task: PeriodicTask, now) -> tuple[timedelta, timedelta]:
    """(how late the next run is, the period it is due at) from the last run, or from the task's creation."""
    reference = task.last_run_at or task.start_time or task.date_changed
    due_at = now + task.schedule.remaining_estimate(reference)
    return now - due_at, max(due_at - reference, timedelta(0))


def _jobs(result: Section, tasks: list[PeriodicTask]) -> None:
    now = timezone.now()
    for task in tasks:
        if not task.enabled:
            result.add("beat job", Level.OK, task.name, f"{task.task}: disabled")
            continue
        if task.one_off and task.last_run_at:
            result.add("beat job", Level.OK, task.name, f"{task.task}: one-off, ran {task.last_run_at:%Y-%m-%d %H:%M}")
            continue
        late, period = job_lateness(task, now)
        grace = max(MIN_GRACE, period / 10)
        last = f"last run {_age(now - task.last_run_at)} ago" if task.last_run_at else "never run"
        detail = f"{task.task}, {' '.join(str(task.schedule).split())}: {last}"
        if late > grace + max(period, MIN_CRITICAL_LATENESS):
            level = Level.CRITICAL
        elif late > grace:
            level = Level.WARNING
        else:
            level = Level.OK
        if level != Level.OK:
            detail += f", {_age(late)} late"
        result.add(
            "beat job", level, task.name, detail,
            "" if level == Level.OK else "is `celery -A hotdash beat` running (once), and a worker on its queue?"
            " See the worker's log for the task's errors",
        )


def _materialized_views(result: Section, tasks: list[PeriodicTask]) -> None:
    now = timezone.now()
    for view in rows(
        "SELECT m.matviewname, m.ispopulated, pg_total_relation_size(c.oid) AS size FROM pg_matviews m"
        " JOIN pg_class c ON c.relname = m.matviewname AND c.relnamespace = 'public'::regnamespace"
        " WHERE m.schemaname = 'public' ORDER BY 1"
    ):
        name = view["matviewname"]
        jobs = [t for t in tasks if t.enabled and (name in t.name or name in (t.description or ""))]
        if not view["ispopulated"]:
            result.add(
                "materialized view", Level.WARNING, name, "never refreshed: reading it fails",
                f"REFRESH MATERIALIZED VIEW {name}; (as hotdash_service, its owner) and schedule its refresh",
            )
        if not jobs:
            result.add(
                "materialized view", Level.WARNING, name,
                f"{size_text(view['size'])}; no enabled periodic task refreshes it: its data only ages",
                "add a beat job that refreshes it, naming the view in its description",
            )
            continue
        for job in jobs:
            late, period = job_lateness(job, now)
            refreshed = f"refreshed {_age(now - job.last_run_at)} ago" if job.last_run_at else "not refreshed by its job yet"
            stale = late > max(MIN_GRACE, period / 10)
            result.add(
                "materialized view", Level.WARNING if stale else Level.OK, name,
                f"{size_text(view['size'])}; {refreshed} by {job.name!r}"
                + (f", {_age(late)} overdue" if stale else ""),
                "see the beat job below" if stale else "",
            )


def section() -> Section:
    result = Section(NAME, TITLE)
    tasks = list(PeriodicTask.objects.select_related("interval", "crontab", "solar", "clocked").order_by("name"))
    _materialized_views(result, tasks)
    _jobs(result, tasks)
    return result
