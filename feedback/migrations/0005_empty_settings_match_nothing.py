from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """An empty tenant setting matches no row (NULLIF in the policy), and no row has a blank tenant key."""

    dependencies = [("feedback", "0004_ingest_role")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0005_empty_settings_match_nothing.sql").read_text(),
            reverse_sql=(SQL / "0005_empty_settings_match_nothing.reverse.sql").read_text(),
        ),
        migrations.AddConstraint(
            model_name="agentfeedback",
            constraint=models.CheckConstraint(
                condition=models.Q(("conversation_id", ""), _negated=True),
                name="agent_feedback_conversation_id_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="supportcuratedreply",
            constraint=models.CheckConstraint(
                condition=models.Q(("conversation_id", ""), _negated=True),
                name="support_curated_replies_conversation_id_not_blank",
            ),
        ),
    ]
