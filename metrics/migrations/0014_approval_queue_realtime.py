from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"

TASK = "Refresh realtime metrics"
# dbhealth's schedules section finds the job that refreshes a materialized view by its name in the description.
DESCRIPTION = (
    "REFRESH MATERIALIZED VIEW CONCURRENTLY mv_agent_performance_realtime, mv_approval_queue_depth and"
    " mv_approval_queue_status (the dashboard's tiles and the approval-queue API); each refresh's time and duration"
    " go to metrics_refreshes."
)
PREVIOUS = (
    "REFRESH MATERIALIZED VIEW CONCURRENTLY mv_agent_performance_realtime and mv_approval_queue_depth_24h"
    " (the dashboard's tiles); each refresh's time and duration go to metrics_refreshes."
)


def describe(description: str):
    def update(apps, schema_editor):
        # Only the installed text: an operator's own description is theirs.
        apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
            name=TASK, description__in=[PREVIOUS, DESCRIPTION]
        ).update(description=description)

    return update


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0013_dashboard_view_models"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0014_approval_queue_realtime.sql").read_text(),
            reverse_sql=(SQL / "0014_approval_queue_realtime.reverse.sql").read_text(),
        ),
        # Unmanaged models: only Django's idea of where they read.
        migrations.AlterModelTable(name="approvalqueuestatus", table="mv_approval_queue_status"),
        migrations.AlterModelTable(name="approvalqueuedepth", table="mv_approval_queue_depth"),
        migrations.RunPython(describe(DESCRIPTION), describe(PREVIOUS)),
    ]
