from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("metrics", "0004_daily_agent_metrics")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0005_monitoring_reads_facts.sql").read_text(),
            reverse_sql=(SQL / "0005_monitoring_reads_facts.reverse.sql").read_text(),
        ),
    ]
