from django.db import migrations

# name -> (task, schedule, description). The descriptions name the views: dbhealth's schedules section finds
# the job that refreshes a materialized view by its name there.
EVERY_30_SECONDS = ("interval", {"every": 30, "period": "seconds"})
NIGHTLY = ("crontab", {"minute": "15", "hour": "0"})
HOURLY = ("crontab", {"minute": "5", "hour": "*"})
JOBS = {
    "Refresh realtime metrics": (
        "metrics.tasks.realtime_metrics_refresh_task", EVERY_30_SECONDS,
        "REFRESH MATERIALIZED VIEW CONCURRENTLY mv_agent_performance_realtime and mv_approval_queue_depth_24h"
        " (the dashboard's tiles); each refresh's time and duration go to metrics_refreshes.",
    ),
    "Refresh daily metrics": (
        "metrics.tasks.daily_metrics_refresh_task", NIGHTLY,
        "Rolls every closed UTC day not rolled up yet (catching up after an outage) into agent_daily_metrics,"
        " then refreshes mv_daily_agent_metrics.",
    ),
    "Data quality check": (
        "metrics.tasks.data_quality_check_task", HOURLY,
        "Refreshes mv_data_quality_report; each violated rule is logged to observability_logs at WARN, critical"
        " ones also fire performance_alert_stream.",
    ),
}


def schedule(apps, schema_editor):
    """Installed once; an operator can change or pause each one in the admin (Periodic tasks)."""
    db = schema_editor.connection.alias
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, (kind, fields), description) in JOBS.items():
        if kind == "interval":
            when, _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.using(db).get_or_create(**fields)
        else:
            when, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.using(db).get_or_create(
                day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC", **fields
            )
        PeriodicTask.objects.using(db).get_or_create(
            name=name, defaults={"task": task, kind: when, "description": description}
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        name__in=list(JOBS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0011_dashboard_views"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
