from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("approvals", "0008_narrow_rows"), ("hotdash", "0005_ingest_role")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0009_ingest_role.sql").read_text(),
            reverse_sql=(SQL / "0009_ingest_role.reverse.sql").read_text(),
        ),
    ]
