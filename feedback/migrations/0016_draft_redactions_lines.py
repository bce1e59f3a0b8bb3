from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """Drafts redacted ahead store their finished lines (JSON Lines and CSV) instead of their redacted texts, so
    that an export copies lines rather than building them (docs/exports.md, Performance)."""

    dependencies = [
        ("feedback", "0015_draft_redactions"),
    ]

    operations = [
        migrations.RenameField(model_name="draftredaction", old_name="redactor", new_name="made_with"),
        migrations.RemoveField(model_name="draftredaction", name="input_text"),
        migrations.RemoveField(model_name="draftredaction", name="model_draft"),
        migrations.RemoveField(model_name="draftredaction", name="labels"),
        migrations.RemoveField(model_name="draftredaction", name="notes"),
        migrations.AddField(
            model_name="draftredaction", name="jsonl", field=models.TextField(default=""), preserve_default=False
        ),
        migrations.AddField(
            model_name="draftredaction", name="csv", field=models.TextField(default=""), preserve_default=False
        ),
        # Last, so that going back empties the table before the text columns come back.
        migrations.RunSQL(
            sql=(SQL / "0015_draft_redactions_lines.sql").read_text(),
            reverse_sql=(SQL / "0015_draft_redactions_lines.reverse.sql").read_text(),
        ),
    ]
