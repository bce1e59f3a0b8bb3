"""Progress: the annotator's tile, the team page, the two views (through each reader's own policies) and their API."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from feedback.selectors import annotation_progress_rows, progress_mine, progress_team, training_quality_rows
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, MONITORING, QA
from tests.feedback.factories import AgentFeedbackFactory
from tests.feedback.test_annotation_queue import drafts, next_for, save_as, vocabulary  # noqa: F401
from tests.feedback.test_api import console_api


@pytest.fixture
def worked(vocabulary):  # noqa: F811
    """ann annotated two of four drafts, bob one; one draft is 3 days old and still open."""
    first, second, third, _ = drafts(4)
    for user, draft in (("ann", first), ("ann", second), ("bob", third)):
        assert next_for(user).pk == draft.pk
        save_as(user, draft.pk, safe_to_send=user == "ann")
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(created_at=timezone.now() - timedelta(days=3))
    return first, second, third


@pytest.mark.django_db
def test_the_annotators_tile_counts_their_own_work(worked):
    with acting_as(Role.ANNOTATOR, user="ann"):
        mine = progress_mine("ann")

    assert {k: mine[k] for k in ("today", "this_week", "remaining", "sent_back")} == {
        "today": 2, "this_week": 2, "remaining": 2, "sent_back": 0,
    }
    assert mine["median_seconds"] is not None


@pytest.mark.django_db
def test_the_progress_view_shows_an_annotator_only_their_own_rows_and_qa_everyones(worked):
    with acting_as(Role.ANNOTATOR, user="ann"):
        own = annotation_progress_rows()
    with acting_as(Role.QA, user="quinn"):
        everyone = annotation_progress_rows()

    assert [(row["annotator"], row["annotations"]) for row in own] == [("ann", 2)]
    assert sorted((row["annotator"], row["annotations"]) for row in everyone) == [("ann", 2), ("bob", 1)]


@pytest.mark.django_db
def test_the_team_page_and_the_training_quality_view(worked):
    with acting_as(Role.QA, user="quinn"):
        team = progress_team()
    with acting_as(Role.MONITORING):
        days = training_quality_rows()

    assert [(row["annotator"], row["today"]) for row in team["annotators"]] == [("ann", 2), ("bob", 1)]
    assert team["final_last_30_days"]["drafts"] == 3
    assert (team["final_last_30_days"]["safe"], team["final_last_30_days"]["unsafe"]) == (2, 1)
    assert team["labels"] == [{"label": "refund", "drafts": 3}]
    assert team["backlog"] == {"under 1 hour": 1, "1 hour to 1 day": 0, "1 to 7 days": 1, "over 7 days": 0}
    assert sum(row["drafts"] for row in days) == 5 and sum(row["final"] for row in days) == 3


@pytest.mark.django_db(transaction=True)
def test_the_metrics_endpoints_and_the_pages(worked, live_server, client):
    annotator = console_api(live_server, "ann", ANNOTATORS)
    monitoring = console_api(live_server, "mona", MONITORING)
    qa = console_api(live_server, "quinn", QA)

    own = annotator.get("/metrics/annotation-progress/")
    quality = monitoring.get("/metrics/training-quality/?since=2000-01-01")

    assert own.status_code == 200 and [row["annotator"] for row in own.json()["results"]] == ["ann"]
    assert quality.status_code == 200 and sum(row["final"] for row in quality.json()["results"]) == 3
    assert monitoring.get("/metrics/annotation-progress/").status_code == 403
    assert qa.get("/metrics/training-quality/?since=yesterday").status_code == 400

    client.force_login(User.objects.get(username="ann"))
    home = client.get("/admin/")
    assert 'data-stat="today">2</strong>' in home.text and 'data-stat="remaining">2</strong>' in home.text
    assert 'id="annotate-next"' in home.text
    client.force_login(User.objects.get(username="mona"))
    assert 'id="annotator-home"' not in client.get("/admin/").text  # monitoring annotates nothing
    client.force_login(User.objects.get(username="quinn"))
    page = client.get("/admin/feedback/agentfeedback/progress/")
    assert page.status_code == 200 and "<td>1 to 7 days</td><td>1</td>" in page.text
