from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """training_feedback_stream notifications for drafts, annotations and gold replies."""

    dependencies = [("feedback", "0010_gold_set_source_draft")]

    operations = [
        migrations.RunSQL(
            sql=(SQL / "0011_training_feedback_stream.sql").read_text(),
            reverse_sql=(SQL / "0011_training_feedback_stream.reverse.sql").read_text(),
        ),
    ]
