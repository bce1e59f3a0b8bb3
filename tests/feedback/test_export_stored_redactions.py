"""Drafts redacted ahead of exports (feedback_redactions): the same files, never stale text, service role only."""


import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from feedback.exports.services import redactor_from_settings
from feedback.exports.stored_redactions import stored_redactions_fill
from feedback.models import AgentFeedback
from hotdash.db_context import Role, acting_as
from tests.feedback.export_files import draft_rows, export, jsonl_rows, manifest_of, sha256
from tests.feedback.factories import AgentFeedbackFactory

pytestmark = pytest.mark.django_db


def fill(limit: int = 1000) -> int:
    return stored_redactions_fill(redactor=redactor_from_settings(), limit=limit, batch_rows=2)


def stored_rows() -> list[tuple]:
    """(draft id, its stored JSON line) of every stored draft."""
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT feedback_id, jsonl FROM feedback_redactions ORDER BY feedback_id")
        return cursor.fetchall()


def tamper(feedback_id: int, text: str) -> None:
    """Change a stored draft's input text in its lines behind the task's back, to see whether an export reads
    them (the fixtures' texts hold no double quote)."""
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feedback_redactions SET"
            " jsonl = regexp_replace(jsonl, '\"input_text\":\"[^\"]*\"', '\"input_text\":\"' || %(text)s || '\"'),"
            " csv = regexp_replace(csv, '^(([^,]*,){3})(\"[^\"]*\"|[^,]*)', '\\1' || %(text)s)"
            " WHERE feedback_id = %(id)s",
            {"text": text, "id": feedback_id},
        )


@pytest.fixture
def drafts():
    """Nine annotated drafts with every kind of personal data, and one nobody annotated (never exported)."""
    with acting_as(Role.SERVICE):
        annotated = [
            AgentFeedbackFactory(
                input_text=f"I'm Jane Whitaker, jane{i}@example.com, card 4111 1111 1111 1111, order #{4000 + i}",
                model_draft=f"We'll call +44 20 7946 09{i:02d} from 203.0.113.{i} on 2026-05-03 08:00.",
                notes="Good tone, Jane" if i % 2 else None,
                labels=["pii", f"batch-{i % 3}"],
                meta={"customer_name": "Jane Whitaker"},
                safe_to_send=bool(i % 3),
            )
            for i in range(9)
        ]
        AgentFeedbackFactory(input_text="jane@example.com", safe_to_send=None)
    return annotated


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "parquet"])
def test_an_export_from_stored_redactions_writes_the_same_bytes_and_counts_as_redacting(
    settings, tmp_path, drafts, export_format
):
    settings.HOTDASH_EXPORT_CHUNK_ROWS = 2
    redacting = export(tmp_path, f"redacting.{export_format}", "--format", export_format)

    # when the task stores the annotated drafts' redacted text (the unannotated one is no export's business)
    assert fill() == 9
    assert [feedback_id for feedback_id, _ in stored_rows()] == [draft.pk for draft in drafts]
    assert fill() == 0  # nothing left to do
    copying = export(tmp_path, f"copying.{export_format}", "--format", export_format)

    # then the export is the same file, with the same counts in its manifest, in process or with workers
    assert sha256(copying) == sha256(redacting) == manifest_of(copying)["sha256"]
    assert manifest_of(copying)["redactions"] == manifest_of(redacting)["redactions"] == {
        "email": 9, "phone": 9, "card": 9, "ip": 9, "name": 13,
    }
    settings.HOTDASH_EXPORT_WORKERS, settings.HOTDASH_EXPORT_WORKERS_MIN_ROWS = 2, 0
    pooled = export(tmp_path, f"pooled.{export_format}", "--format", export_format)
    assert sha256(pooled) == sha256(redacting)
    assert manifest_of(pooled)["redactions"] == manifest_of(redacting)["redactions"]
    # and it did copy the stored lines: a stored line changed behind its back shows in the next export
    tamper(drafts[0].pk, "stored text")
    tampered = export(tmp_path, f"tampered.{export_format}", "--format", export_format)
    assert draft_rows(tampered)[0]["input_text"] == "stored text"


