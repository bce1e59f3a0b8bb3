"""The annotator workbench: label model drafts, review annotations, keep the gold set.

Saving goes through feedback.services; the forms here only collect input and show the services' errors.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from feedback.exports.filters import ExportFilters, ExportInputError, export_filters_parse
from feedback.exports.services import training_export_progress, training_export_request
from feedback.models import AgentFeedback, ExportStatus, SupportCuratedReply, TrainingExport
from feedback.services import (
    RUBRIC_KEYS,
    RUBRIC_MAX,
    RUBRIC_MIN,
    curated_reply_create,
    feedback_annotate,
    feedback_rubric_validate,
)
from hotdash.admin import ConsoleModelAdmin, pretty_json, truncated


class RubricWidget(forms.MultiWidget):
    """One number input per rubric key, each with its own label."""

    template_name = "feedback/widgets/rubric.html"

    def __init__(self, attrs=None):
        number = {"min": RUBRIC_MIN, "max": RUBRIC_MAX, "step": 1, "class": "vIntegerField"}
        super().__init__({f"_{key}": forms.NumberInput(attrs=number) for key in RUBRIC_KEYS}, attrs)

    def decompress(self, value):
        return [value.get(key) for key in RUBRIC_KEYS] if isinstance(value, dict) else [None] * len(RUBRIC_KEYS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for key, subwidget in zip(RUBRIC_KEYS, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = key
        return context


class RubricField(forms.MultiValueField):
    """The rubric as three scores; the service's validation decides what is acceptable."""

    widget = RubricWidget

    def __init__(self, **kwargs):
        fields = [forms.IntegerField(required=False) for _ in RUBRIC_KEYS]
        super().__init__(fields=fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        return {key: score for key, score in zip(RUBRIC_KEYS, data_list, strict=False) if score is not None}

    def clean(self, value):
        rubric = super().clean(value)
        try:
            return feedback_rubric_validate(rubric)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["rubric"]) from None


class AgentFeedbackAnnotationForm(forms.ModelForm):
    rubric = RubricField(
        label="Rubric",
        help_text=f"Clarity, accuracy and tone, each from {RUBRIC_MIN} (poor) to {RUBRIC_MAX} (excellent); "
        "all three or none.",
    )

    class Meta:
        model = AgentFeedback
        fields = ["safe_to_send", "labels", "rubric", "notes"]
        labels = {"safe_to_send": "Safe to send?"}
        help_texts = {"labels": "Comma-separated, e.g. refund, polite."}


@admin.register(AgentFeedback)
class AgentFeedbackAdmin(ConsoleModelAdmin):
    form = AgentFeedbackAnnotationForm
    list_display = (
        "id", "created_at", "conversation_id", "draft", "safe_to_send", "labels_list", "rubric_scores", "annotator",
    )
    list_display_links = ("id", "draft")
    # "Safe to send: Unknown" is the annotation queue.
    list_filter = ("safe_to_send", "annotator", "created_at")
    # Exact matches use the conversation and annotator indexes; words in the texts scan the retention window.
    search_fields = ("conversation_id__exact", "annotator__exact", "input_text", "model_draft")
    search_help_text = "An exact conversation id or annotator, or words of the input or the draft."
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    readonly_fields = (
        "conversation_id", "input_text", "model_draft", "meta_pretty", "rubric_pretty", "annotator",
        "created_at", "updated_at",
    )
    fieldsets = (
        ("Draft", {
            "fields": ("conversation_id", "input_text", "model_draft", "meta_pretty", "created_at", "updated_at"),
        }),
        ("Annotation", {"fields": ("safe_to_send", "labels", "rubric", "notes", "annotator")}),
    )

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only (QA): the rubric as JSON rather than three empty-looking inputs.
        draft, (title, options) = self.fieldsets
        fields = tuple("rubric_pretty" if name == "rubric" else name for name in options["fields"])
        return (draft, (title, {**options, "fields": fields}))

    def save_model(self, request, obj, form, change):
        # Annotators may only change existing drafts (they hold no INSERT on agent_feedback).
        feedback_annotate(
            feedback=obj,
            safe_to_send=form.cleaned_data["safe_to_send"],
            labels=form.cleaned_data["labels"],
            rubric=form.cleaned_data["rubric"],
            notes=form.cleaned_data["notes"],
            annotator=request.user.get_username(),
        )

    @admin.display(description="draft")
    def draft(self, obj):
        return truncated(obj.model_draft)

    @admin.display(description="labels")
    def labels_list(self, obj):
        return ", ".join(obj.labels)

    @admin.display(description="rubric (C/A/T)")
    def rubric_scores(self, obj):
        if not obj.rubric:
            return ""
        return "/".join(str(obj.rubric.get(key, "?")) for key in RUBRIC_KEYS)

    @admin.display(description="rubric")
    def rubric_pretty(self, obj):
        return pretty_json(obj.rubric)

    @admin.display(description="meta")
    def meta_pretty(self, obj):
        return pretty_json(obj.meta)


