from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("approvals", "0007_expiry_schedule")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0008_narrow_rows.sql").read_text(),
            reverse_sql=(SQL / "0008_narrow_rows.reverse.sql").read_text(),
        ),
    ]
