from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """An empty tenant setting matches no row (NULLIF in the policies), and no row has a blank tenant key."""

    dependencies = [("metrics", "0006_ingest_role")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0007_empty_settings_match_nothing.sql").read_text(),
            reverse_sql=(SQL / "0007_empty_settings_match_nothing.reverse.sql").read_text(),
        ),
        migrations.AddConstraint(
            model_name="agentquery",
            constraint=models.CheckConstraint(
                condition=models.Q(("conversation_id", ""), _negated=True),
                name="agent_queries_conversation_id_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="agentrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("conversation_id", ""), _negated=True),
                name="agent_run_conversation_id_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="decisionsynceventlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("scope", ""), _negated=True),
                name="decision_sync_event_logs_scope_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="fact",
            constraint=models.CheckConstraint(
                condition=models.Q(("project", ""), _negated=True),
                name="facts_project_not_blank",
            ),
        ),
    ]
