from django.db import migrations

# The production values (docs/retention.md, "Policies"); operators change them in the admin afterwards.
POLICIES = [
    {"table": "agent_feedback", "keep_days": 30, "exception_keep_days": 180,
     "notes": "Drafts judged unsafe are kept 180 days; drafts promoted to the gold set while their gold reply exists."},
    {"table": "agent_approvals", "keep_days": 90,
     "notes": "Pending approvals are never deleted; audit rows and leases go with their approval."},
    {"table": "agent_queries", "keep_days": 60, "exception_keep_days": 180, "slow_query_ms": 200,
     "notes": "Queries slower than 200 ms are kept 180 days for latency work."},
    {"table": "observability_logs", "keep_days": 30, "exception_keep_days": 90,
     "notes": "ERROR and FATAL lines are kept 90 days: incidents are reviewed within a quarter."},
    {"table": "decision_sync_event_logs", "keep_days": 90,
     "notes": "As long as the approvals whose decisions they describe."},
]


def seed(apps, schema_editor):
    RetentionPolicy = apps.get_model("retention", "RetentionPolicy")
    for values in POLICIES:
        values = dict(values)
        RetentionPolicy.objects.using(schema_editor.connection.alias).get_or_create(
            table=values.pop("table"), defaults=values
        )


def unseed(apps, schema_editor):
    RetentionPolicy = apps.get_model("retention", "RetentionPolicy")
    RetentionPolicy.objects.using(schema_editor.connection.alias).filter(
        table__in=[values["table"] for values in POLICIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_row_level_security")]

    operations = [migrations.RunPython(seed, unseed)]
