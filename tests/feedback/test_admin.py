import pytest
from django.contrib.auth.models import Group, User

from feedback.models import AgentFeedback, FeedbackAnnotation, SupportCuratedReply
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, OPERATORS, QA
from tests.feedback.factories import AgentFeedbackFactory, AnnotationLabelFactory

pytestmark = pytest.mark.django_db


def console_user(username: str, group: str) -> User:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_an_annotator_adds_a_gold_reply_approved_now(client):
    client.force_login(console_user("ann", ANNOTATORS))

    response = client.post(
        "/admin/feedback/supportcuratedreply/add/",
        {
            "conversation_id": "conv-5",
            "source_message_id": "msg-5",
            "question": "Do you ship abroad?",
            "reply": "Yes, to 30 countries.",
            "tags": "shipping, international",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    with acting_as(Role.QA):
        gold = SupportCuratedReply.objects.get()
    assert (gold.source_message_id, gold.reply, gold.tags) == (
        "msg-5", "Yes, to 30 countries.", ["shipping", "international"],
    )
    assert gold.approved_at is not None
    assert response.url == "/admin/feedback/supportcuratedreply/"


@pytest.fixture
def vocabulary():
    with acting_as(Role.SERVICE):
        return [AnnotationLabelFactory(name="refund", key="r"), AnnotationLabelFactory(name="polite", key="p")]


WORKBENCH_POST = {
    "safe_to_send": "false", "labels": ["refund"], "rubric_clarity": "4", "rubric_accuracy": "3",
    "rubric_tone": "5", "notes": "Too curt.",
}


def test_the_annotation_is_the_logged_in_users_whatever_the_form_says(client, vocabulary):
    # Fields posted beyond the annotation (the draft's text, another annotator) are not read.
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(model_draft="Original draft.")
    client.force_login(console_user("ann", ANNOTATORS))
    page = client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")

    response = client.post(
        f"/admin/feedback/agentfeedback/{draft.pk}/annotate/",
        {**WORKBENCH_POST, "model_draft": "Rewritten.", "annotator": "someone-else"},
    )

    assert page.status_code == 200 and 'id="annotate-form"' in page.text
    assert (response.status_code, response.url) == (302, "/admin/feedback/agentfeedback/")
    with acting_as(Role.QA):
        stored = AgentFeedback.objects.get(pk=draft.pk)
        annotation = FeedbackAnnotation.objects.get()
    assert (stored.model_draft, stored.annotator, stored.safe_to_send, stored.notes) == (
        "Original draft.", "ann", False, "Too curt.",
    )
    assert (annotation.annotator, annotation.rubric) == ("ann", {"clarity": 4, "accuracy": 3, "tone": 5})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rubric_clarity": "9"}, "clarity must be a whole number from 1 to 5, not 9"),
        ({"labels": ["refund", "invented"]}, "not in the label vocabulary: invented"),
    ],
)
def test_invalid_values_are_refused_with_a_message_and_nothing_is_saved(client, vocabulary, changes, message):
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory()
    client.force_login(console_user("ann", ANNOTATORS))
    client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")

    response = client.post(f"/admin/feedback/agentfeedback/{draft.pk}/annotate/", {**WORKBENCH_POST, **changes})

    assert response.status_code == 200
    assert message in response.text
    # the page keeps what was typed
    assert 'name="notes" id="notes" rows="2" maxlength="4000">Too curt.</textarea>' in response.text
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()
        assert AgentFeedback.objects.get(pk=draft.pk).safe_to_send is None


def test_a_draft_someone_else_holds_shows_who_and_no_form(client, vocabulary):
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory()
    client.force_login(console_user("bob", ANNOTATORS))
    client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")
    client.force_login(console_user("ann", ANNOTATORS))

    page = client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")
    saved = client.post(f"/admin/feedback/agentfeedback/{draft.pk}/annotate/", WORKBENCH_POST, follow=True)

    assert "bob is annotating this draft" in page.text and 'id="annotate-form"' not in page.text
    assert "bob holds it now" in saved.text
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()


def test_qa_reads_an_annotation_without_a_form(client):
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(rubric={"clarity": 4, "accuracy": 5, "tone": 3}, annotator="ann")
    client.force_login(console_user("quinn", QA))

    page = client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")
    post = client.post(f"/admin/feedback/agentfeedback/{draft.pk}/change/", {"safe_to_send": "true"})
    add = client.get("/admin/feedback/supportcuratedreply/add/")

    assert page.status_code == 200
    assert 'name="_save"' not in page.text and 'name="rubric_clarity"' not in page.text
    assert "{\n  &quot;tone&quot;: 3,\n  &quot;clarity&quot;: 4,\n  &quot;accuracy&quot;: 5\n}</pre>" in page.text
    assert (post.status_code, add.status_code) == (403, 403)
    with acting_as(Role.QA):
        assert AgentFeedback.objects.get(pk=draft.pk).safe_to_send is None


def test_an_operator_cannot_edit_a_drafts_rubric(client):
    # given a labelled draft, and an operator (who acts as hotdash_operator: no grant on agent_feedback)
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(rubric={"clarity": 4, "accuracy": 4, "tone": 5})
    client.force_login(console_user("olga", OPERATORS))

    # when the operator opens or posts the draft's page
    page = client.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")
    posted = client.post(
        f"/admin/feedback/agentfeedback/{draft.pk}/change/",
        {"rubric_clarity": "1", "rubric_accuracy": "1", "rubric_tone": "1", "_save": "Save"},
    )

    # then both are refused, and the rubric is what the annotator gave
    assert (page.status_code, posted.status_code) == (403, 403)
    with acting_as(Role.QA):
        assert AgentFeedback.objects.get(pk=draft.pk).rubric == {"clarity": 4, "accuracy": 4, "tone": 5}
