from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_monitoring_reads_facts"), ("hotdash", "0005_ingest_role")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0006_ingest_role.sql").read_text(),
            reverse_sql=(SQL / "0006_ingest_role.reverse.sql").read_text(),
        ),
    ]
