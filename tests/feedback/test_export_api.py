"""Training-data exports over real HTTP, run in the background by a real Celery worker."""

import hashlib
import io
import time
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from demo.services import demo_data_seed
from feedback.exports.writers import SCHEMAS
from feedback.models import TrainingExport
from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, QA
from tests.api_client import Api, issue_token
from tests.feedback.factories import AgentFeedbackFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-password-1"


def console_user(live_server, django_user_model, username: str, group: str | None = None, **flags) -> Api:
    """A console user (staff, as every console user is) with the token pair its login gives."""
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True, **flags)
    if group:
        user.groups.add(Group.objects.get(name=group))
    pair = Api(live_server.url).post("/auth/token/", {"username": username, "password": PASSWORD}).json()
    return Api(live_server.url, pair["access"])


@pytest.fixture
def qa(live_server, django_user_model) -> Api:
    return console_user(live_server, django_user_model, "quinn", QA)


@pytest.fixture
def annotator(live_server, django_user_model) -> Api:
    return console_user(live_server, django_user_model, "ann", ANNOTATORS)


def finished(api: Api, export_id: int, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        body = api.get(f"/exports/{export_id}/").json()
        if body["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_a_background_export_is_downloaded_by_staff_and_refused_to_an_annotator(
    celery_worker, live_server, django_user_model, qa, annotator
):
    # given the demo data, and a QA user asking for the safe drafts as parquet
    with acting_as(Role.SERVICE):
        demo_data_seed()
    asked = qa.post("/exports/", {"format": "parquet", "safe_only": True})

    # then the request is accepted at once, and a worker runs it to the end
    assert asked.status_code == 202
    assert asked.json()["status"] == "queued" and asked.json()["requested_by"] == "quinn"
    done = finished(qa, asked.json()["id"])
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"] == {"rows_done": 8, "rows_total": 8, "percent": 100.0}
    assert (done["manifest"]["rows"], done["manifest"]["format"]) == (8, "parquet")
    assert done["download"] == f"{live_server.url}/api/v1/exports/{done['id']}/download/"

    # when staff fetch the download link over HTTP: a QA user, and a superuser (the supervisor role)
    admin = console_user(live_server, django_user_model, "root", is_superuser=True)
    files = [api.session.get(done["download"], timeout=30) for api in (qa, admin)]

    # then they get the file the manifest describes, readable by pyarrow with the declared schema
    for response in files:
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == done["manifest"]["sha256"]
        assert response.headers["Content-Disposition"] == f'attachment; filename="{done["manifest"]["file"]}"'
    table = pq.read_table(io.BytesIO(files[0].content))
    assert table.schema.remove_metadata() == SCHEMAS["drafts"] and table.num_rows == 8

    # and an annotator, who may not read training data, is refused the file, the export and a new one
    assert annotator.session.get(done["download"], timeout=30).status_code == 403
    assert annotator.get(f"/exports/{done['id']}/").status_code == 403
    assert annotator.post("/exports/", {"format": "jsonl"}).status_code == 403
    with acting_as(Role.SERVICE):
        assert TrainingExport.objects.count() == 1


def test_the_ai_read_only_role_requests_and_downloads_exports(celery_worker, live_server):
    reader = Api(live_server.url, issue_token("--role", "ai_readonly", "--client", "trainer"))
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(safe_to_send=True, model_draft="Mail me at a@b.io")

    asked = reader.post("/exports/", {"gold": False, "format": "jsonl"})
    done = finished(reader, asked.json()["id"])
    file = reader.session.get(done["download"], timeout=30)

    assert (asked.status_code, done["status"], file.status_code) == (202, "succeeded", 200)
    assert b"Mail me at [EMAIL_REDACTED]" in file.content
    assert done["manifest"]["redactions"]["email"] == 1


def test_a_failed_background_export_says_why_and_has_no_file(celery_worker, live_server, qa, export_dir):
    # given a draft whose rubric the parquet schema cannot hold
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(safe_to_send=True, rubric={"clarity": 5, "accuracy": 5, "tone": 1000})
    files_before = sorted(export_dir.iterdir())

    done = finished(qa, qa.post("/exports/", {"format": "parquet"}).json()["id"])

    assert done["status"] == "failed"
    assert done["error"].startswith("ArrowInvalid: ") and done["download"] is None
    assert qa.get(f"/exports/{done['id']}/download/").status_code == 410
    assert sorted(export_dir.iterdir()) == files_before  # no file, no manifest, no temporary file


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"format": "xml"}, "format", '"xml" is not a valid choice.'),
    ({"since": "2026-02-01", "until": "2026-01-01"}, "since", "2026-02-01 is after until (2026-01-01)"),
    ({"since": "yesterday"}, "since", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
    ({"gold": True, "safe_only": True}, "safe_only", "the gold set has no safety judgement; use one of safe_only or gold"),
])
def test_bad_input_is_a_400_naming_the_field_and_queues_nothing(live_server, qa, body, field, message):
    response = qa.post("/exports/", body)

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    with acting_as(Role.SERVICE):
        assert TrainingExport.objects.count() == 0


def test_an_unknown_export_is_a_404(live_server, qa):
    assert qa.get("/exports/999/").status_code == 404
    assert qa.get("/exports/999/download/").status_code == 404


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_old_files_are_pruned_daily_by_beat_through_a_worker(celery_worker, export_dir):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from feedback.tasks import training_exports_prune_task

    # given the schedule that migrate installs
    call_command("migrate", "feedback", "0011_training_feedback_stream", verbosity=0)
    assert not PeriodicTask.objects.filter(task="feedback.tasks.training_exports_prune_task").exists()
    call_command("migrate", "feedback", verbosity=0)
    task = PeriodicTask.objects.get(task="feedback.tasks.training_exports_prune_task")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, str(task.crontab.timezone)) == (
        "30", "3", "*", "UTC"
    )
    # and an export finished 31 days ago (30 are kept) next to one finished yesterday
    now = timezone.now()
    paths = {}
    with acting_as(Role.SERVICE):
        for age in (31, 1):
            path = export_dir / f"training-drafts-beat-{age}.jsonl"
            path.write_text("{}\n")
            path.with_name(path.name + ".manifest.json").write_text("{}")
            paths[age] = path
            TrainingExport.objects.create(
                format="jsonl", requested_by="test", status="succeeded", file_path=str(path),
                finished_at=now - timedelta(days=age),
            )

    # when the worker runs the task beat sends
    assert training_exports_prune_task.delay().get(timeout=60) == 1

    # then only the old file and its manifest are gone, and its row says when
    assert not paths[31].exists() and not paths[31].with_name(paths[31].name + ".manifest.json").exists()
    assert paths[1].exists()
    with acting_as(Role.QA):
        old = TrainingExport.objects.get(file_path__isnull=True)
    assert old.pruned_at is not None and old.finished_at < now - timedelta(days=30)
    paths[1].unlink()
    paths[1].with_name(paths[1].name + ".manifest.json").unlink()
