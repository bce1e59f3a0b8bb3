"""Training exports in the admin: QA requests them and reads their manifests; annotators do not see them."""

import pytest
from django.contrib.auth.models import Group, User

from feedback.models import ExportStatus, TrainingExport
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, QA

pytestmark = pytest.mark.django_db

MANIFEST = {"rows": 10, "sha256": "ab12cd34ef56" + "0" * 52, "format": "jsonl", "redactions": {"email": 2}}


def console_user(username: str, group: str) -> User:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def exports() -> list[tuple]:
    with acting_as(Role.SERVICE):
        return list(TrainingExport.objects.order_by("pk").values_list("status", "format", "filters", "requested_by"))


def test_qa_requests_an_export_from_the_admin_and_a_worker_is_asked_to_run_it(client, django_capture_on_commit_callbacks):
    client.force_login(console_user("quinn", QA))

    with django_capture_on_commit_callbacks() as sent:
        response = client.post(
            "/admin/feedback/trainingexport/add/",
            {"format": "csv", "since": "2026-01-01", "until": "2026-01-31", "label": "refunds", "safe_only": "on",
             "_save": "Save"},
        )

    assert response.status_code == 302
    assert exports() == [(
        "queued", "csv",
        {"dataset": "drafts", "since": "2026-01-01", "until": "2026-01-31", "label": "refunds", "safe_only": True},
        "quinn",
    )]
    assert len(sent) == 1  # the task is sent once the request's transaction commits


def test_bad_filters_in_the_admin_are_shown_on_the_form_and_nothing_is_queued(client):
    client.force_login(console_user("quinn", QA))

    response = client.post(
        "/admin/feedback/trainingexport/add/",
        {"format": "jsonl", "since": "2026-02-01", "until": "2026-01-01", "_save": "Save"},
    )

    assert response.status_code == 200
    assert "2026-02-01 is after until (2026-01-01)" in response.text
    assert exports() == []


def test_the_list_shows_progress_manifests_and_download_links_and_an_action_exports_again(
    client, django_capture_on_commit_callbacks
):
    with acting_as(Role.SERVICE):
        done = TrainingExport.objects.create(
            format="jsonl", requested_by="quinn", status=ExportStatus.SUCCEEDED, manifest=MANIFEST, rows_done=10,
            rows_total=10, file_path="/somewhere/training-drafts-000001.jsonl", filters={"dataset": "drafts", "safe_only": True},
        )
    client.force_login(console_user("quinn", QA))

    listing = client.get("/admin/feedback/trainingexport/")
    detail = client.get(f"/admin/feedback/trainingexport/{done.pk}/change/")
    with django_capture_on_commit_callbacks() as sent:
        action = client.post(
            "/admin/feedback/trainingexport/",
            {"action": "export_again", "_selected_action": [done.pk]},
        )

    assert listing.status_code == 200
    assert "10 / 10 rows (100%)" in listing.text and "ab12cd34ef56" in listing.text
    assert f'href="/api/v1/exports/{done.pk}/download/"' in listing.text
    assert detail.status_code == 200 and "&quot;redactions&quot;" in detail.text
    assert 'name="_save"' not in detail.text  # an export is never edited
    assert action.status_code == 302 and len(sent) == 1
    assert exports()[1] == ("queued", "jsonl", done.filters | {"since": None, "until": None, "label": None}, "quinn")


def test_annotators_do_not_see_exports(client):
    client.force_login(console_user("ann", ANNOTATORS))

    assert client.get("/admin/feedback/trainingexport/").status_code == 403
    assert client.get("/admin/feedback/trainingexport/add/").status_code == 403
