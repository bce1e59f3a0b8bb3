from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0009_retention_lease_rls"),
        ("feedback", "0001_initial"),
        ("approvals", "0004_decisions_leases_and_queue_columns"),
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0010_autovacuum_after_retention.sql").read_text(),
            reverse_sql=(SQL / "0010_autovacuum_after_retention.reverse.sql").read_text(),
        ),
    ]
