from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("hotdash", "0004_owner_joins_service"),
        ("retention", "0001_policies_and_runs"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0002_row_level_security.sql").read_text(),
            reverse_sql=(SQL / "0002_row_level_security.reverse.sql").read_text(),
        ),
    ]
