from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("hotdash", "0003_service_prunes_append_only")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0004_owner_joins_service.sql").read_text(),
            # Role membership belongs to the cluster, which other databases share (as in 0002_roles).
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
