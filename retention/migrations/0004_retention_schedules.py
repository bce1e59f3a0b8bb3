from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

TASK = "retention.tasks.retention_run_task"
JOBS = {
    "Retention: agent feedback": {
        "task": TASK,
        "crontab": {"minute": "0", "hour": "2", "day_of_week": "0"},
        "kwargs": {"tables": ["agent_feedback"]},
        "description": "Sundays 02:00 UTC: drafts past their policy, backed up first (Retention policies in the admin).",
    },
    "Retention: approvals and queries": {
        "task": TASK,
        "crontab": {"minute": "0", "hour": "3", "day_of_month": "1"},
        "kwargs": {"tables": ["agent_approvals", "agent_queries"]},
        "description": "The 1st of the month 03:00 UTC: decided approvals (with their audit rows) and queries past"
        " their policy.",
    },
    "Retention: logs": {
        "task": TASK,
        "crontab": {"minute": "0", "hour": "4"},
        "kwargs": {"tables": ["observability_logs", "decision_sync_event_logs"]},
        "description": "Daily 04:00 UTC: log lines and decision telemetry past their policy; small daily runs keep"
        " chunks short.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_production_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
