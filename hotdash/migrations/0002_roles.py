from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("hotdash", "0001_shared_functions")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0002_roles.sql").read_text(),
            # Roles belong to the cluster, which other databases (tests, a second deployment) share, so
            # rolling back keeps them. Each app's own rollback revokes what it granted in this database.
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
