from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("retention", "0005_purge_requests")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0006_purge_requests.sql").read_text(),
            reverse_sql=(SQL / "0006_purge_requests.reverse.sql").read_text(),
        ),
    ]
