from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("hotdash", "0004_owner_joins_service")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0005_ingest_role.sql").read_text(),
            # Roles belong to the cluster, which other databases share (as in 0002_roles): rolling back keeps
            # it; each app's rollback revokes what it granted in this database.
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
