"""Reads of the feedback tables, shared by the annotator's workbench, QA's pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationLease,
    AnnotationRework,
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
