"""Writes on the feedback tables.

Annotators hold UPDATE on agent_feedback's annotation columns only (feedback/sql/0003_row_level_security.sql):
every save here names its columns, since a plain save() writes all of them and the database refuses it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import AgentFeedback, SupportCuratedReply

RUBRIC_KEYS = ("clarity", "accuracy", "tone")
RUBRIC_MIN, RUBRIC_MAX = 1, 5
# The columns an annotation writes: exactly the annotator's UPDATE grant (updated_at is kept by a trigger).
ANNOTATION_FIELDS = ["safe_to_send", "labels", "rubric", "notes", "annotator"]


def feedback_rubric_validate(rubric: dict | None) -> dict[str, int]:
    """The rubric as stored: {} (not scored yet) or all of clarity, accuracy and tone, each a whole number 1-5.

    Raises ValidationError({"rubric": [...]}) listing every problem, so a form or an API shows them all at once.
    """
    if rubric is None or rubric == {}:
        return {}
    if not isinstance(rubric, dict):
        raise ValidationError(
            {"rubric": f"rubric must be an object with {', '.join(RUBRIC_KEYS)}, not {type(rubric).__name__}"},
            code="invalid",
        )
    problems = []
    unknown = sorted(str(key) for key in rubric if key not in RUBRIC_KEYS)
    if unknown:
        problems.append(f"unknown rubric keys: {', '.join(unknown)} (expected {', '.join(RUBRIC_KEYS)})")
    missing = [key for key in RUBRIC_KEYS if key not in rubric]
    if missing:
        problems.append(f"rubric needs {', '.join(RUBRIC_KEYS)}: {', '.join(missing)} missing")
    for key in RUBRIC_KEYS:
        if key not in rubric:
            continue
        score = rubric[key]
        # bool is an int in Python; True is not a score.
        if type(score) is not int or not RUBRIC_MIN <= score <= RUBRIC_MAX:
            problems.append(f"{key} must be a whole number from {RUBRIC_MIN} to {RUBRIC_MAX}, not {score!r}")
    if problems:
        raise ValidationError({"rubric": problems}, code="invalid")
    return {key: rubric[key] for key in RUBRIC_KEYS}


def _labels_clean(labels: list[str] | None, *, field: str = "labels") -> list[str]:
    """Labels (or tags) without surrounding blanks, empty entries or repeats, in the order given."""
    if labels is None:
        return []
    if isinstance(labels, str) or not all(isinstance(label, str) for label in labels):
        raise ValidationError({field: f"{field} must be a list of strings"}, code="invalid")
    return list(dict.fromkeys(label.strip() for label in labels if label.strip()))


@transaction.atomic
def feedback_annotate(
    *,
    feedback: AgentFeedback,
    safe_to_send: bool | None,
    labels: list[str] | None,
    rubric: dict | None,
    notes: str | None,
    annotator: str,
) -> AgentFeedback:
    """Record an annotator's verdict on a draft: safe to send?, labels, rubric, notes, and who said so.

    Runs as whatever role the caller acts as (an annotator in the console); only the annotation columns are
    written. Raises ValidationError, writing nothing, when a value is not acceptable.
    """
    errors: dict[str, list[str]] = {}
    if safe_to_send is not None and not isinstance(safe_to_send, bool):
        errors.setdefault("safe_to_send", []).append(f"safe_to_send must be true, false or null, not {safe_to_send!r}")
    annotator = (annotator or "").strip()
    if not annotator:
        errors.setdefault("annotator", []).append("annotator is required")
    try:
        rubric = feedback_rubric_validate(rubric)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        labels = _labels_clean(labels)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    feedback.safe_to_send = safe_to_send
    feedback.labels = labels
    feedback.rubric = rubric
    feedback.notes = (notes or "").strip() or None
    feedback.annotator = annotator
    feedback.save(update_fields=ANNOTATION_FIELDS)
    # The trigger moved updated_at; callers (the API) return this object.
    feedback.refresh_from_db(fields=["updated_at"])
    return feedback


@transaction.atomic
def curated_reply_create(
    *,
    conversation_id: str,
    source_message_id: str,
    question: str,
    reply: str,
    tags: list[str] | None = None,
    approved_at=None,
) -> SupportCuratedReply:
    """Add a reply to the gold set, approved now unless the caller says when.

    Annotators may insert but not update the gold set: a promoted reply is never edited in place.
    """
    reply_row = SupportCuratedReply(
        conversation_id=conversation_id,
        source_message_id=source_message_id,
        question=question,
        reply=reply,
        tags=_labels_clean(tags, field="tags"),
        approved_at=approved_at or timezone.now(),
    )
    reply_row.full_clean(exclude=["created_at", "updated_at"])
    reply_row.save(force_insert=True)
    return reply_row
