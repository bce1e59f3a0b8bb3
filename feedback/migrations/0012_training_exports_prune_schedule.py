from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

# Daily 03:30 UTC, clear of the 02:00 backup and the 03:00 retention runs; editable in the admin.
JOBS = {
    "Training exports: prune old files": {
        "task": "feedback.tasks.training_exports_prune_task",
        "crontab": {"minute": "30", "hour": "3"},
        "description": "Deletes export files (and manifests) finished more than HOTDASH_EXPORT_KEEP_DAYS ago.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0011_training_feedback_stream"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
