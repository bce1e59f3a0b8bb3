from rest_framework import serializers

from feedback.models import ExportFormat, ExportStatus


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.JSONL)
    since = serializers.DateField(required=False, allow_null=True, help_text="First day included (UTC).")
    until = serializers.DateField(required=False, allow_null=True, help_text="Last day included (UTC).")
    label = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Drafts with this label (gold: tag).")
    safe_only = serializers.BooleanField(default=False, help_text="Only drafts judged safe to send.")
    gold = serializers.BooleanField(default=False, help_text="Export the gold set instead of the drafts.")


class ExportProgressSerializer(serializers.Serializer):
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)


class ExportSerializer(serializers.Serializer):
    """An export as its requester follows it: status, live progress, manifest and download link."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = serializers.DictField()
    requested_by = serializers.CharField()
    progress = ExportProgressSerializer()
    manifest = serializers.DictField(help_text="Rows, sha256, filters, schema version, redaction counts...: docs/exports.md.")
    error = serializers.CharField(allow_null=True)
    download = serializers.URLField(allow_null=True, help_text="The file, once the export succeeded (until it is pruned).")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    pruned_at = serializers.DateTimeField(allow_null=True)
