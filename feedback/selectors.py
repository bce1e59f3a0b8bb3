"""Reads of the feedback tables, shared by the annotator's workbench, QA's pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from feedback.agreement import Vote
from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationLease,
    AnnotationReview,
    AnnotationRework,
    AnnotationState,
    FeedbackAnnotation,
)


def feedback_list() -> QuerySet[AgentFeedback]:
    return AgentFeedback.objects.all()


def labels_active() -> list[AnnotationLabel]:
    """The vocabulary offered on the workbench, by name."""
    return list(AnnotationLabel.objects.filter(active=True).order_by("name"))


def rework_for(*, feedback_id: int, annotator: str) -> AnnotationRework | None:
    """QA's comment when this draft was sent back to this annotator and they have not saved it again."""
    return AnnotationRework.objects.filter(feedback_id=feedback_id, annotator=annotator).first()


def annotation_latest(*, feedback_id: int, annotator: str) -> FeedbackAnnotation | None:
    """The annotator's own latest annotation of a draft (what a rework starts from)."""
    return FeedbackAnnotation.objects.filter(feedback_id=feedback_id, annotator=annotator).order_by("-id").first()


def lease_of(feedback_id: int) -> AnnotationLease | None:
    return AnnotationLease.objects.filter(feedback_id=feedback_id).first()


def annotations_of(feedback_id: int) -> list[FeedbackAnnotation]:
    """Every annotation of a draft the caller may read (QA: all), oldest first, each with its reviews."""
    return list(
        FeedbackAnnotation.objects.filter(feedback_id=feedback_id)
        .prefetch_related("annotationreview_set").order_by("id")
    )


def reviews_of(feedback_id: int) -> list[AnnotationReview]:
    return list(AnnotationReview.objects.filter(feedback_id=feedback_id).order_by("created_at", "id"))


def adjudication_count() -> int:
    """Drafts whose annotators disagree, waiting for QA (from the partial index)."""
    return AgentFeedback.objects.filter(annotation_state=AnnotationState.ADJUDICATION).count()


def agreement_votes() -> list[Vote]:
    """Each annotator's latest annotation of every draft two or more annotators labelled (QA reads them all)."""
    rows = (
        FeedbackAnnotation.objects.filter(feedback__annotations_needed__gte=2)
        .order_by("feedback_id", "annotator", "-id")
        .distinct("feedback_id", "annotator")
        .values_list("feedback_id", "annotator", "safe_to_send", "labels", "rubric")
    )
    return [Vote(feedback_id=f, annotator=a, safe_to_send=s, labels=tuple(labels), rubric=rubric)
            for f, a, s, labels, rubric in rows]
