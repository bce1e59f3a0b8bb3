from django.db import migrations

TASK = "metrics.tasks.dbhealth_report_task"
NAME = "Database health report"


def schedule(apps, schema_editor):
    """Daily at 03:30 UTC, a quiet hour; an operator can change or pause it in the admin (Periodic tasks)."""
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.using(db).get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.using(db).get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": nightly,
            "description": "Runs `manage.py dbhealth` as the service role and stores the report (admin: Database"
            " health reports); a new critical finding logs an ERROR and fires performance_alert_stream.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0009_dbhealth_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
