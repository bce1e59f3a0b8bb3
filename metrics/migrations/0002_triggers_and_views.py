from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("hotdash", "0001_shared_functions"),
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0002_triggers_and_views.sql").read_text(),
            reverse_sql=(SQL / "0002_triggers_and_views.reverse.sql").read_text(),
        ),
    ]
