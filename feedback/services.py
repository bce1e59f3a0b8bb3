"""Writes on the feedback tables.

Annotators hold UPDATE on agent_feedback's annotation columns only (feedback/sql/0003_row_level_security.sql):
every save here names its columns, since a plain save() writes all of them and the database refuses it.
"""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationLease,
    AnnotationReview,
    AnnotationRework,
    AnnotationSkip,
    AnnotationState,
    FeedbackAnnotation,
    ReviewOutcome,
    SupportCuratedReply,
)
from hotdash import inputs
from hotdash.db_context import Role, acting_as
from hotdash.errors import Conflict, Invalid, NotFound

RUBRIC_KEYS = ("clarity", "accuracy", "tone")
RUBRIC_MIN, RUBRIC_MAX = 1, 5
MAX_NOTES_LENGTH = 4000
# Annotators of an overlap draft agree on a rubric dimension when their scores are at most this far apart.
RUBRIC_TOLERANCE = 1
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


# --- the annotator's queue: leases, next, save, skip ---------------------------------------------------------


class AnnotationNotFound(NotFound):
    def __init__(self, feedback_id: int):
        super().__init__(f"no draft #{feedback_id} is visible to you")


class AnnotationLeaseNotHeld(Conflict):
    """The caller does not hold the draft's lease (never took it, it expired, or someone else has it)."""

    def __init__(self, feedback_id: int, holder: str | None):
        who = f"{holder} holds it now" if holder else "take it again with next"
        super().__init__(f"you do not hold draft #{feedback_id} ({who}); nothing was saved")


def _lease_seconds() -> int:
    return settings.HOTDASH_ANNOTATION_LEASE_SECONDS


# Claim: a new lease, or (next statement) renew one's own or take over an expired one. Not one INSERT ... ON
# CONFLICT DO UPDATE: that checks the UPDATE policy against a lease someone else holds and fails, where this
# UPDATE simply finds no row. Renewing keeps the moment the annotator first got the draft (their time starts).
_LEASE_INSERT_SQL = """
INSERT INTO annotation_leases (feedback_id, holder, claimed_at, expires_at)
VALUES (%(id)s, %(holder)s, clock_timestamp(), clock_timestamp() + make_interval(secs => %(seconds)s))
ON CONFLICT (feedback_id) DO NOTHING
RETURNING holder
"""
_LEASE_RENEW_SQL = """
UPDATE annotation_leases
SET expires_at = clock_timestamp() + make_interval(secs => %(seconds)s),
    claimed_at = CASE WHEN holder = %(holder)s AND expires_at > clock_timestamp() THEN claimed_at
                      ELSE clock_timestamp() END,
    holder = %(holder)s
WHERE feedback_id = %(id)s AND (holder = %(holder)s OR expires_at <= clock_timestamp())
RETURNING holder
"""

# Rework first: drafts QA sent back to this annotator, oldest first. Only they are offered these, so the
# lease alone settles two of their own tabs asking at once.
_NEXT_REWORK_SQL = """
SELECT r.feedback_id FROM annotation_rework r
LEFT JOIN annotation_leases l ON l.feedback_id = r.feedback_id
WHERE r.annotator = %(holder)s AND NOT r.feedback_id = ANY(%(exclude)s::bigint[])
  AND (l.feedback_id IS NULL OR l.expires_at <= clock_timestamp() OR l.holder = %(holder)s)
ORDER BY r.created_at, r.id
LIMIT 1
"""

# Then the oldest open draft this annotator has not annotated and nobody else holds. The row lock (SKIP
# LOCKED) keeps two concurrent "next" calls off the same draft; the lease keeps it theirs afterwards.
_NEXT_OPEN_SQL = """
SELECT f.id FROM agent_feedback f
LEFT JOIN annotation_leases l ON l.feedback_id = f.id
WHERE f.annotation_state = 'open' AND NOT f.id = ANY(%(exclude)s::bigint[])
  AND (l.feedback_id IS NULL OR l.expires_at <= clock_timestamp() OR l.holder = %(holder)s)
  AND NOT EXISTS (SELECT 1 FROM feedback_annotations a WHERE a.feedback_id = f.id AND a.annotator = %(holder)s)
ORDER BY f.created_at, f.id
LIMIT 1
FOR UPDATE OF f SKIP LOCKED
"""


