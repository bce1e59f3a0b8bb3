"""QA's review: accept, send back (first in that annotator's queue, with the comment), adjudicate; audited."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError

from feedback.models import AgentFeedback, AnnotationReview, AnnotationState, ReviewOutcome
from feedback.services import NotInAdjudication, annotation_review, feedback_adjudicate
from hotdash.db_context import Role, acting_as
from hotdash.errors import Invalid
from hotdash.groups import QA
from tests.feedback.test_annotation_queue import RUBRIC, drafts, next_for, save_as, vocabulary  # noqa: F401

pytestmark = pytest.mark.django_db


def review_as(reviewer: str, annotation_id: int, outcome: str, comment: str | None = None) -> AnnotationReview:
    with acting_as(Role.QA, user=reviewer):
        return annotation_review(annotation_id=annotation_id, reviewer=reviewer, outcome=outcome, comment=comment)


def test_a_draft_sent_back_comes_first_to_its_annotator_with_the_comment(vocabulary):  # noqa: F811
    older, newer = drafts(2)
    next_for("ann")
    annotation = save_as("ann", older.pk)
    assert next_for("ann").pk == newer.pk  # the older one is done for ann

    review_as("quinn", annotation.pk, ReviewOutcome.SENT_BACK, "Tone is 2 at most: it is curt.")

    # ann's next is the draft sent back (before anything else), and nobody else's
    with acting_as(Role.ANNOTATOR, user="ann"):
        from feedback.selectors import rework_for

        assert rework_for(feedback_id=older.pk, annotator="ann").comment == "Tone is 2 at most: it is curt."
    assert next_for("ann", exclude=[]).pk == older.pk
    assert next_for("bob") is None or next_for("bob").pk != older.pk

    # saving again clears the rework and records a second annotation; the final values follow the new one
    save_as("ann", older.pk, rubric={**RUBRIC, "tone": 2})
    with acting_as(Role.ANNOTATOR, user="ann"):
        assert rework_for(feedback_id=older.pk, annotator="ann") is None
    with acting_as(Role.SERVICE):
        assert AgentFeedback.objects.get(pk=older.pk).rubric["tone"] == 2


def test_sending_back_needs_a_comment(vocabulary):  # noqa: F811
    (draft,) = drafts(1)
    next_for("ann")
    annotation = save_as("ann", draft.pk)

    with pytest.raises(Invalid, match="say what to change"):
        review_as("quinn", annotation.pk, ReviewOutcome.SENT_BACK, "  ")
    with acting_as(Role.SERVICE):
        assert not AnnotationReview.objects.exists()


def test_reviews_are_audited_and_nobody_can_rewrite_them(vocabulary):  # noqa: F811
    (draft,) = drafts(1)
    next_for("ann")
    annotation = save_as("ann", draft.pk)
    review_as("quinn", annotation.pk, ReviewOutcome.ACCEPTED)

    for role in (Role.QA, Role.SUPERVISOR, Role.ANNOTATOR):
        with pytest.raises(DatabaseError), acting_as(role, user="quinn"):
            AnnotationReview.objects.update(comment="rewritten")
    # and a reviewer cannot file a review in someone else's name
    with pytest.raises(DatabaseError, match="row-level security"), acting_as(Role.QA, user="mallory"):
        annotation_review(annotation_id=annotation.pk, reviewer="quinn", outcome=ReviewOutcome.ACCEPTED)
    with acting_as(Role.ANNOTATOR, user="ann"):
        (review,) = AnnotationReview.objects.all()
    assert (review.reviewer, review.outcome, review.annotator) == ("quinn", "accepted", "ann")


def test_qa_adjudicates_a_disagreement_and_the_draft_is_final(vocabulary):  # noqa: F811
    (draft,) = drafts(1, needed=2)
    next_for("ann")
    save_as("ann", draft.pk, safe_to_send=True)
    next_for("bob")
    save_as("bob", draft.pk, safe_to_send=False)

    with acting_as(Role.QA, user="quinn"):
        feedback_adjudicate(
            feedback_id=draft.pk, reviewer="quinn", safe_to_send=False, labels=["polite"], rubric=RUBRIC, notes="Risky."
        )
        with pytest.raises(NotInAdjudication):
            feedback_adjudicate(feedback_id=draft.pk, reviewer="quinn", safe_to_send=True, labels=[], rubric=RUBRIC)

    with acting_as(Role.SERVICE):
        stored = AgentFeedback.objects.get(pk=draft.pk)
        review = AnnotationReview.objects.get()
    assert (stored.annotation_state, stored.safe_to_send, stored.labels, stored.annotator) == (
        AnnotationState.DONE, False, ["polite"], "quinn",
    )
    assert (review.outcome, review.final["safe_to_send"]) == ("adjudicated", False)


def test_the_adjudication_list_and_review_page_in_the_admin(client, vocabulary):  # noqa: F811
    (draft,) = drafts(1, needed=2)
    next_for("ann")
    save_as("ann", draft.pk, safe_to_send=True)
    next_for("bob")
    save_as("bob", draft.pk, safe_to_send=False)
    user = User.objects.create_user("quinn", is_staff=True)
    user.groups.add(Group.objects.get(name=QA))
    client.force_login(user)

    listing = client.get("/admin/feedback/agentfeedback/")
    page = client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")
    adjudicated = client.post(
        f"/admin/feedback/agentfeedback/{draft.pk}/adjudicate/",
        {"safe_to_send": "true", "labels": ["refund"], "rubric_clarity": "5", "rubric_accuracy": "5",
         "rubric_tone": "5", "notes": ""},
    )

    assert "Adjudication list: <strong>1</strong> draft whose annotators disagree" in listing.text
    assert "Send back to ann" in page.text and "Send back to bob" in page.text and 'id="annotate-form"' in page.text
    assert adjudicated.status_code == 302
    with acting_as(Role.QA):
        assert AgentFeedback.objects.get(pk=draft.pk).annotation_state == AnnotationState.DONE
