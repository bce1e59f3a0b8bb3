"""The annotator's workbench: annotate next, label a draft with the keyboard, save & next, skip; the label
vocabulary, the overlap setting, the annotations and QA's reviews; the gold set.

Every write goes through feedback.services; this module turns requests into service calls and results into pages.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from feedback import selectors
from feedback.exports.filters import ExportFilters, ExportInputError, export_filters_parse
from feedback.exports.services import training_export_progress, training_export_request
from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationOverlap,
    AnnotationReview,
    AnnotationState,
    ExportStatus,
    FeedbackAnnotation,
    ReviewOutcome,
    SupportCuratedReply,
    TrainingExport,
)
from feedback.services import (
    RUBRIC_KEYS,
    RUBRIC_MAX,
    RUBRIC_MIN,
    AnnotationLeaseNotHeld,
    annotation_lease_claim,
    annotation_next_claim,
    annotation_review,
    annotation_save,
    annotation_skip,
    curated_reply_create,
    feedback_adjudicate,
    feedback_promote,
)
from hotdash.admin import (
    ConsoleModelAdmin,
    ViewOnlyConsoleModelAdmin,
    json_text,
    pretty_json,
    service_errors_reported,
    table_privileges,
    truncated,
)
from hotdash.db_context import Role
from hotdash.errors import ServiceError

# Most drafts one bulk promotion takes (each one is its own idempotent insert).
BULK_PROMOTE_LIMIT = 500
def _reviews(request) -> bool:
    """QA and supervisors review annotations and adjudicate; the database holds them to their own name."""
    context = getattr(request, "db_context", None)
    return context is not None and context.role in (Role.QA, Role.SUPERVISOR)


def _posted_annotation(post) -> dict:
    """The workbench form's fields as the service takes them; the service judges every value."""
    verdict = post.get("safe_to_send", "")
    rubric = {}
    for key in RUBRIC_KEYS:
        value = post.get(f"rubric_{key}", "").strip()
        if value:
            rubric[key] = int(value) if value.lstrip("-").isdigit() else value
    return {
        "safe_to_send": {"true": True, "false": False}.get(verdict),
        "labels": post.getlist("labels"),
        "rubric": rubric,
        "notes": post.get("notes", ""),
    }


