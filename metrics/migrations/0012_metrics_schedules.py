from django.db import migrations

from hotdash.beat_schedules import periodic_tasks_install, periodic_tasks_remove

# The descriptions name the views: dbhealth's schedules section finds the job that refreshes a materialized
# view by its name there. Installed once; an operator can change or pause each one in the admin.
JOBS = {
    "Refresh realtime metrics": {
        "task": "metrics.tasks.realtime_metrics_refresh_task",
        "interval": {"every": 30, "period": "seconds"},
        "description": "REFRESH MATERIALIZED VIEW CONCURRENTLY mv_agent_performance_realtime and"
        " mv_approval_queue_depth_24h (the dashboard's tiles); each refresh's time and duration go to"
        " metrics_refreshes.",
    },
    "Refresh daily metrics": {
        "task": "metrics.tasks.daily_metrics_refresh_task",
        "crontab": {"minute": "15", "hour": "0"},
        "description": "Rolls every closed UTC day not rolled up yet (catching up after an outage) into"
        " agent_daily_metrics, then refreshes mv_daily_agent_metrics.",
    },
    "Data quality check": {
        "task": "metrics.tasks.data_quality_check_task",
        "crontab": {"minute": "5", "hour": "*"},
        "description": "Refreshes mv_data_quality_report; each violated rule is logged to observability_logs at"
        " WARN, critical ones also fire performance_alert_stream.",
    },
}


def schedule(apps, schema_editor):
    periodic_tasks_install(apps, schema_editor, JOBS)


def unschedule(apps, schema_editor):
    periodic_tasks_remove(apps, schema_editor, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0011_dashboard_views"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
