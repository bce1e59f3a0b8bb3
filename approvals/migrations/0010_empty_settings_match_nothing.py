from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """An empty tenant setting matches no row (NULLIF in the policy), and no row has a blank tenant key."""

    dependencies = [("approvals", "0009_ingest_role")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0010_empty_settings_match_nothing.sql").read_text(),
            reverse_sql=(SQL / "0010_empty_settings_match_nothing.reverse.sql").read_text(),
        ),
        migrations.AddConstraint(
            model_name="agentapproval",
            constraint=models.CheckConstraint(
                condition=models.Q(("conversation_id", ""), _negated=True),
                name="agent_approvals_conversation_id_not_blank",
            ),
        ),
    ]
