import pytest
from django.core.exceptions import ValidationError
from django.db.utils import ProgrammingError

from feedback.models import AgentFeedback, SupportCuratedReply
from feedback.services import curated_reply_create, feedback_annotate
from hotdash.db_context import Role, acting_as
from tests.feedback.factories import AgentFeedbackFactory, SupportCuratedReplyFactory

pytestmark = pytest.mark.django_db

GOOD_RUBRIC = {"clarity": 4, "accuracy": 5, "tone": 3}


@pytest.fixture
def draft():
    with acting_as(Role.SERVICE):
        return AgentFeedbackFactory(model_draft="Your refund is on its way.")


def read_as_qa(pk: int) -> AgentFeedback:
    with acting_as(Role.QA):
        return AgentFeedback.objects.get(pk=pk)


def annotation_of(feedback: AgentFeedback) -> tuple:
    return feedback.safe_to_send, feedback.labels, feedback.rubric, feedback.notes, feedback.annotator


def test_an_annotator_records_verdict_labels_rubric_notes_and_name(draft):
    # given a draft written by the platform
    # when an annotator annotates it
    with acting_as(Role.ANNOTATOR):
        feedback = AgentFeedback.objects.get(pk=draft.pk)
        returned = feedback_annotate(
            feedback=feedback,
            safe_to_send=True,
            labels=[" refund ", "polite", "refund", ""],
            rubric={"tone": 3, "clarity": 4, "accuracy": 5},
            notes="  clear and kind  ",
            annotator="ann",
        )

    # then QA reads the annotation, labels and notes tidied, and the draft itself untouched
    stored = read_as_qa(draft.pk)
    assert annotation_of(stored) == (True, ["refund", "polite"], GOOD_RUBRIC, "clear and kind", "ann")
    assert (stored.model_draft, stored.input_text) == (draft.model_draft, draft.input_text)
    assert stored.updated_at > draft.updated_at
    assert returned.updated_at == stored.updated_at


def test_an_empty_rubric_means_not_scored_yet(draft):
    with acting_as(Role.ANNOTATOR):
        feedback_annotate(
            feedback=AgentFeedback.objects.get(pk=draft.pk),
            safe_to_send=False, labels=[], rubric={}, notes="", annotator="ann",
        )

    assert annotation_of(read_as_qa(draft.pk)) == (False, [], {}, None, "ann")


@pytest.mark.parametrize(
    ("rubric", "problems"),
    [
        ({"clarity": 0, "accuracy": 5, "tone": 3}, ["clarity must be a whole number from 1 to 5, not 0"]),
        ({"clarity": 4, "accuracy": 6, "tone": 3}, ["accuracy must be a whole number from 1 to 5, not 6"]),
        ({"clarity": 4, "accuracy": 5, "tone": "3"}, ["tone must be a whole number from 1 to 5, not '3'"]),
        ({"clarity": 4.0, "accuracy": 5, "tone": 3}, ["clarity must be a whole number from 1 to 5, not 4.0"]),
        ({"clarity": True, "accuracy": 5, "tone": 3}, ["clarity must be a whole number from 1 to 5, not True"]),
        ({"clarity": 4, "accuracy": 5}, ["rubric needs clarity, accuracy, tone: tone missing"]),
        (
            {"clarity": 4, "accuracy": 5, "tone": 3, "humour": 2},
            ["unknown rubric keys: humour (expected clarity, accuracy, tone)"],
        ),
        (
            {"clarity": 9, "humour": 2},
            [
                "unknown rubric keys: humour (expected clarity, accuracy, tone)",
                "rubric needs clarity, accuracy, tone: accuracy, tone missing",
                "clarity must be a whole number from 1 to 5, not 9",
            ],
        ),
        ([4, 5, 3], ["rubric must be an object with clarity, accuracy, tone, not list"]),
    ],
)
def test_an_invalid_rubric_is_refused_with_every_problem_and_nothing_is_saved(draft, rubric, problems):
    with acting_as(Role.ANNOTATOR), pytest.raises(ValidationError) as raised:
        feedback_annotate(
            feedback=AgentFeedback.objects.get(pk=draft.pk),
            safe_to_send=True, labels=["refund"], rubric=rubric, notes="n", annotator="ann",
        )

    assert raised.value.message_dict == {"rubric": problems}
    assert annotation_of(read_as_qa(draft.pk)) == (None, [], {}, None, None)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"annotator": "  "}, {"annotator": ["annotator is required"]}),
        ({"safe_to_send": "yes"}, {"safe_to_send": ["safe_to_send must be true, false or null, not 'yes'"]}),
        ({"safe_to_send": 1}, {"safe_to_send": ["safe_to_send must be true, false or null, not 1"]}),
        ({"labels": "refund"}, {"labels": ["labels must be a list of strings"]}),
    ],
)
def test_other_invalid_values_are_refused_and_nothing_is_saved(draft, changes, errors):
    values = {"safe_to_send": True, "labels": ["refund"], "rubric": GOOD_RUBRIC, "notes": "n", "annotator": "ann"}

    with acting_as(Role.ANNOTATOR), pytest.raises(ValidationError) as raised:
        feedback_annotate(feedback=AgentFeedback.objects.get(pk=draft.pk), **{**values, **changes})

    assert raised.value.message_dict == errors
    assert annotation_of(read_as_qa(draft.pk)) == (None, [], {}, None, None)


