"""The annotator's queue: next (leases, SKIP LOCKED), save (validated, timed, settled), skip, overlap."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from feedback.models import (
    AgentFeedback,
    AnnotationLease,
    AnnotationOverlap,
    AnnotationSkip,
    AnnotationState,
    FeedbackAnnotation,
)
from feedback.services import (
    AnnotationLeaseNotHeld,
    annotation_lease_release,
    annotation_next_claim,
    annotation_save,
    annotation_skip,
    annotation_skipped,
)
from hotdash.db_context import Role, acting_as
from tests.feedback.factories import AgentFeedbackFactory, AnnotationLabelFactory

pytestmark = pytest.mark.django_db

RUBRIC = {"clarity": 4, "accuracy": 5, "tone": 3}


@pytest.fixture
def vocabulary():
    with acting_as(Role.SERVICE):
        return [AnnotationLabelFactory(name=name) for name in ("refund", "polite", "wrong-order")]


def drafts(count: int, *, needed: int = 1) -> list[AgentFeedback]:
    """`count` drafts, oldest first, each needing `needed` annotators."""
    now = timezone.now()
    with acting_as(Role.SERVICE):
        return [
            AgentFeedbackFactory(created_at=now - timedelta(minutes=count - i), annotations_needed=needed)
            for i in range(count)
        ]


def next_for(user: str, exclude=None) -> AgentFeedback | None:
    with acting_as(Role.ANNOTATOR, user=user):
        return annotation_next_claim(annotator=user, exclude=exclude)


def save_as(user: str, feedback_id: int, **values) -> FeedbackAnnotation:
    values = {"safe_to_send": True, "labels": ["refund"], "rubric": RUBRIC, "notes": "", **values}
    with acting_as(Role.ANNOTATOR, user=user):
        return annotation_save(feedback_id=feedback_id, annotator=user, **values)


def as_service(pk: int) -> AgentFeedback:
    with acting_as(Role.SERVICE):
        return AgentFeedback.objects.get(pk=pk)


def test_next_hands_out_the_oldest_draft_and_never_the_same_one_twice():
    old, middle, new = drafts(3)

    first = next_for("ann")
    second = next_for("bob")
    again = next_for("ann")

    assert (first.pk, second.pk) == (old.pk, middle.pk)
    # the same annotator asking again keeps the draft they hold
    assert again.pk == old.pk
    with acting_as(Role.SERVICE):
        assert dict(AnnotationLease.objects.values_list("feedback_id", "holder")) == {old.pk: "ann", middle.pk: "bob"}


def test_an_abandoned_lease_expires_and_the_draft_goes_to_someone_else(settings):
    (draft,) = drafts(1)
    settings.HOTDASH_ANNOTATION_LEASE_SECONDS = 0
    assert next_for("ann").pk == draft.pk

    assert next_for("bob").pk == draft.pk


def test_nothing_left_is_none_and_skip_gives_the_draft_back(vocabulary):
    (draft,) = drafts(1)
    assert next_for("ann").pk == draft.pk
    assert next_for("bob") is None

    with acting_as(Role.ANNOTATOR, user="ann"):
        annotation_lease_release(feedback_id=draft.pk, holder="ann")

    assert next_for("bob").pk == draft.pk
    # skipping (exclude) moves past a draft without giving it up for good
    assert next_for("bob", exclude=[draft.pk]) is None


def test_save_records_the_annotation_its_time_and_the_final_values(vocabulary):
    (draft,) = drafts(1)
    next_for("ann")
    with acting_as(Role.SERVICE):
        AnnotationLease.objects.filter(feedback_id=draft.pk).update(claimed_at=timezone.now() - timedelta(seconds=42))

    annotation = save_as("ann", draft.pk, labels=[" polite ", "refund", "polite"], notes=" kind ")

    assert (annotation.annotator, annotation.labels, annotation.notes) == ("ann", ["polite", "refund"], "kind")
    assert 42 <= annotation.seconds_spent <= 45
    stored = as_service(draft.pk)
    assert (stored.annotation_state, stored.safe_to_send, stored.labels, stored.rubric, stored.annotator) == (
        AnnotationState.DONE, True, ["polite", "refund"], RUBRIC, "ann",
    )
    with acting_as(Role.SERVICE):
        assert not AnnotationLease.objects.exists()
    # done: nobody gets it from next again
    assert next_for("bob") is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"rubric": {**RUBRIC, "clarity": 9}}, "rubric"),
        ({"rubric": {}}, "rubric"),
        ({"labels": ["refund", "made-up"]}, "labels"),
        ({"safe_to_send": None}, "safe_to_send"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_saved(vocabulary, values, field):
    (draft,) = drafts(1)
    next_for("ann")

    with pytest.raises(ValidationError) as refused:
        save_as("ann", draft.pk, **values)

    assert field in refused.value.message_dict
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()
        assert AnnotationLease.objects.get(feedback_id=draft.pk).holder == "ann"
    assert as_service(draft.pk).annotation_state == AnnotationState.OPEN


def test_an_inactive_label_is_refused(vocabulary):
    (draft,) = drafts(1)
    with acting_as(Role.SERVICE):
        vocabulary[0].__class__.objects.filter(name="refund").update(active=False)
    next_for("ann")

    with pytest.raises(ValidationError, match="refund"):
        save_as("ann", draft.pk, labels=["refund"])


def test_saving_a_draft_one_does_not_hold_is_a_conflict(vocabulary):
    (draft,) = drafts(1)
    next_for("bob")

    with pytest.raises(AnnotationLeaseNotHeld, match="bob holds it"):
        save_as("ann", draft.pk)
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()


def test_the_annotator_is_the_user_the_database_knows(vocabulary):
    """A service call naming someone else than app.user is refused by the policy, not only by the code."""
    (draft,) = drafts(1)
    with acting_as(Role.ANNOTATOR, user="mallory"):
        annotation_next_claim(annotator="mallory")
        with pytest.raises(Exception, match="row-level security"):
            FeedbackAnnotation.objects.create(
                feedback_id=draft.pk, annotator="ann", safe_to_send=True, rubric=RUBRIC, seconds_spent=1
            )


def test_an_overlap_draft_needs_two_annotators_and_agreeing_ones_settle_it(vocabulary):
    (draft,) = drafts(1, needed=2)
    next_for("ann")
    save_as("ann", draft.pk, rubric={"clarity": 4, "accuracy": 5, "tone": 3})
    assert as_service(draft.pk).annotation_state == AnnotationState.OPEN
    # the first annotator is done with it; the second gets it
    assert next_for("ann") is None
    assert next_for("bob").pk == draft.pk

    save_as("bob", draft.pk, rubric={"clarity": 5, "accuracy": 5, "tone": 2})

    stored = as_service(draft.pk)
    assert (stored.annotation_state, stored.safe_to_send, stored.labels) == (AnnotationState.DONE, True, ["refund"])
    assert stored.rubric == {"clarity": 4, "accuracy": 5, "tone": 2}
    assert stored.annotator == "ann, bob"


def test_disagreeing_annotators_send_the_draft_to_adjudication(vocabulary):
    (draft,) = drafts(1, needed=2)
    next_for("ann")
    save_as("ann", draft.pk, safe_to_send=True)
    next_for("bob")
    save_as("bob", draft.pk, safe_to_send=False)

    stored = as_service(draft.pk)
    assert stored.annotation_state == AnnotationState.ADJUDICATION
    assert stored.safe_to_send is None


@pytest.mark.parametrize(("share", "needed"), [("1.000", 2), ("0.000", 1)])
def test_the_overlap_share_decides_how_many_annotators_a_new_draft_needs(share, needed):
    with acting_as(Role.SERVICE):
        AnnotationOverlap.objects.filter(pk=1).update(share=share)
    # inserted as the agent platform does, without saying how many annotators
    with acting_as(Role.INGEST), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agent_feedback (conversation_id, input_text, model_draft) VALUES ('c', 'q', 'a') RETURNING id"
        )
        pk = cursor.fetchone()[0]

    assert as_service(pk).annotations_needed == needed


def test_a_new_database_overlaps_ten_percent_by_two():
    with acting_as(Role.SERVICE):
        overlap = AnnotationOverlap.objects.get()
    assert (str(overlap.share), overlap.annotators) == ("0.100", 2)


def test_a_skip_is_the_annotator_s_own_and_next_moves_past_it_for_them_only(vocabulary):
    first, second = drafts(2)
    assert next_for("ann").pk == first.pk
    with acting_as(Role.ANNOTATOR, user="ann"):
        annotation_skip(feedback_id=first.pk, annotator="ann")

    assert next_for("ann").pk == second.pk
    with acting_as(Role.ANNOTATOR, user="bob"):
        assert annotation_skipped(annotator="ann") == []  # another annotator's skips are hidden from bob
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            AnnotationSkip.objects.create(feedback=second, annotator="ann")  # nor can he skip in her name
    assert next_for("bob").pk == first.pk
    with acting_as(Role.ANNOTATOR, user="ann"):
        assert annotation_skipped(annotator="ann") == [first.pk]
        with pytest.raises(AnnotationLeaseNotHeld):  # bob holds it now: nothing recorded
            annotation_skip(feedback_id=first.pk, annotator="ann")
