"""The feedback API over real HTTP: the platform posts drafts, annotators take and annotate them, QA lists."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group, User

from feedback.models import AgentFeedback, FeedbackAnnotation
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, MONITORING, QA
from hotdash.tokens import ConsoleTokenObtainPairSerializer
from tests.api_client import Api, issue_token
from tests.feedback.factories import AgentFeedbackFactory, AnnotationLabelFactory

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = {"conversation_id": "conv-1", "input_text": "Where is my order?", "model_draft": "It ships today."}
ANNOTATION = {"safe_to_send": True, "labels": ["refund"], "rubric": {"clarity": 4, "accuracy": 5, "tone": 3},
              "notes": "fine"}


def console_api(live_server, username: str, group: str) -> Api:
    """A console user of `group` with the access token their login would give."""
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return Api(live_server.url, str(ConsoleTokenObtainPairSerializer.get_token(user).access_token))


@pytest.fixture
def platform(live_server) -> Api:
    return Api(live_server.url, issue_token("--role", "ingest", "--client", "agent-platform"))


def stored_drafts() -> list[AgentFeedback]:
    with acting_as(Role.SERVICE):
        return list(AgentFeedback.objects.order_by("id"))


def test_the_platform_posts_one_draft_or_a_batch(platform):
    one = platform.post("/feedback/", DRAFT)
    batch = platform.post("/feedback/", [{**DRAFT, "conversation_id": f"conv-{i}"} for i in range(2, 1002)])

    assert one.status_code == 201 and one.json()["annotation_state"] == "open"
    assert batch.status_code == 201 and len(batch.json()) == 1000
    # what the database filled in comes back too (bulk inserts do not return it by themselves)
    first = batch.json()[0]
    assert first["annotation_state"] == "open" and first["annotations_needed"] in (1, 2)
    assert first["created_at"].startswith("20")
    assert len(stored_drafts()) == 1001


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([DRAFT, {**DRAFT, "model_draft": ""}, DRAFT, {"conversation_id": "c"}],
         {"items": {"1": {"model_draft": ["This field may not be blank."]},
                    "3": {"input_text": ["This field is required."], "model_draft": ["This field is required."]}}}),
        ([DRAFT] * 1001, {"non_field_errors": ["Ensure this field has no more than 1000 elements."]}),
        ({**DRAFT, "conversation_id": ""}, {"conversation_id": ["This field may not be blank."]}),
    ],
)
def test_a_bad_item_refuses_the_whole_batch_naming_the_item_and_field(platform, body, errors):
    response = platform.post("/feedback/", body)

    assert (response.status_code, response.json()) == (400, errors)
    assert stored_drafts() == []


def test_only_the_platform_posts_drafts_and_annotators_do_not_list_them(live_server):
    annotator = console_api(live_server, "ann", ANNOTATORS)

    assert annotator.post("/feedback/", DRAFT).status_code == 403
    assert annotator.get("/feedback/").status_code == 403


def test_an_annotator_takes_the_next_draft_annotates_it_and_then_nothing_is_left(live_server):
    with acting_as(Role.SERVICE):
        AnnotationLabelFactory(name="refund")
        draft = AgentFeedbackFactory()
    annotator = console_api(live_server, "ann", ANNOTATORS)

    taken = annotator.post("/feedback/next/")
    saved = annotator.post(f"/feedback/{draft.pk}/annotations/", ANNOTATION)
    again = annotator.post(f"/feedback/{draft.pk}/annotations/", ANNOTATION)
    empty = annotator.post("/feedback/next/")

    assert (taken.status_code, taken.json()["id"]) == (200, draft.pk)
    assert saved.status_code == 201
    assert (saved.json()["annotator"], saved.json()["rubric"]) == ("ann", ANNOTATION["rubric"])
    assert again.status_code == 409 and "do not hold" in again.json()["detail"]
    assert (empty.status_code, empty.content) == (204, b"")


def test_an_annotator_skips_a_draft_and_next_moves_past_it_for_them_only(live_server):
    with acting_as(Role.SERVICE):
        first, second = AgentFeedbackFactory(), AgentFeedbackFactory()
    annotator = console_api(live_server, "ann", ANNOTATORS)
    other = console_api(live_server, "bob", ANNOTATORS)

    taken = annotator.post("/feedback/next/")
    skipped = annotator.post(f"/feedback/{first.pk}/skip/")
    again = annotator.post(f"/feedback/{first.pk}/skip/")
    following = annotator.post("/feedback/next/")
    unknown = annotator.post("/feedback/999999/skip/")
    not_theirs = other.post(f"/feedback/{second.pk}/skip/")
    for_bob = other.post("/feedback/next/")

    assert (taken.status_code, taken.json()["id"]) == (200, first.pk)
    assert (skipped.status_code, skipped.content) == (204, b"")
    assert again.status_code == 409 and "do not hold" in again.json()["detail"]
    assert (following.status_code, following.json()["id"]) == (200, second.pk)
    assert unknown.status_code == 404
    assert not_theirs.status_code == 409 and "ann holds it" in not_theirs.json()["detail"]
    assert (for_bob.status_code, for_bob.json()["id"]) == (200, first.pk)  # skipped by ann, not by bob
    assert annotator.post("/feedback/next/").json()["id"] == second.pk  # the one she holds, never the skipped one
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rubric": {"clarity": 9, "accuracy": 5, "tone": 3}}, "rubric"),
        ({"labels": ["not-a-label"]}, "labels"),
        ({"safe_to_send": "maybe"}, "safe_to_send"),
        ({"rubric": {"clarity": 4}}, "rubric"),
    ],
)
def test_invalid_annotations_are_a_400_naming_the_field(live_server, changes, field):
    with acting_as(Role.SERVICE):
        AnnotationLabelFactory(name="refund")
        draft = AgentFeedbackFactory()
    annotator = console_api(live_server, "ann", ANNOTATORS)
    annotator.post("/feedback/next/")

    response = annotator.post(f"/feedback/{draft.pk}/annotations/", {**ANNOTATION, **changes})

    assert response.status_code == 400
    assert field in response.json()
    with acting_as(Role.SERVICE):
        assert not FeedbackAnnotation.objects.exists()


def test_eight_concurrent_next_calls_hand_out_eight_different_drafts(live_server):
    with acting_as(Role.SERVICE):
        drafts = [AgentFeedbackFactory() for _ in range(10)]
    annotators = [console_api(live_server, f"ann{i}", ANNOTATORS) for i in range(8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda api: api.post("/feedback/next/"), annotators))

    assert [answer.status_code for answer in answers] == [200] * 8
    handed_out = [answer.json()["id"] for answer in answers]
    assert len(set(handed_out)) == 8
    assert set(handed_out) <= {draft.pk for draft in drafts}


def test_qa_and_monitoring_list_drafts_with_filters(live_server):
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(conversation_id="open-one")
        AgentFeedbackFactory(conversation_id="safe-one", safe_to_send=True, labels=["refund"], annotator="ann",
                             annotation_state="done")
        AgentFeedbackFactory(conversation_id="torn-one", annotation_state="adjudication", annotations_needed=2)
    qa = console_api(live_server, "quinn", QA)
    monitoring = console_api(live_server, "mona", MONITORING)

    def listed(api, query: str) -> list[str]:
        response = api.get("/feedback/?" + query)
        assert response.status_code == 200, response.text
        return sorted(row["conversation_id"] for row in response.json()["results"])

    assert listed(qa, "unannotated=true") == ["open-one"]
    assert listed(qa, "safe=true&label=refund&annotator=ann") == ["safe-one"]
    assert listed(monitoring, "disagreement=true") == ["torn-one"]
    assert listed(monitoring, "created_after=2000-01-01T00:00:00Z") == ["open-one", "safe-one", "torn-one"]
    assert qa.get("/feedback/?safe=perhaps").status_code == 400
