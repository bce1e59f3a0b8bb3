from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0001_shared_functions.sql").read_text(),
            reverse_sql=(SQL / "0001_shared_functions.reverse.sql").read_text(),
        ),
    ]
