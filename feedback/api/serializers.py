from rest_framework import serializers

from feedback.models import AnnotationState, ExportFormat, ExportStatus
from feedback.services import RUBRIC_MAX, RUBRIC_MIN
from hotdash import inputs
from hotdash.api.fields import BooleanField, DateField, JSONValueField, TextField

# A customer's message or a model's draft: long, but bounded.
MAX_DRAFT_TEXT = 100_000


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.JSONL)
    since = DateField(required=False, allow_null=True, help_text="First day included (UTC).")
    until = DateField(required=False, allow_null=True, help_text="Last day included (UTC).")
    label = TextField(required=False, allow_blank=True, max_length=200, help_text="Drafts with this label (gold: tag).")
    safe_only = BooleanField(default=False, help_text="Only drafts judged safe to send.")
    gold = BooleanField(default=False, help_text="Export the gold set instead of the drafts.")


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


class DraftCreateSerializer(serializers.Serializer):
    """One model draft from the agent platform."""

    conversation_id = TextField(max_length=200)
    input_text = TextField(max_length=MAX_DRAFT_TEXT, help_text="The customer's message.")
    model_draft = TextField(max_length=MAX_DRAFT_TEXT, help_text="The reply the model drafted.")
    meta = JSONValueField(required=False, help_text="A flat object the platform keeps with it (model, agent, message_id...).")

    def validate_meta(self, value):
        # Flat, as the schema says: what the platform keeps beside a draft (model, agent, message id...).
        if not isinstance(value, dict) or any(
            isinstance(item, dict | list) for item in value.values()
        ):
            raise serializers.ValidationError("must be a flat JSON object (text, numbers, true / false or null)")
        return value


class DraftSerializer(serializers.Serializer):
    """A draft as annotators, QA and monitoring read it: the texts and the final annotation."""

    id = serializers.IntegerField(read_only=True)
    conversation_id = serializers.CharField(read_only=True)
    input_text = serializers.CharField(read_only=True)
    model_draft = serializers.CharField(read_only=True)
    meta = serializers.DictField(read_only=True)
    annotation_state = serializers.ChoiceField(choices=AnnotationState.choices, read_only=True)
    annotations_needed = serializers.IntegerField(read_only=True)
    safe_to_send = serializers.BooleanField(read_only=True, allow_null=True)
    labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    rubric = serializers.DictField(read_only=True)
    notes = serializers.CharField(read_only=True, allow_null=True)
    annotator = serializers.CharField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class RubricSerializer(serializers.Serializer):
    # Whole numbers 1-5: the service says so, with the same words as the admin.
    clarity = serializers.IntegerField(min_value=RUBRIC_MIN, max_value=RUBRIC_MAX)
    accuracy = serializers.IntegerField(min_value=RUBRIC_MIN, max_value=RUBRIC_MAX)
    tone = serializers.IntegerField(min_value=RUBRIC_MIN, max_value=RUBRIC_MAX)


class AnnotationCreateSerializer(serializers.Serializer):
    safe_to_send = BooleanField(help_text="true or false")
    labels = serializers.ListField(child=TextField(max_length=inputs.MAX_LABEL_LENGTH), required=False, default=list,
                                   max_length=100, help_text="Names from the label vocabulary.")
    rubric = RubricSerializer()
    notes = TextField(required=False, allow_blank=True, allow_null=True, max_length=4000)


class AnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    feedback = serializers.IntegerField(source="feedback_id", read_only=True)
    annotator = serializers.CharField(read_only=True)
    safe_to_send = serializers.BooleanField(read_only=True)
    labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    rubric = serializers.DictField(read_only=True)
    notes = serializers.CharField(read_only=True, allow_null=True)
    seconds_spent = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class SinceSerializer(serializers.Serializer):
    since = DateField(required=False, help_text="Only days from this one (YYYY-MM-DD).")


class GoldReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    conversation_id = serializers.CharField(read_only=True)
    source_message_id = serializers.CharField(read_only=True)
    source_feedback = serializers.IntegerField(source="source_feedback_id", read_only=True, allow_null=True)
    question = serializers.CharField(read_only=True)
    reply = serializers.CharField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    approved_at = serializers.DateTimeField(read_only=True)


class AgreementFigureSerializer(serializers.Serializer):
    krippendorff_alpha = serializers.FloatField(allow_null=True, help_text="null when not measurable")
    items = serializers.IntegerField()


class AgreementOverallSerializer(serializers.Serializer):
    safe_to_send = AgreementFigureSerializer(help_text="nominal")
    clarity = AgreementFigureSerializer(help_text="ordinal")
    accuracy = AgreementFigureSerializer(help_text="ordinal")
    tone = AgreementFigureSerializer(help_text="ordinal")
    labels = AgreementFigureSerializer(help_text="nominal, one yes / no unit per (draft, label)")


class PairVerdictSerializer(serializers.Serializer):
    percent = serializers.FloatField()
    cohen_kappa = serializers.FloatField(allow_null=True)


class AgreementPairSerializer(serializers.Serializer):
    annotators = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2)
    items = serializers.IntegerField()
    safe_to_send = PairVerdictSerializer()


class AgreementSerializer(serializers.Serializer):
    overall = AgreementOverallSerializer()
    pairs = AgreementPairSerializer(many=True)


class AnnotationProgressRowSerializer(serializers.Serializer):
    annotator = serializers.CharField()
    day = serializers.DateField()
    annotations = serializers.IntegerField()
    drafts = serializers.IntegerField()
    median_seconds = serializers.FloatField()
    mean_seconds = serializers.DecimalField(max_digits=10, decimal_places=1)
    unsafe = serializers.IntegerField()


class AnnotationProgressSerializer(serializers.Serializer):
    results = AnnotationProgressRowSerializer(many=True)


class TrainingQualityRowSerializer(serializers.Serializer):
    day = serializers.DateField()
    drafts = serializers.IntegerField()
    final = serializers.IntegerField()
    open = serializers.IntegerField()
    adjudication = serializers.IntegerField()
    overlap = serializers.IntegerField()
    safe = serializers.IntegerField()
    unsafe = serializers.IntegerField()
    clarity = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    accuracy = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    tone = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class TrainingQualitySerializer(serializers.Serializer):
    results = TrainingQualityRowSerializer(many=True)
