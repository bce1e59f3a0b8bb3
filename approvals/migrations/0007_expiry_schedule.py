from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

# Every minute; an operator can change or pause it in the admin (Periodic tasks).
JOBS = {
    "Expire stale approvals": {
        "task": "approvals.tasks.expire_approvals_task",
        "interval": {"every": 1, "period": "minutes"},
        "description": "Pending approvals past their TTL become expired (never rejected); the agent is told.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_decisions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
