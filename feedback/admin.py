"""The annotator workbench: label model drafts, review annotations, keep the gold set.

Saving goes through feedback.services; the forms here only collect input and show the services' errors.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationOverlap,
    AnnotationReview,
    FeedbackAnnotation,
    SupportCuratedReply,
)
from feedback.services import (
    RUBRIC_KEYS,
    RUBRIC_MAX,
    RUBRIC_MIN,
    curated_reply_create,
    feedback_annotate,
    feedback_rubric_validate,
)
from hotdash.admin import ConsoleModelAdmin, ViewOnlyConsoleModelAdmin, pretty_json, truncated


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


@admin.register(AnnotationLabel)
class AnnotationLabelAdmin(ConsoleModelAdmin):
    """The label vocabulary. A label in use is deactivated rather than deleted: old annotations keep it."""

    list_display = ("name", "key", "colour_chip", "description", "active")
    list_editable = ("active",)
    list_filter = ("active",)
    search_fields = ("name", "description")
    fields = ("name", "key", "colour", "description", "active")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="colour")
    def colour_chip(self, label):
        return format_html('<span class="label-chip" style="background: {}">{}</span>', label.colour, label.colour)


@admin.register(AnnotationOverlap)
class AnnotationOverlapAdmin(ConsoleModelAdmin):
    """Which share of new drafts N annotators label; drafts already there keep what they were given."""

    list_display = ("__str__", "share", "annotators", "updated_at")
    fields = ("share", "annotators", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return False  # one row, created by the migration from HOTDASH_ANNOTATION_OVERLAP

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeedbackAnnotation)
class FeedbackAnnotationAdmin(ViewOnlyConsoleModelAdmin):
    """Each annotator's own annotations (an annotator sees theirs, QA everyone's). Append-only."""

    list_display = ("id", "created_at", "feedback_id", "annotator", "safe_to_send", "labels_list", "rubric_scores",
                    "seconds_spent")
    list_filter = ("safe_to_send", "created_at")
    search_fields = ("=annotator", "=feedback__id")
    search_help_text = "An exact annotator or draft number."
    list_per_page = 50

    @admin.display(description="labels")
    def labels_list(self, annotation):
        return ", ".join(annotation.labels)

    @admin.display(description="rubric (C/A/T)")
    def rubric_scores(self, annotation):
        return "/".join(str(annotation.rubric.get(key, "?")) for key in RUBRIC_KEYS)


@admin.register(AnnotationReview)
class AnnotationReviewAdmin(ViewOnlyConsoleModelAdmin):
    """QA's audit trail: accepted, sent back (with the comment) and adjudicated. Append-only."""

    list_display = ("created_at", "feedback_id", "annotator", "outcome", "reviewer", "comment")
    list_filter = ("outcome",)
    search_fields = ("=annotator", "=reviewer", "=feedback__id")
    list_per_page = 50
