"""The same hostile input through the admin workbenches: refused with a message on the page, never a server error."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from approvals.models import AgentApproval
from approvals.services import approval_create
from feedback.models import AgentFeedback, SupportCuratedReply
from hotdash import inputs
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state
from tests.feedback.factories import AgentFeedbackFactory

pytestmark = pytest.mark.django_db

NUL = "bad\u0000text"
OVERSIZED = "x" * (inputs.MAX_TEXT_LENGTH + 1)


@pytest.fixture
def login(client, django_user_model):
    def as_member_of(group: str):
        user = django_user_model.objects.create_user(f"user-of-{group}", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return as_member_of


def test_a_rejection_reason_with_a_nul_is_refused_on_the_page_and_nothing_is_decided(login):
    operator = login("Operators")
    with acting_as(Role.SERVICE):
        approval, _ = approval_create(conversation_id="c", serialized=refund_state())

    response = operator.post(
        reverse("admin:approvals_agentapproval_decide", args=[approval.pk]),
        {"outcome": "rejected", "reason": NUL},
        follow=True,
    )

    assert response.status_code == 200
    assert "Not decided: must not contain NUL characters" in response.content.decode()
    with acting_as(Role.SERVICE):
        assert AgentApproval.objects.get(pk=approval.pk).status == "pending"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"notes": NUL}, "notes must not contain NUL characters"),
        ({"labels": ["ok", NUL]}, "labels must not contain NUL characters"),
        ({"notes": OVERSIZED}, "notes must be at most 4,000 characters (it has 10,001)"),
    ],
)
def test_annotation_notes_and_labels_postgresql_cannot_take_are_refused_with_a_message(login, posted, message):
    annotator = login("Annotators")
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory()
    form = {"safe_to_send": "true", "labels": [], "rubric_clarity": "4", "rubric_accuracy": "4", "rubric_tone": "4",
            "notes": ""}
    annotator.get(f"/admin/feedback/agentfeedback/{draft.pk}/change/")  # the workbench hands the draft out

    response = annotator.post(f"/admin/feedback/agentfeedback/{draft.pk}/annotate/", form | posted)

    assert response.status_code == 200
    assert message in response.content.decode()
    with acting_as(Role.QA):
        assert AgentFeedback.objects.get(pk=draft.pk).annotator is None


@pytest.mark.parametrize("field", ["conversation_id", "source_message_id", "question", "reply", "tags"])
@pytest.mark.parametrize("value", [NUL, OVERSIZED])
def test_gold_set_fields_postgresql_cannot_take_are_refused_with_a_message(login, field, value):
    annotator = login("Annotators")
    form = {"conversation_id": "conv-1", "source_message_id": "msg-1", "question": "Q?", "reply": "A.", "tags": "t",
            "_save": "Save"}

    response = annotator.post("/admin/feedback/supportcuratedreply/add/", form | {field: value})

    assert response.status_code == 200
    assert "Please correct the error below." in response.content.decode()
    with acting_as(Role.QA):
        assert not SupportCuratedReply.objects.exists()
