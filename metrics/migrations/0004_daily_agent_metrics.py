from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    # The migrating role must be a member of hotdash_service to hand it the materialized view.
    dependencies = [("metrics", "0003_row_level_security"), ("hotdash", "0004_owner_joins_service")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0004_daily_agent_metrics.sql").read_text(),
            reverse_sql=(SQL / "0004_daily_agent_metrics.reverse.sql").read_text(),
        ),
    ]