@admin.register(SupportCuratedReply)
class SupportCuratedReplyAdmin(ConsoleModelAdmin):
    list_display = ("id", "approved_at", "question_excerpt", "reply_excerpt", "tags_list", "conversation_id")
    list_display_links = ("id", "question_excerpt")
    list_filter = ("approved_at",)
    search_fields = ("conversation_id__exact", "source_message_id__exact", "question", "reply")
    search_help_text = "An exact conversation or source message id, or words of the question or the reply."
    date_hierarchy = "approved_at"
    ordering = ("-approved_at", "-id")
    list_per_page = 50
    fields = (
        "conversation_id", "source_message_id", "question", "reply", "tags", "approved_at", "created_at", "updated_at",
    )
    # Set by the service when the reply is added; a gold reply is never edited in place (no UPDATE grant).
    readonly_fields = ("approved_at", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        created = curated_reply_create(
            conversation_id=obj.conversation_id,
            source_message_id=obj.source_message_id,
            question=obj.question,
            reply=obj.reply,
            tags=obj.tags,
        )
        # The admin goes on with `obj` (its link, message and log entry): make it the row that was written.
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.display(description="question")
    def question_excerpt(self, obj):
        return truncated(obj.question)

    @admin.display(description="reply")
    def reply_excerpt(self, obj):
        return truncated(obj.reply)

    @admin.display(description="tags")
    def tags_list(self, obj):
        return ", ".join(obj.tags)


class TrainingExportRequestForm(forms.ModelForm):
    """What an export asks for; the filters are checked by the same code as the command's and the API's."""

    gold = forms.BooleanField(required=False, label="Gold set", help_text="Export the gold set instead of the drafts.")
    since = forms.DateField(required=False, help_text="First day included (UTC), YYYY-MM-DD.")
    until = forms.DateField(required=False, help_text="Last day included (UTC), YYYY-MM-DD.")
    label = forms.CharField(required=False, help_text="Only drafts with this label (gold: this tag).")
    safe_only = forms.BooleanField(required=False, label="Safe only", help_text="Only drafts judged safe to send.")

    class Meta:
        model = TrainingExport
        fields = ["format"]

    def clean(self):
        data = super().clean()
        try:
            data["export_filters"] = export_filters_parse(
                since=data.get("since"), until=data.get("until"), label=data.get("label"),
                safe_only=data.get("safe_only", False), gold=data.get("gold", False),
            )
        except ExportInputError as exc:
            self.add_error(exc.field, exc.message)
        return data


STATUS_COLOURS = {
    ExportStatus.QUEUED: "#666", ExportStatus.RUNNING: "#205493", ExportStatus.SUCCEEDED: "#2e7d32",
    ExportStatus.FAILED: "#ba2121",
}


@admin.register(TrainingExport)
class TrainingExportAdmin(ConsoleModelAdmin):
    """Exports with their progress and manifests; QA requests new ones here (a worker runs them)."""

    list_display = (
        "id", "created_at", "status_badge", "format", "dataset", "progress", "requested_by", "finished_at",
        "sha256_short", "download_link",
    )
    list_filter = ("status", "format")
    ordering = ("-created_at", "-id")
    list_per_page = 50
    actions = ["export_again"]
    readonly_fields = (
        "status", "format", "filters_pretty", "requested_by", "progress", "manifest_pretty", "error", "file_path",
        "download_link", "created_at", "started_at", "finished_at", "pruned_at",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TrainingExportRequestForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["format", "gold", "since", "until", "label", "safe_only"]
        return list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        created = training_export_request(
            format=form.cleaned_data["format"], filters=form.cleaned_data["export_filters"],
            requested_by=request.user.get_username(),
        )
        # The admin goes on with `obj` (its link, message and log entry): make it the row that was written.
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(description="Export again with the same format and filters", permissions=["add"])
    def export_again(self, request, queryset):
        for export in queryset:
            training_export_request(
                format=export.format, filters=ExportFilters.from_json(export.filters),
                requested_by=request.user.get_username(),
            )
        self.message_user(request, f"{len(queryset)} export(s) queued; a worker runs them.", messages.SUCCESS)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return format_html('<b style="color: {}">{}</b>', STATUS_COLOURS.get(obj.status, "#666"), obj.status)

    @admin.display(description="dataset")
    def dataset(self, obj):
        return obj.filters.get("dataset", "")

    @admin.display(description="progress")
    def progress(self, obj):
        done, total = training_export_progress(obj)
        if total:
            return f"{done:,} / {total:,} rows ({100 * done / total:.0f}%)"
        return f"{done:,} rows" if obj.status != ExportStatus.QUEUED else "waiting for a worker"

    @admin.display(description="sha256")
    def sha256_short(self, obj):
        return obj.manifest.get("sha256", "")[:12]

    @admin.display(description="file")
    def download_link(self, obj):
        if obj.status != ExportStatus.SUCCEEDED or not obj.file_path:
            return "pruned" if obj.pruned_at else ""
        return format_html('<a href="{}">download</a>', reverse("training-export-download", args=[obj.pk]))

    @admin.display(description="filters")
    def filters_pretty(self, obj):
        return pretty_json(obj.filters)

    @admin.display(description="manifest")
    def manifest_pretty(self, obj):
        return pretty_json(obj.manifest)
