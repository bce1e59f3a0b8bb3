from django.db import migrations

TASK = "retention.tasks.backup_task"
NAME = "Backup: agent tables and the gold set"


def schedule(apps, schema_editor):
    """Daily 02:00 UTC; operators pause or move it in the admin (Periodic tasks)."""
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.using(db).get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.using(db).get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "description": "Daily backup into HOTDASH_BACKUP_DIR; the newest HOTDASH_BACKUP_KEEP are kept.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0006_purge_requests_rls"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
