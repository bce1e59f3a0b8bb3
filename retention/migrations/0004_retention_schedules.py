import json

from django.db import migrations

TASK = "retention.tasks.retention_run_task"
# name: (crontab in UTC, tables, description)
SCHEDULES = {
    "Retention: agent feedback": (
        {"minute": "0", "hour": "2", "day_of_week": "0", "day_of_month": "*", "month_of_year": "*"},
        ["agent_feedback"],
        "Sundays 02:00 UTC: drafts past their policy, backed up first (Retention policies in the admin).",
    ),
    "Retention: approvals and queries": (
        {"minute": "0", "hour": "3", "day_of_week": "*", "day_of_month": "1", "month_of_year": "*"},
        ["agent_approvals", "agent_queries"],
        "The 1st of the month 03:00 UTC: decided approvals (with their audit rows) and queries past their policy.",
    ),
    "Retention: logs": (
        {"minute": "0", "hour": "4", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        ["observability_logs", "decision_sync_event_logs"],
        "Daily 04:00 UTC: log lines and decision telemetry past their policy; small daily runs keep chunks short.",
    ),
}


def schedule(apps, schema_editor):
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (crontab, tables, description) in SCHEDULES.items():
        when, _ = CrontabSchedule.objects.using(db).get_or_create(timezone="UTC", **crontab)
        PeriodicTask.objects.using(db).get_or_create(
            name=name,
            defaults={"task": TASK, "crontab": when, "kwargs": json.dumps({"tables": tables}), "description": description},
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name__in=list(SCHEDULES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_production_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
