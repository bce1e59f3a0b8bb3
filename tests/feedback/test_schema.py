import pytest
from django.db import IntegrityError, transaction

from feedback.models import AgentFeedback, SupportCuratedReply

# Constraints and triggers are the schema's own: exercised as the service role, which may write every row.
pytestmark = pytest.mark.usefixtures("as_service")


@pytest.mark.django_db
def test_feedback_defaults_and_label_search_use_arrays():
    AgentFeedback.objects.create(
        conversation_id="c1", input_text="Where is my order?", model_draft="It ships today.", labels=["helpful"]
    )
    AgentFeedback.objects.create(conversation_id="c2", input_text="Refund?", model_draft="No.")

    unlabelled = AgentFeedback.objects.get(conversation_id="c2")
    assert (unlabelled.labels, unlabelled.rubric, unlabelled.meta, unlabelled.safe_to_send) == ([], {}, {}, None)
    assert list(AgentFeedback.objects.filter(labels__contains=["helpful"]).values_list("conversation_id", flat=True)) == ["c1"]


@pytest.mark.django_db
def test_feedback_updated_at_moves_on_annotation():
    feedback = AgentFeedback.objects.create(conversation_id="c1", input_text="q", model_draft="a")
    feedback.refresh_from_db()
    before = feedback.updated_at

    feedback.safe_to_send = True
    feedback.annotator = "ann"
    feedback.save()

    feedback.refresh_from_db()
    assert feedback.updated_at > before


@pytest.mark.django_db
def test_a_source_message_is_promoted_to_the_gold_set_once():
    SupportCuratedReply.objects.create(conversation_id="c1", source_message_id="m1", question="q", reply="r")

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportCuratedReply.objects.create(conversation_id="c1", source_message_id="m1", question="q", reply="r2")
    assert SupportCuratedReply.objects.count() == 1