def annotation_lease_claim(*, feedback_id: int, holder: str) -> bool:
    """Take (or renew) the lease on a draft; False when someone else holds it and their lease still runs."""
    params = {"id": feedback_id, "holder": holder, "seconds": _lease_seconds()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LEASE_INSERT_SQL, params)
        if cursor.fetchone() is not None:
            return True
        cursor.execute(_LEASE_RENEW_SQL, params)
        return cursor.fetchone() is not None


# Most skips "next" moves past (the newest): beyond, the oldest skipped drafts come back.
SKIPPED_KEPT = 200


def annotation_skipped(*, annotator: str) -> list[int]:
    """The drafts this annotator skipped within HOTDASH_ANNOTATION_SKIP_HOURS, newest first (at most SKIPPED_KEPT)."""
    since = timezone.now() - timedelta(hours=settings.HOTDASH_ANNOTATION_SKIP_HOURS)
    return list(
        AnnotationSkip.objects.filter(annotator=annotator, skipped_at__gt=since)
        .order_by("-skipped_at").values_list("feedback_id", flat=True)[:SKIPPED_KEPT]
    )


def annotation_next_claim(*, annotator: str, exclude: list[int] | None = None) -> AgentFeedback | None:
    """The draft this annotator labels next, now leased to them; None when nothing is left for them.

    Drafts QA sent back to them come first, then the oldest open draft they have not annotated, past the ones
    they skipped lately (and `exclude`). Runs as the annotator (their own annotations, rework rows and skips
    are what RLS shows them).
    """
    skipped = [*annotation_skipped(annotator=annotator), *(exclude or [])]
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                params = {"holder": annotator, "exclude": skipped}
                cursor.execute(_NEXT_REWORK_SQL, params)
                row = cursor.fetchone()
                if row is None:
                    cursor.execute(_NEXT_OPEN_SQL, params)
                    row = cursor.fetchone()
            if row is None:
                return None
            # Between this statement's snapshot and its row lock another annotator may have leased the draft
            # and committed: the claim says so, and the next candidate is tried.
            if annotation_lease_claim(feedback_id=row[0], holder=annotator):
                return AgentFeedback.objects.get(pk=row[0])
        skipped.append(row[0])


def annotation_lease_release(*, feedback_id: int, holder: str) -> None:
    """Give the draft back to the queue (only the holder's own lease goes)."""
    AnnotationLease.objects.filter(feedback_id=feedback_id, holder=holder).delete()


_SKIP_SQL = """
INSERT INTO annotation_skips (feedback_id, annotator, skipped_at) VALUES (%(id)s, %(annotator)s, clock_timestamp())
ON CONFLICT (annotator, feedback_id) DO UPDATE SET skipped_at = excluded.skipped_at
"""


@transaction.atomic
def annotation_skip(*, feedback_id: int, annotator: str, lease_required: bool = True) -> None:
    """Skip: give the draft back to the queue and move past it in this annotator's "next" for a while.

    AnnotationNotFound for a draft they cannot see; with lease_required (the API), AnnotationLeaseNotHeld when
    they do not hold it, and nothing changes. The workbench skips whatever page it shows (an expired lease too).
    """
    if not AgentFeedback.objects.filter(pk=feedback_id).exists():
        raise AnnotationNotFound(feedback_id)
    released = AnnotationLease.objects.filter(feedback_id=feedback_id, holder=annotator).delete()[0]
    if not released and lease_required:
        other = AnnotationLease.objects.filter(feedback_id=feedback_id, expires_at__gt=timezone.now()).first()
        raise AnnotationLeaseNotHeld(feedback_id, other.holder if other else None)
    with connection.cursor() as cursor:
        cursor.execute(_SKIP_SQL, {"id": feedback_id, "annotator": annotator})