@admin.register(AgentFeedback)
class AgentFeedbackAdmin(ConsoleModelAdmin):
    """The drafts. Annotators work on them one at a time on the workbench page ("annotate next"); QA reads them."""

    list_display = (
        "id", "created_at", "conversation_id", "draft", "annotation_state", "safe_to_send", "labels_list",
        "rubric_scores", "annotator",
    )
    list_display_links = ("id", "draft")
    list_filter = ("annotation_state", "safe_to_send", "annotator", "created_at")
    # Exact matches use the conversation and annotator indexes; words in the texts scan the retention window.
    search_fields = ("conversation_id__exact", "annotator__exact", "input_text", "model_draft")
    search_help_text = "An exact conversation id or annotator, or words of the input or the draft."
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    change_list_template = "feedback/admin/feedback_list.html"
    actions = ["promote_selected"]
    readonly_fields = (
        "conversation_id", "input_text", "model_draft", "meta_pretty", "safe_to_send", "labels", "rubric_pretty",
        "notes", "annotator", "annotation_state", "annotations_needed", "created_at", "updated_at",
    )
    fieldsets = (
        ("Draft", {
            "fields": ("conversation_id", "input_text", "model_draft", "meta_pretty", "created_at", "updated_at"),
        }),
        ("Final annotation", {
            "fields": ("annotation_state", "annotations_needed", "safe_to_send", "labels", "rubric_pretty", "notes",
                       "annotator"),
        }),
    )

    class Media:
        css = {"all": ["feedback/annotate.css"]}
        js = ["feedback/annotate.js"]

    def has_add_permission(self, request):
        return False  # drafts come from the agent platform, through the API

    def has_delete_permission(self, request, obj=None):
        return False  # retention removes old drafts

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_annotate": self.has_change_permission(request),
            "progress_url": reverse("admin:feedback_agentfeedback_progress"),
            "next_url": reverse("admin:feedback_agentfeedback_annotate_next"),
            "adjudication": selectors.adjudication_count() if _reviews(request) else None,
            "agreement_url": reverse("admin:feedback_agentfeedback_agreement"),
            "adjudication_url": reverse("admin:feedback_agentfeedback_changelist")
            + f"?annotation_state__exact={AnnotationState.ADJUDICATION}",
        }
        return super().changelist_view(request, extra_context)

    # --- the workbench -------------------------------------------------------------------------------

    def get_urls(self):
        own = [
            path("annotate-next/", self.admin_site.admin_view(self.next_view), name="feedback_agentfeedback_annotate_next"),
            path("<int:pk>/annotate/", self.admin_site.admin_view(self.annotate_view),
                 name="feedback_agentfeedback_annotate"),
            path("<int:pk>/skip/", self.admin_site.admin_view(self.skip_view), name="feedback_agentfeedback_skip"),
            path("agreement/", self.admin_site.admin_view(self.agreement_view), name="feedback_agentfeedback_agreement"),
            path("progress/", self.admin_site.admin_view(self.progress_view), name="feedback_agentfeedback_progress"),
            path("<int:pk>/promote/", self.admin_site.admin_view(self.promote_view),
                 name="feedback_agentfeedback_promote"),
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="feedback_agentfeedback_review"),
            path("<int:pk>/adjudicate/", self.admin_site.admin_view(self.adjudicate_view),
                 name="feedback_agentfeedback_adjudicate"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Annotators get the workbench; QA and supervisors the review page; anyone else who may read, the draft.
        reviewing = _reviews(request)
        if not self.has_change_permission(request) and not reviewing:
            return super().change_view(request, object_id, form_url, extra_context)
        draft = self.get_object(request, object_id)
        if draft is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if reviewing:
            if request.method != "GET":
                raise PermissionDenied  # QA's writes have their own URLs (review, adjudicate)
            return self._review_page(request, draft)
        username = request.user.get_username()
        holds = annotation_lease_claim(feedback_id=draft.pk, holder=username)
        return self._workbench(request, draft, holds=holds)

    def _workbench(self, request, draft, *, holds: bool, posted: dict | None = None, errors: dict | None = None):
        username = request.user.get_username()
        rework = selectors.rework_for(feedback_id=draft.pk, annotator=username)
        previous = selectors.annotation_latest(feedback_id=draft.pk, annotator=username)
        values = posted or (
            {"safe_to_send": previous.safe_to_send, "labels": previous.labels, "rubric": previous.rubric,
             "notes": previous.notes or ""}
            if previous else {"safe_to_send": None, "labels": [], "rubric": {}, "notes": ""}
        )
        lease = None if holds else selectors.lease_of(draft.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Draft #{draft.pk}",
            "draft": draft,
            "meta": json_text(draft.meta),
            "holds": holds,
            "someone_else": lease,
            "rework": rework,
            "already_done": previous is not None and rework is None,
            "values": values,
            "errors": errors or {},
            "labels": selectors.labels_active(),
            "rubric_rows": [
                {"key": key, "value": values["rubric"].get(key) if isinstance(values["rubric"], dict) else None}
                for key in RUBRIC_KEYS
            ],
            "scores": range(RUBRIC_MIN, RUBRIC_MAX + 1),
            "gold": getattr(draft, "gold_reply", None),
            "may_promote": self._may_promote(request)
            and draft.annotation_state == AnnotationState.DONE and draft.safe_to_send is True,
            "promote_url": reverse("admin:feedback_agentfeedback_promote", args=[draft.pk]),
            "annotate_url": reverse("admin:feedback_agentfeedback_annotate", args=[draft.pk]),
            "skip_url": reverse("admin:feedback_agentfeedback_skip", args=[draft.pk]),
            "queue_url": reverse("admin:feedback_agentfeedback_changelist"),
        }
        return TemplateResponse(request, "feedback/admin/annotate.html", context)

    def annotate_view(self, request, pk: int):
        """Save & next: the annotation goes through the service; a refusal shows the page again with the values."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_change", args=[pk]))
        draft = self.get_object(request, str(pk))
        if draft is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        posted = _posted_annotation(request.POST)
        try:
            annotation_save(feedback_id=pk, annotator=request.user.get_username(), **posted)
        except ValidationError as exc:
            messages.error(request, "Not saved: " + "; ".join(exc.messages))
            return self._workbench(request, draft, holds=True, posted=posted, errors=exc.message_dict)
        except AnnotationLeaseNotHeld as exc:
            messages.warning(request, f"Not saved: {exc.message}.")
            return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_change", args=[pk]))
        messages.success(request, f"Draft #{pk} saved.")
        return self._next(request)

    # --- QA: review and adjudicate --------------------------------------------------------------------

    def _review_page(self, request, draft, *, posted: dict | None = None, errors: dict | None = None):
        values = posted or {"safe_to_send": None, "labels": [], "rubric": {}, "notes": ""}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Draft #{draft.pk}",
            "draft": draft,
            "meta": json_text(draft.meta),
            "rubric_json": json_text(draft.rubric),
            "gold": getattr(draft, "gold_reply", None),
            "annotations": selectors.annotations_of(draft.pk),
            "reviews": selectors.reviews_of(draft.pk),
            "adjudicating": draft.annotation_state == AnnotationState.ADJUDICATION,
            "values": values,
            "errors": errors or {},
            "labels": selectors.labels_active(),
            "rubric_rows": [{"key": key, "value": values["rubric"].get(key)} for key in RUBRIC_KEYS],
            "scores": range(RUBRIC_MIN, RUBRIC_MAX + 1),
            "review_url": reverse("admin:feedback_agentfeedback_review", args=[draft.pk]),
            "adjudicate_url": reverse("admin:feedback_agentfeedback_adjudicate", args=[draft.pk]),
            "queue_url": reverse("admin:feedback_agentfeedback_changelist"),
        }
        return TemplateResponse(request, "feedback/admin/review.html", context)

    def review_view(self, request, pk: int):
        """Accept an annotation, or send it back to its annotator with a comment."""
        if not _reviews(request) or request.method != "POST":
            raise PermissionDenied
        here = reverse("admin:feedback_agentfeedback_change", args=[pk])
        annotation_id = request.POST.get("annotation", "")
        with service_errors_reported(request, failed="Not recorded") as call:
            review = annotation_review(
                annotation_id=int(annotation_id) if annotation_id.isdigit() else 0,
                reviewer=request.user.get_username(),
                outcome=request.POST.get("outcome", ""),
                comment=request.POST.get("comment"),
                request_id=request.request_id,
            )
        if not call.failed:
            said = "sent back to" if review.outcome == ReviewOutcome.SENT_BACK else "accepted: the annotation of"
            messages.success(request, f"Draft #{pk} {said} {review.annotator}.")
        return HttpResponseRedirect(here)

    def adjudicate_view(self, request, pk: int):
        """Set the final values of a draft whose annotators disagree."""
        if not _reviews(request) or request.method != "POST":
            raise PermissionDenied
        draft = self.get_object(request, str(pk))
        if draft is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        posted = _posted_annotation(request.POST)
        try:
            feedback_adjudicate(
                feedback_id=pk, reviewer=request.user.get_username(), request_id=request.request_id, **posted
            )
        except ValidationError as exc:
            messages.error(request, "Not adjudicated: " + "; ".join(exc.messages))
            return self._review_page(request, draft, posted=posted, errors=exc.message_dict)
        except ServiceError as exc:
            messages.warning(request, f"Not adjudicated: {exc.message}.")
            return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_change", args=[pk]))
        messages.success(request, f"Draft #{pk} adjudicated.")
        return HttpResponseRedirect(
            reverse("admin:feedback_agentfeedback_changelist") + f"?annotation_state__exact={AnnotationState.ADJUDICATION}"
        )

    # --- the gold set --------------------------------------------------------------------------------

    def _may_promote(self, request) -> bool:
        return table_privileges(request, SupportCuratedReply._meta.db_table)["add"]

    def promote_view(self, request, pk: int):
        if request.method != "POST" or not self._may_promote(request):
            raise PermissionDenied
        with service_errors_reported(request, failed="Not promoted") as call:
            gold, created = feedback_promote(feedback_id=pk)
        if not call.failed:
            said = "added to the gold set" if created else "was already in the gold set"
            messages.success(request, f"Draft #{pk} {said} (gold reply #{gold.pk}).")
        return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_change", args=[pk]))

    @admin.action(description="Promote the selected drafts to the gold set", permissions=["promote"])
    def promote_selected(self, request, queryset):
        created = found = 0
        refused = []
        for pk in queryset.order_by("id").values_list("id", flat=True)[:BULK_PROMOTE_LIMIT]:
            try:
                _, new = feedback_promote(feedback_id=pk)
            except ServiceError:
                refused.append(f"#{pk}")
                continue
            created, found = created + new, found + (not new)
        self.message_user(request, f"Gold set: {created} added, {found} already there.", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"Not final and safe to send, left out: {', '.join(refused)}.", messages.WARNING
            )

    def has_promote_permission(self, request) -> bool:
        return self._may_promote(request)

    def progress_view(self, request):
        """An annotator's own progress; QA's and supervisors' the team's."""
        annotating, reviewing = self.has_change_permission(request), _reviews(request)
        if not annotating and not reviewing:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Annotation progress",
            "mine": selectors.progress_mine(request.user.get_username()) if annotating else None,
            "team": selectors.progress_team() if reviewing else None,
            "queue_url": reverse("admin:feedback_agentfeedback_changelist"),
            "next_url": reverse("admin:feedback_agentfeedback_annotate_next"),
        }
        return TemplateResponse(request, "feedback/admin/progress.html", context)

    def agreement_view(self, request):
        if not _reviews(request):
            raise PermissionDenied
        report = selectors.agreement_report()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Agreement between annotators",
            "fields": [{"name": name, **figures} for name, figures in report["overall"].items()],
            "pairs": report["pairs"],
            "queue_url": reverse("admin:feedback_agentfeedback_changelist"),
        }
        return TemplateResponse(request, "feedback/admin/agreement.html", context)

    def next_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return self._next(request)

    def skip_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        with service_errors_reported(request, failed="Not skipped"):
            annotation_skip(feedback_id=pk, annotator=request.user.get_username(), lease_required=False)
        return self._next(request)

    def _next(self, request):
        following = annotation_next_claim(annotator=request.user.get_username())
        if following is None:
            messages.info(request, "Nothing left to annotate for you: every open draft is done, skipped or held.")
            return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_changelist"))
        return HttpResponseRedirect(reverse("admin:feedback_agentfeedback_change", args=[following.pk]))

    # --- columns -------------------------------------------------------------------------------------

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
    list_display = ("id", "approved_at", "question_excerpt", "reply_excerpt", "tags_list", "conversation_id",
                    "source_draft")
    list_display_links = ("id", "question_excerpt")
    list_filter = ("approved_at",)
    search_fields = ("conversation_id__exact", "source_message_id__exact", "question", "reply")
    search_help_text = (
        "tag:NAME for the replies with that tag (several: tag:a tag:b), or an exact conversation or source "
        "message id, or words of the question or the reply."
    )
    date_hierarchy = "approved_at"
    ordering = ("-approved_at", "-id")
    list_per_page = 50
    fields = (
        "conversation_id", "source_message_id", "question", "reply", "tags", "source_draft", "approved_at",
        "created_at", "updated_at",
    )
    # Set by the service when the reply is added; a gold reply is never edited in place (no UPDATE grant).
    readonly_fields = ("source_draft", "approved_at", "created_at", "updated_at")

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

    def get_search_results(self, request, queryset, search_term):
        # tag:NAME terms are containment on the tags array, which its GIN index answers at any size.
        terms = search_term.split()
        tags = [term.removeprefix("tag:") for term in terms if term.startswith("tag:") and len(term) > 4]
        if not tags:
            return super().get_search_results(request, queryset, search_term)
        rest = " ".join(term for term in terms if not term.startswith("tag:"))
        queryset, duplicates = super().get_search_results(request, queryset.filter(tags__contains=tags), rest)
        return queryset, duplicates

    @admin.display(description="promoted from")
    def source_draft(self, obj):
        if obj.source_feedback_id is None:
            return "—"
        url = reverse("admin:feedback_agentfeedback_change", args=[obj.source_feedback_id])
        return format_html('<a href="{}">draft #{}</a>', url, obj.source_feedback_id)

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
