from django.db import migrations

TASK = "feedback.tasks.training_exports_prune_task"
NAME = "Training exports: prune old files"


def schedule(apps, schema_editor):
    """Daily 03:30 UTC, clear of the 02:00 backup and the 03:00 retention runs; editable in the admin."""
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.using(db).get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.using(db).get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "description": "Deletes export files (and manifests) finished more than HOTDASH_EXPORT_KEEP_DAYS ago.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0011_training_feedback_stream"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
