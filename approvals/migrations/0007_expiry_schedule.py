from django.db import migrations

TASK = "approvals.tasks.expire_approvals_task"
NAME = "Expire stale approvals"


def schedule(apps, schema_editor):
    """Every minute; an operator can change or pause it in the admin (Periodic tasks)."""
    db = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.using(db).get_or_create(every=1, period="minutes")
    PeriodicTask.objects.using(db).get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "Pending approvals past their TTL become expired (never rejected); the agent is told.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_decisions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
