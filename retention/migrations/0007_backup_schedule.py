from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

# Daily 02:00 UTC; operators pause or move it in the admin (Periodic tasks).
JOBS = {
    "Backup: agent tables and the gold set": {
        "task": "retention.tasks.backup_task",
        "crontab": {"minute": "0", "hour": "2"},
        "description": "Daily backup into HOTDASH_BACKUP_DIR; the newest HOTDASH_BACKUP_KEEP are kept.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0006_purge_requests_rls"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