def annotation_labels_check(labels: list[str] | None) -> list[str]:
    """Labels cleaned, each one an active label of the vocabulary; ValidationError on "labels" otherwise."""
    labels = _labels_clean(labels)
    # Checked before the vocabulary is asked: PostgreSQL cannot compare text holding a NUL.
    problems = [problem for label in labels if (problem := inputs.text_problem(label, max_length=inputs.MAX_LABEL_LENGTH))]
    if problems:
        raise ValidationError({"labels": f"labels {problems[0]}"}, code="invalid")
    known = set(AnnotationLabel.objects.filter(active=True, name__in=labels).values_list("name", flat=True))
    unknown = [label for label in labels if label not in known]
    if unknown:
        raise ValidationError(
            {"labels": f"not in the label vocabulary: {', '.join(unknown)}"}, code="invalid"
        )
    return labels


def _annotation_values_check(*, safe_to_send, labels, rubric, notes) -> dict:
    """A complete annotation (verdict, rubric of three scores, known labels) or ValidationError naming each field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(safe_to_send, bool):
        errors["safe_to_send"] = [f"safe_to_send must be true or false, not {safe_to_send!r}"]
    try:
        rubric = feedback_rubric_validate(rubric)
        if not rubric:
            errors["rubric"] = [f"rubric needs {', '.join(RUBRIC_KEYS)}, each from {RUBRIC_MIN} to {RUBRIC_MAX}"]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        labels = annotation_labels_check(labels)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if notes is not None and not isinstance(notes, str):
        errors["notes"] = ["notes must be text"]
    elif notes and (problem := inputs.text_problem(notes, max_length=MAX_NOTES_LENGTH)):
        errors["notes"] = [f"notes {problem}"]
    if errors:
        raise ValidationError(errors)
    return {"safe_to_send": safe_to_send, "labels": labels, "rubric": rubric, "notes": (notes or "").strip() or None}


@transaction.atomic
def annotation_save(
    *, feedback_id: int, annotator: str, safe_to_send, labels, rubric, notes: str | None = None
) -> FeedbackAnnotation:
    """Record the annotator's annotation of a draft they hold; release it; settle the draft's final values.

    `annotator` is the logged-in user (the database checks it against app.user). Raises ValidationError
    (nothing saved) for values that are not acceptable, AnnotationLeaseNotHeld when the caller does not hold
    the draft, AnnotationNotFound for a draft they cannot see.
    """
    values = _annotation_values_check(safe_to_send=safe_to_send, labels=labels, rubric=rubric, notes=notes)
    if not AgentFeedback.objects.filter(pk=feedback_id).exists():
        raise AnnotationNotFound(feedback_id)
    # Locked, so a second save of the same draft (a double submit) waits for this one and finds no lease.
    lease = AnnotationLease.objects.select_for_update().filter(feedback_id=feedback_id, holder=annotator).first()
    if lease is None or lease.expires_at <= timezone.now():
        other = AnnotationLease.objects.filter(feedback_id=feedback_id, expires_at__gt=timezone.now()).first()
        raise AnnotationLeaseNotHeld(feedback_id, other.holder if other and other.holder != annotator else None)
    seconds = max(0, round((timezone.now() - lease.claimed_at).total_seconds()))
    annotation = FeedbackAnnotation.objects.create(
        feedback_id=feedback_id, annotator=annotator, seconds_spent=seconds, **values
    )
    lease.delete()
    AnnotationRework.objects.filter(feedback_id=feedback_id, annotator=annotator).delete()
    annotation_settle(feedback_id=feedback_id)
    return annotation


def _rubric_agrees(rubrics: list[dict]) -> bool:
    return all(max(r[key] for r in rubrics) - min(r[key] for r in rubrics) <= RUBRIC_TOLERANCE for key in RUBRIC_KEYS)


def annotation_settle(*, feedback_id: int) -> str:
    """Set a draft's state and final values from the latest annotation of each of its annotators.

    Fewer annotators than it needs: it stays open. Enough and they agree (same verdict and labels, rubric scores
    within RUBRIC_TOLERANCE of each other): the final values are theirs (each rubric score the lower median)
    and it is done. Otherwise it goes to QA's adjudication list. Acts as the service role: an annotator sees only
    their own annotations, and the draft's state depends on everyone's.
    """
    with acting_as(Role.SERVICE):
        draft = AgentFeedback.objects.select_for_update().get(pk=feedback_id)
        latest = list(
            FeedbackAnnotation.objects.filter(feedback_id=feedback_id)
            .order_by("annotator", "-id").distinct("annotator")
        )
        if draft.annotation_state == AnnotationState.DONE and any(
            r.outcome == ReviewOutcome.ADJUDICATED for r in AnnotationReview.objects.filter(feedback_id=feedback_id)
        ):
            # QA's adjudication is final; a later rework does not reopen it.
            return draft.annotation_state
        if len(latest) < draft.annotations_needed:
            state = AnnotationState.OPEN
        elif len({(a.safe_to_send, tuple(sorted(a.labels))) for a in latest}) == 1 and _rubric_agrees(
            [a.rubric for a in latest]
        ):
            state = AnnotationState.DONE
            first = latest[0]
            draft.safe_to_send = first.safe_to_send
            draft.labels = first.labels
            draft.rubric = {key: statistics.median_low(a.rubric[key] for a in latest) for key in RUBRIC_KEYS}
            draft.notes = "\n".join(f"{a.annotator}: {a.notes}" for a in latest if a.notes) if len(latest) > 1 else first.notes
            draft.annotator = ", ".join(a.annotator for a in latest)
        else:
            state = AnnotationState.ADJUDICATION
        draft.annotation_state = state
        draft.save(update_fields=[*ANNOTATION_FIELDS, "annotation_state"])
    return state


# --- QA: review and adjudication -----------------------------------------------------------------------------

MAX_COMMENT_LENGTH = 2000


class AnnotationMissing(NotFound):
    def __init__(self, annotation_id: int):
        super().__init__(f"no annotation #{annotation_id} is visible to you")


class NotInAdjudication(Conflict):
    def __init__(self, draft: AgentFeedback):
        super().__init__(f"draft #{draft.pk} is {draft.get_annotation_state_display().lower()}, not waiting for adjudication")


def _comment_checked(comment: str | None, *, required: bool) -> str | None:
    comment = (comment or "").strip() or None
    if required and comment is None:
        raise Invalid("comment", "say what to change: the annotator reads it")
    if comment is not None and (problem := inputs.text_problem(comment, max_length=MAX_COMMENT_LENGTH)):
        raise Invalid("comment", problem)
    return comment


@transaction.atomic
def annotation_review(
    *, annotation_id: int, reviewer: str, outcome: str, comment: str | None = None, request_id: str | None = None
) -> AnnotationReview:
    """QA accepts an annotation, or sends it back with a comment: the draft then comes first in that annotator's
    queue, the comment on its page, until they save it again. Both are audited (annotation_reviews)."""
    if outcome not in (ReviewOutcome.ACCEPTED, ReviewOutcome.SENT_BACK):
        raise Invalid("outcome", "must be accepted or sent_back")
    comment = _comment_checked(comment, required=outcome == ReviewOutcome.SENT_BACK)
    annotation = FeedbackAnnotation.objects.filter(pk=annotation_id).first()
    if annotation is None:
        raise AnnotationMissing(annotation_id)
    review = AnnotationReview.objects.create(
        feedback_id=annotation.feedback_id, annotation=annotation, annotator=annotation.annotator,
        reviewer=reviewer, outcome=outcome, comment=comment, request_id=request_id,
    )
    if outcome == ReviewOutcome.SENT_BACK:
        AnnotationRework.objects.update_or_create(
            feedback_id=annotation.feedback_id, annotator=annotation.annotator,
            defaults={"review": review, "comment": comment, "created_at": timezone.now()},
        )
    return review


@transaction.atomic
def feedback_adjudicate(
    *, feedback_id: int, reviewer: str, safe_to_send, labels, rubric, notes: str | None = None,
    request_id: str | None = None,
) -> AgentFeedback:
    """QA sets the final values of a draft whose annotators disagree; audited with the values it set."""
    values = _annotation_values_check(safe_to_send=safe_to_send, labels=labels, rubric=rubric, notes=notes)
    draft = AgentFeedback.objects.select_for_update().filter(pk=feedback_id).first()
    if draft is None:
        raise AnnotationNotFound(feedback_id)
    if draft.annotation_state != AnnotationState.ADJUDICATION:
        raise NotInAdjudication(draft)
    AnnotationReview.objects.create(
        feedback=draft, reviewer=reviewer, outcome=ReviewOutcome.ADJUDICATED, final=values, request_id=request_id,
    )
    for name, value in values.items():
        setattr(draft, name, value)
    draft.annotator = reviewer
    draft.annotation_state = AnnotationState.DONE
    draft.save(update_fields=[*ANNOTATION_FIELDS, "annotation_state"])
    return draft


# --- drafts from the agent platform ---------------------------------------------------------------------------

MAX_DRAFTS_PER_CALL = 1000


@transaction.atomic
def feedback_create_many(drafts: list[dict]) -> list[AgentFeedback]:
    """Store the platform's drafts (conversation_id, input_text, model_draft, meta), all or none, in one INSERT.

    Each dict holds values its caller validated (the API's serializer); the database's own checks (no blank
    conversation, no verdict from the platform) still apply, and one refusal stores nothing.
    """
    if len(drafts) > MAX_DRAFTS_PER_CALL:
        raise Invalid("non_field_errors", f"at most {MAX_DRAFTS_PER_CALL} drafts per call, not {len(drafts)}")
    created = AgentFeedback.objects.bulk_create(
        [
            AgentFeedback(
                conversation_id=draft["conversation_id"], input_text=draft["input_text"],
                model_draft=draft["model_draft"], meta=draft.get("meta") or {},
            )
            for draft in drafts
        ]
    )
    # Read back: the database filled in the defaults (state, annotators needed, times), which bulk_create
    # does not return.
    return list(AgentFeedback.objects.filter(pk__in=[draft.pk for draft in created]).order_by("id"))


# --- the gold set ---------------------------------------------------------------------------------------------


class NotPromotable(Conflict):
    def __init__(self, draft: AgentFeedback):
        super().__init__(
            f"draft #{draft.pk} is not final and safe to send: only a reply judged safe goes to the gold set"
        )


_PROMOTE_SQL = """
INSERT INTO support_curated_replies (conversation_id, source_message_id, question, reply, tags, approved_at,
                                     source_feedback_id)
VALUES (%(conversation_id)s, %(message_id)s, %(question)s, %(reply)s, %(tags)s, clock_timestamp(), %(id)s)
ON CONFLICT DO NOTHING
"""
# No conflict target: a draft's row is unique on source_message_id and on source_feedback_id, and two promotions
# racing may meet on either (with a target, a clash on the other index is an IntegrityError).


def _source_message_id(draft: AgentFeedback) -> str:
    """The platform's message id when the draft's meta has one, else the draft's own: the gold row's natural key."""
    message_id = (draft.meta or {}).get("message_id")
    return str(message_id) if message_id else f"feedback:{draft.pk}"


@transaction.atomic
def feedback_promote(*, feedback_id: int) -> tuple[SupportCuratedReply, bool]:
    """Add a final, safe draft to the gold set (question, reply, its labels as tags, source ids); (row, created).

    Idempotent: promoting the same draft again (or twice at once) gives the one row there is.
    """
    draft = AgentFeedback.objects.filter(pk=feedback_id).first()
    if draft is None:
        raise AnnotationNotFound(feedback_id)
    if draft.annotation_state != AnnotationState.DONE or draft.safe_to_send is not True:
        raise NotPromotable(draft)
    message_id = _source_message_id(draft)
    with connection.cursor() as cursor:
        cursor.execute(
            _PROMOTE_SQL,
            {"conversation_id": draft.conversation_id, "message_id": message_id, "question": draft.input_text,
             "reply": draft.model_draft, "tags": list(draft.labels), "id": draft.pk},
        )
        created = cursor.rowcount == 1
    return SupportCuratedReply.objects.get(source_message_id=message_id), created
