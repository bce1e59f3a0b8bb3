from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("retention", "0008_retention_lease")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0009_retention_lease.sql").read_text(),
            reverse_sql=(SQL / "0009_retention_lease.reverse.sql").read_text(),
        ),
    ]
