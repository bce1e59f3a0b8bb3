from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("hotdash", "0002_roles"),
        ("metrics", "0002_triggers_and_views"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0003_row_level_security.sql").read_text(),
            reverse_sql=(SQL / "0003_row_level_security.reverse.sql").read_text(),
        ),
    ]
