from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

# Daily at 03:30 UTC, a quiet hour; an operator can change or pause it in the admin (Periodic tasks).
JOBS = {
    "Database health report": {
        "task": "metrics.tasks.dbhealth_report_task",
        "crontab": {"minute": "30", "hour": "3"},
        "description": "Runs `manage.py dbhealth` as the service role and stores the report (admin: Database"
        " health reports); a new critical finding logs an ERROR and fires performance_alert_stream.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0009_dbhealth_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
