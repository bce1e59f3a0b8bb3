from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("hotdash", "0002_roles"),
        ("approvals", "0005_queue_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0006_decisions.sql").read_text(),
            reverse_sql=(SQL / "0006_decisions.reverse.sql").read_text(),
        ),
    ]