def test_a_draft_edited_after_its_redaction_was_stored_is_redacted_again(tmp_path, drafts):
    assert fill() == 9
    tamper(drafts[1].pk, "stale text")
    # when an annotator's note about the draft changes after the task stored it
    with acting_as(Role.SERVICE):
        draft = AgentFeedback.objects.get(pk=drafts[1].pk)
        draft.notes = "Customer wrote from bob@example.org"
        draft.save(update_fields=["notes"])

    # then the export redacts the draft as it is now, not as it was stored
    rows = {row["id"]: row for row in jsonl_rows(export(tmp_path, "edited.jsonl"))}
    assert rows[drafts[1].pk]["notes"] == "Customer wrote from [EMAIL_REDACTED]"
    assert rows[drafts[1].pk]["input_text"].startswith("I'm [NAME_REDACTED], [EMAIL_REDACTED]")
    # and the next run of the task stores it again, and that one alone
    assert fill() == 1
    assert "stale text" not in dict(stored_rows())[drafts[1].pk]


def test_stored_redactions_made_with_other_settings_are_not_used(settings, tmp_path, drafts):
    assert fill() == 9
    tamper(drafts[0].pk, "stored text")

    # when the phone regions change, the stored text may redact differently: the export redacts again
    settings.HOTDASH_EXPORT_PHONE_REGIONS = ["GB", "US"]
    rows = jsonl_rows(export(tmp_path, "other-regions.jsonl"))
    assert rows[0]["input_text"].startswith("I'm [NAME_REDACTED]")
    # and the task stores every draft again under the new settings
    assert fill() == 9


def test_a_run_stores_at_most_its_limit_and_the_next_run_goes_on(drafts):
    assert fill(limit=5) == 5
    assert fill(limit=5) == 4
    assert fill(limit=5) == 0


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SERVICE])
def test_only_the_service_role_reads_or_writes_stored_redactions(drafts, role):
    assert fill() == 9
    # hotdash_app acting as any other role holds no privilege on the table
    for statement in ("SELECT count(*) FROM feedback_redactions", "DELETE FROM feedback_redactions"):
        with pytest.raises(DatabaseError, match="permission denied for table feedback_redactions"):
            with acting_as(role, project="p-1", scope="s-1", user="someone"), connection.cursor() as cursor:
                cursor.execute(statement)


def test_a_deleted_draft_takes_its_stored_redaction_with_it(drafts):
    assert fill() == 9
    with acting_as(Role.SERVICE):
        AgentFeedback.objects.filter(pk=drafts[0].pk).delete()
    assert [feedback_id for feedback_id, _ in stored_rows()] == [draft.pk for draft in drafts[1:]]


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_beat_runs_the_task_every_5_minutes_through_a_worker(celery_worker, drafts):
    from django_celery_beat.models import PeriodicTask

    from feedback.tasks import training_redactions_task

    # given the schedule that migrate installs
    call_command("migrate", "feedback", "0014_annotation_skips", verbosity=0)
    assert not PeriodicTask.objects.filter(task="feedback.tasks.training_redactions_task").exists()
    call_command("migrate", "feedback", verbosity=0)
    task = PeriodicTask.objects.get(task="feedback.tasks.training_redactions_task")
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone), task.enabled) == ("*/5", "*", "UTC", True)

    # when the worker runs the task beat sends, twice
    assert training_redactions_task.delay().get(timeout=60) == 9
    assert training_redactions_task.delay().get(timeout=60) == 0

    # then every annotated draft has its redacted lines stored
    assert [feedback_id for feedback_id, _ in stored_rows()] == [draft.pk for draft in drafts]
    assert "jane" not in " ".join(line for _, line in stored_rows()).lower()


def test_the_command_stores_every_pending_draft_and_refuses_a_bad_limit(drafts, capsys):
    call_command("export_redact_ahead", "--limit", "4")
    assert capsys.readouterr().out.startswith("stored the redacted text of 4 drafts in ")
    call_command("export_redact_ahead")
    assert capsys.readouterr().out.startswith("stored the redacted text of 5 drafts in ")

    with pytest.raises(CommandError, match=r"^--limit must be a positive number of drafts, not 0$"):
        call_command("export_redact_ahead", "--limit", "0")
