from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """The views v_annotation_progress and v_training_data_quality (progress page, tile, metrics API)."""

    dependencies = [("feedback", "0008_annotation_security_and_overlap")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0009_progress_views.sql").read_text(),
            reverse_sql=(SQL / "0009_progress_views.reverse.sql").read_text(),
        ),
    ]
