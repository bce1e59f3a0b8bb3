from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("hotdash", "0002_roles")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0003_service_prunes_append_only.sql").read_text(),
            reverse_sql=(SQL / "0003_service_prunes_append_only.reverse.sql").read_text(),
        ),
    ]
