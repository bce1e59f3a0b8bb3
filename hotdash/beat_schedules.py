"""Beat schedules that migrations install as django-celery-beat rows, so operators see, edit and pause them.

Each migration names its jobs: {name: {"task", "description", "crontab": {fields} or "interval": {fields}, and
optionally "kwargs"}}. Crontabs are UTC, and a field left out is "*". A job is installed once: a task of that
name already there (perhaps edited by an operator) is kept as it is.
"""

from __future__ import annotations

import json

CRONTAB_ANY = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


def periodic_tasks_install(apps, schema_editor, jobs: dict[str, dict]) -> None:
    db = schema_editor.connection.alias
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, job in jobs.items():
        if "interval" in job:
            kind = "interval"
            when, _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.using(db).get_or_create(
                **job["interval"]
            )
        else:
            kind = "crontab"
            when, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.using(db).get_or_create(
                timezone="UTC", **{**CRONTAB_ANY, **job["crontab"]}
            )
        defaults = {"task": job["task"], kind: when, "description": job["description"]}
        if "kwargs" in job:
            defaults["kwargs"] = json.dumps(job["kwargs"])
        PeriodicTask.objects.using(db).get_or_create(name=name, defaults=defaults)


def periodic_tasks_remove(apps, schema_editor, jobs: dict[str, dict]) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name__in=list(jobs)
    ).delete()
