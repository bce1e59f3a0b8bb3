"""Promoting to the gold set (idempotent, linked both ways), its tag search, and training_feedback_stream."""

import json
import threading

import pytest
from django.contrib.auth.models import Group, User

from feedback.models import AgentFeedback, SupportCuratedReply
from feedback.services import NotPromotable, feedback_promote
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS
from tests.conftest import owner_connect
from tests.feedback.factories import AgentFeedbackFactory, SupportCuratedReplyFactory
from tests.feedback.test_annotation_queue import drafts, next_for, save_as, vocabulary  # noqa: F401
from tests.feedback.test_api import console_api


def final_safe_draft(**kwargs) -> AgentFeedback:
    with acting_as(Role.SERVICE):
        return AgentFeedbackFactory(safe_to_send=True, labels=["refund", "polite"], annotator="ann",
                                    annotation_state="done", **kwargs)


@pytest.mark.django_db
def test_promoting_twice_gives_one_gold_row_linked_both_ways():
    draft = final_safe_draft(meta={"message_id": "msg-77"})

    with acting_as(Role.ANNOTATOR, user="ann"):
        first, created = feedback_promote(feedback_id=draft.pk)
        again, created_again = feedback_promote(feedback_id=draft.pk)

    assert (created, created_again, first.pk) == (True, False, again.pk)
    with acting_as(Role.QA):
        (gold,) = SupportCuratedReply.objects.all()
        linked = AgentFeedback.objects.get(pk=draft.pk).gold_reply
    assert (gold.question, gold.reply, gold.tags, gold.source_message_id, gold.conversation_id) == (
        draft.input_text, draft.model_draft, ["refund", "polite"], "msg-77", draft.conversation_id,
    )
    assert gold.approved_at is not None and linked.pk == gold.pk and gold.source_feedback_id == draft.pk


@pytest.mark.django_db(transaction=True)
def test_two_promotions_at_once_still_give_one_row():
    draft = final_safe_draft()
    results, barrier = [], threading.Barrier(2)

    def promote():
        barrier.wait()
        with acting_as(Role.ANNOTATOR, user="ann"):
            results.append(feedback_promote(feedback_id=draft.pk)[1])

    threads = [threading.Thread(target=promote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    with acting_as(Role.QA):
        assert SupportCuratedReply.objects.count() == 1


@pytest.mark.django_db
def test_only_a_final_safe_draft_is_promoted():
    with acting_as(Role.SERVICE):
        open_draft = AgentFeedbackFactory()
    with pytest.raises(NotPromotable), acting_as(Role.ANNOTATOR, user="ann"):
        feedback_promote(feedback_id=open_draft.pk)


@pytest.mark.django_db(transaction=True)
def test_the_promote_endpoint_and_the_bulk_action(live_server, client):
    draft, other = final_safe_draft(), final_safe_draft()
    annotator = console_api(live_server, "ann", ANNOTATORS)

    first = annotator.post(f"/feedback/{draft.pk}/promote/")
    second = annotator.post(f"/feedback/{draft.pk}/promote/")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and first.json()["source_feedback"] == draft.pk

    client.force_login(User.objects.get(username="ann"))
    response = client.post(
        "/admin/feedback/agentfeedback/",
        {"action": "promote_selected", "_selected_action": [draft.pk, other.pk]},
        follow=True,
    )
    assert "Gold set: 1 added, 1 already there." in response.text
    with acting_as(Role.QA):
        assert SupportCuratedReply.objects.count() == 2


@pytest.mark.django_db
def test_the_gold_set_admin_searches_tags_with_the_gin_index(client):
    with acting_as(Role.SERVICE):
        SupportCuratedReplyFactory(question="Shipping abroad?", tags=["shipping", "international"])
        SupportCuratedReplyFactory(question="Refund?", tags=["refund"])
    user = User.objects.create_user("ann", is_staff=True)
    user.groups.add(Group.objects.get(name=ANNOTATORS))
    client.force_login(user)

    page = client.get("/admin/feedback/supportcuratedreply/", {"q": "tag:shipping"})

    assert "Shipping abroad?" in page.text and "Refund?" not in page.text


@pytest.mark.django_db(transaction=True)
def test_changes_fire_training_feedback_stream_notifications(vocabulary):  # noqa: F811
    with owner_connect(autocommit=True) as listener:
        listener.execute("LISTEN training_feedback_stream")
        (draft,) = drafts(1)
        next_for("ann")
        save_as("ann", draft.pk)
        with acting_as(Role.ANNOTATOR, user="ann"):
            feedback_promote(feedback_id=draft.pk)

        received = []
        for notice in listener.notifies(timeout=2, stop_after=4):
            received.append(json.loads(notice.payload))

    assert [(n["op"], n["table"], n["count"]) for n in received] == [
        ("created", "agent_feedback", 1), ("annotated", "feedback_annotations", 1),
        ("settled", "agent_feedback", 1), ("promoted", "support_curated_replies", 1),
    ]
    assert received[0]["ids"] == [draft.pk]
