from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


def overlap_seed(apps, schema_editor):
    """The overlap a new database starts with: HOTDASH_ANNOTATION_OVERLAP of new drafts, two annotators each.

    Runs before row-level security is turned on for the table (next operation), so the migrating role may write.
    """
    share = Decimal(str(settings.HOTDASH_ANNOTATION_OVERLAP)).quantize(Decimal("0.001"))
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError(f"HOTDASH_ANNOTATION_OVERLAP must be a share from 0 to 1, not {share}")
    overlap = apps.get_model("feedback", "AnnotationOverlap")
    overlap.objects.using(schema_editor.connection.alias).get_or_create(id=1, defaults={"share": share, "annotators": 2})


class Migration(migrations.Migration):
    """Row-level security, append-only audit and the overlap draw for the annotation tables of 0007."""

    dependencies = [("feedback", "0007_annotations")]

    operations = [
        migrations.RunPython(overlap_seed, migrations.RunPython.noop),
        migrations.RunSQL(
            sql=(SQL / "0008_annotations.sql").read_text(),
            reverse_sql=(SQL / "0008_annotations.reverse.sql").read_text(),
        ),
    ]