def test_an_annotator_cannot_change_the_draft_itself_through_the_orm(draft):
    # The UPDATE grant names the annotation columns only: the database refuses, whatever the code does.
    with acting_as(Role.ANNOTATOR):
        feedback = AgentFeedback.objects.get(pk=draft.pk)
        feedback.model_draft = "Sure, here is a gift card."
        with pytest.raises(ProgrammingError, match="permission denied for table agent_feedback"):
            with acting_as(Role.ANNOTATOR):
                feedback.save(update_fields=["model_draft"])

    assert read_as_qa(draft.pk).model_draft == "Your refund is on its way."


def test_a_plain_save_is_refused_for_an_annotator_even_of_annotation_fields(draft):
    # Why the service names its columns: save() without update_fields writes every column.
    with acting_as(Role.ANNOTATOR):
        feedback = AgentFeedback.objects.get(pk=draft.pk)
        feedback.safe_to_send = True
        with pytest.raises(ProgrammingError, match="permission denied for table agent_feedback"):
            with acting_as(Role.ANNOTATOR):
                feedback.save()

    assert read_as_qa(draft.pk).safe_to_send is None


def test_a_tenant_may_read_its_drafts_but_not_annotate(draft):
    # QA writes the final values when it adjudicates; an agent reading its conversation's drafts never does.
    with acting_as(Role.TENANT, conversation_id=draft.conversation_id):
        feedback = AgentFeedback.objects.get(pk=draft.pk)
        with pytest.raises(ProgrammingError, match="permission denied for table agent_feedback"):
            with acting_as(Role.TENANT, conversation_id=draft.conversation_id):
                feedback_annotate(
                    feedback=feedback, safe_to_send=True, labels=[], rubric={}, notes=None, annotator="agent"
                )

    assert annotation_of(read_as_qa(draft.pk)) == (None, [], {}, None, None)


def test_an_annotator_adds_a_reply_to_the_gold_set_approved_now():
    with acting_as(Role.ANNOTATOR):
        created = curated_reply_create(
            conversation_id="conv-9",
            source_message_id="msg-9",
            question="Can I change my address?",
            reply="Yes, until the order ships.",
            tags=["shipping", " address ", "shipping"],
        )

    with acting_as(Role.QA):
        stored = SupportCuratedReply.objects.get(pk=created.pk)
    assert (stored.conversation_id, stored.source_message_id, stored.question, stored.reply, stored.tags) == (
        "conv-9", "msg-9", "Can I change my address?", "Yes, until the order ships.", ["shipping", "address"],
    )
    assert stored.approved_at == created.approved_at
    assert stored.approved_at is not None


def test_the_same_source_message_is_not_added_twice():
    with acting_as(Role.SERVICE):
        SupportCuratedReplyFactory(source_message_id="msg-1")

    with acting_as(Role.ANNOTATOR), pytest.raises(ValidationError) as raised:
        curated_reply_create(conversation_id="c", source_message_id="msg-1", question="q", reply="r")

    assert raised.value.message_dict == {
        "source_message_id": ["Curated reply with this Source message id already exists."]
    }
    with acting_as(Role.QA):
        assert SupportCuratedReply.objects.filter(source_message_id="msg-1").count() == 1


def test_an_annotator_cannot_edit_a_gold_reply_in_place():
    with acting_as(Role.SERVICE):
        gold = SupportCuratedReplyFactory(reply="Original.")

    with acting_as(Role.ANNOTATOR), pytest.raises(ProgrammingError, match="permission denied for table"):
        SupportCuratedReply.objects.filter(pk=gold.pk).update(reply="Edited.")

    with acting_as(Role.QA):
        assert SupportCuratedReply.objects.get(pk=gold.pk).reply == "Original."
