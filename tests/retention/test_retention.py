import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from approvals.models import AgentApproval, ApprovalDecision, ApprovalLease
from feedback.models import (
    AgentFeedback,
    AnnotationLease,
    AnnotationReview,
    AnnotationRework,
    AnnotationSkip,
    FeedbackAnnotation,
    SupportCuratedReply,
)
from hotdash.db_context import Role, acting_as
from metrics.models import AgentQuery, DecisionSyncEventLog, ObservabilityLog
from retention.backup_files import backup_set_open
from retention.models import DataRun, RetentionPolicy
from retention.services import backup_restore, retention_run
from tests.retention.data import all_digests, manage

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def story() -> dict[str, int]:
    """Rows on both sides of every policy and exception; returns their ids by name."""
    ids = {}
    with acting_as(Role.SERVICE):
        for name, age, safe in [("draft_old", 31, True), ("draft_new", 29, None), ("unsafe_kept", 179, False),
                                ("unsafe_old", 181, False), ("promoted", 400, True)]:
            ids[name] = AgentFeedback.objects.create(
                conversation_id=f"c-{name}", input_text=f"question {name}", model_draft="d", safe_to_send=safe,
                created_at=days_ago(age),
            ).pk
        # A gold reply that names no draft (added by hand, or promoted before the link): matched by question.
        SupportCuratedReply.objects.create(
            conversation_id="c-promoted", source_message_id="m-1", question="question promoted", reply="r"
        )
        # A promoted draft whose gold reply's question a curator has since edited: kept through the link.
        ids["promoted_linked"] = AgentFeedback.objects.create(
            conversation_id="c-linked", input_text="question linked", model_draft="d", safe_to_send=True,
            created_at=days_ago(400),
        ).pk
        SupportCuratedReply.objects.create(
            conversation_id="c-linked", source_message_id="m-2", question="question linked, edited", reply="r",
            source_feedback_id=ids["promoted_linked"],
        )
        # Another draft of the same conversation and question as a linked gold reply, not the one promoted.
        ids["draft_duplicate"] = AgentFeedback.objects.create(
            conversation_id="c-dup", input_text="question dup", model_draft="d", safe_to_send=True,
            created_at=days_ago(400),
        ).pk
        promoted_dup = AgentFeedback.objects.create(
            conversation_id="c-dup", input_text="question dup", model_draft="d", safe_to_send=True,
            created_at=days_ago(1),
        )
        SupportCuratedReply.objects.create(
            conversation_id="c-dup", source_message_id="m-3", question="question dup", reply="r",
            source_feedback_id=promoted_dup.pk,
        )
        for name, age, status in [("approval_old", 91, "approved"), ("approval_pending", 400, "pending"),
                                  ("approval_new", 89, "rejected")]:
            approval = AgentApproval.objects.create(
                conversation_id=f"c-{name}", serialized={}, status=status, created_at=days_ago(age),
                decided_at=None if status == "pending" else days_ago(age),
            )
            ids[name] = approval.pk
            if status != "pending":
                ApprovalDecision.objects.create(approval=approval, outcome=status, decided_by="olga", via="admin")
        ApprovalLease.objects.create(approval_id=ids["approval_old"], holder="olga", expires_at=days_ago(91))
        for name, age, latency in [("query_old", 61, 50), ("query_new", 59, 50), ("slow_kept", 179, 201),
                                   ("slow_old", 181, 900), ("query_edge", 61, 200)]:
            ids[name] = AgentQuery.objects.create(
                query=name, result={}, conversation_id="c", agent="data", latency_ms=latency, created_at=days_ago(age)
            ).pk
        for name, age, level in [("log_old", 31, "INFO"), ("error_kept", 89, "ERROR"), ("error_old", 91, "FATAL")]:
            ids[name] = ObservabilityLog.objects.create(level=level, message=name, created_at=days_ago(age)).pk
        ids["event_old"] = DecisionSyncEventLog.objects.create(
            decision_id="d", scope="s", status="ok", created_at=days_ago(91)
        ).pk
    return ids


def surviving(model, ids: dict) -> set[str]:
    with acting_as(Role.SERVICE):
        present = set(model.objects.values_list("pk", flat=True))
    return {name for name, pk in ids.items() if pk in present}


def test_the_production_policies_are_installed_by_migrate():
    with acting_as(Role.SERVICE):
        policies = {p.table: (p.keep_days, p.exception_keep_days, p.slow_query_ms) for p in RetentionPolicy.objects.all()}
    assert policies == {
        "agent_feedback": (30, 180, None),
        "agent_approvals": (90, None, None),
        "agent_queries": (60, 180, 200),
        "observability_logs": (30, 90, None),
        "decision_sync_event_logs": (90, None, None),
    }


def test_the_beat_schedules_exist_after_migrate():
    # Migrated back to before the schedules and forward again: what `migrate` installs, whatever ran before.
    call_command("migrate", "retention", "0003_production_policies", verbosity=0)
    assert not PeriodicTask.objects.filter(task="retention.tasks.retention_run_task").exists()
    call_command("migrate", "retention", verbosity=0)

    tasks = {
        task.name: (task.task, json.loads(task.kwargs)["tables"], str(task.crontab.timezone),
                    (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, task.crontab.day_of_month))
        for task in PeriodicTask.objects.filter(task="retention.tasks.retention_run_task")
    }
    assert tasks == {
        "Retention: agent feedback": ("retention.tasks.retention_run_task", ["agent_feedback"], "UTC", ("0", "2", "0", "*")),
        "Retention: approvals and queries": (
            "retention.tasks.retention_run_task", ["agent_approvals", "agent_queries"], "UTC", ("0", "3", "*", "1")
        ),
        "Retention: logs": (
            "retention.tasks.retention_run_task", ["observability_logs", "decision_sync_event_logs"], "UTC", ("0", "4", "*", "*")
        ),
    }


def test_policy_exceptions_survive_and_everything_else_past_its_policy_is_deleted():
    ids = story()

    report = retention_run()

    names = set(ids)
    kept = set()
    for model in (AgentFeedback, AgentApproval, AgentQuery, ObservabilityLog, DecisionSyncEventLog):
        kept |= surviving(model, {n: ids[n] for n in names if n.split("_")[0] in _prefixes(model)})
    assert kept == {
        "draft_new", "unsafe_kept", "promoted", "promoted_linked",  # unsafe drafts 180 days; the gold set's sources
        "approval_pending", "approval_new",  # pending approvals, whatever their age
        "query_new", "slow_kept",  # queries slower than 200 ms, 180 days
        "error_kept",  # errors, 90 days
    }
    with acting_as(Role.SERVICE):  # the audit row and the lease went with their approval
        assert list(ApprovalDecision.objects.values_list("approval_id", flat=True)) == [ids["approval_new"]]
        assert not ApprovalLease.objects.exists()
    assert report["tables"]["agent_feedback"] == {
        "examined": 6, "kept": {"unsafe drafts": 1, "promoted to the gold set": 2}, "deleted": 3
    }
    assert report["tables"]["agent_approvals"] == {"examined": 2, "kept": {"pending": 1}, "deleted": 1}
    assert report["tables"]["agent_queries"] == {"examined": 4, "kept": {"slow queries": 1}, "deleted": 3}


def _prefixes(model) -> set[str]:
    return {
        AgentFeedback: {"draft", "unsafe", "promoted"},
        AgentApproval: {"approval"},
        AgentQuery: {"query", "slow"},
        ObservabilityLog: {"log", "error"},
        DecisionSyncEventLog: {"event"},
    }[model]


def test_a_promoted_draft_goes_once_its_gold_reply_is_gone():
    ids = story()
    with acting_as(Role.SERVICE):
        SupportCuratedReply.objects.all().delete()

    retention_run(tables=["agent_feedback"])

    assert {"promoted", "promoted_linked"} & surviving(AgentFeedback, ids) == set()


def test_a_dry_run_counts_and_changes_nothing():
    story()
    before = all_digests()

    report = retention_run(dry_run=True)

    assert all_digests() == before
    assert report["directory"] is None
    assert report["tables"]["agent_queries"] == {"examined": 4, "kept": {"slow queries": 1}, "would_delete": 3}
    with acting_as(Role.SERVICE):
        assert not DataRun.objects.exists()


def test_every_deleted_row_is_in_the_run_s_backup_and_restore_brings_it_back():
    story()
    before = all_digests()

    result = manage("retention", "--format", "json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    backup = backup_set_open(Path(report["directory"]))
    assert sum(f["rows"] for f in backup.manifest["files"] if f["table"] == "agent_queries") == 3
    assert backup.manifest["kind"] == "retention" and backup.manifest["completed_at"]
    backup_restore(backup.path)
    after = all_digests()
    # Everything is back but the records the run left: its own row and its summary line.
    assert {t: d for t, d in after.items() if t != "observability_logs"} == {
        t: d for t, d in before.items() if t != "observability_logs"
    }
    assert after["observability_logs"][0] == before["observability_logs"][0] + 1


def test_the_run_is_recorded_and_summarised_in_the_logs():
    story()

    report = retention_run(tables=["agent_queries"])

    with acting_as(Role.SERVICE):
        run = DataRun.objects.get()
        summary = ObservabilityLog.objects.get(message__startswith="retention run")
    assert (run.kind, run.status, run.directory, run.report["agent_queries"]["deleted"]) == (
        "retention", "succeeded", report["directory"], 3
    )
    assert run.finished_at and [f["table"] for f in run.files] == ["agent_queries"]
    assert len(run.files[0]["sha256"]) == 64
    assert summary.level == "INFO"
    assert f"retention run #{run.pk} succeeded: deleted 3 rows (agent_queries 3)" in summary.message
    assert summary.metadata["directory"] == report["directory"]


def test_chunks_are_bounded_and_each_is_a_file_of_its_own(settings):
    story()
    settings.HOTDASH_RETENTION_CHUNK_ROWS = 2

    report = retention_run(tables=["agent_queries"])

    assert [f["rows"] for f in report["files"]] == [2, 1]
    assert report["tables"]["agent_queries"]["deleted"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table", "auth_user"], "CommandError: no retention policy for table 'auth_user'; expected one of"),
        (["--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_input_is_one_line_a_non_zero_exit_and_nothing_deleted(args, message):
    story()
    before = all_digests()

    result = manage("retention", *args)

    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]
    assert all_digests() == before


def test_the_text_report_names_tables_exceptions_and_the_backup(capsys):
    story()

    call_command("retention", "--table", "agent_feedback", "--dry-run")

    assert capsys.readouterr().out.splitlines() == [
        "agent_feedback: 6 examined, 3 kept (unsafe drafts 1, promoted to the gold set 2), 3 would be deleted",
        "dry run: nothing was deleted",
    ]
    with pytest.raises(CommandError, match="no retention policy for table 'facts'"):
        call_command("retention", "--table", "facts")


def test_the_daily_backup_is_scheduled_by_migrate_and_runs_through_a_worker(celery_worker):
    from retention.tasks import backup_task

    call_command("migrate", "retention", "0006_purge_requests_rls", verbosity=0)
    assert not PeriodicTask.objects.filter(task="retention.tasks.backup_task").exists()
    call_command("migrate", "retention", verbosity=0)
    task = PeriodicTask.objects.get(task="retention.tasks.backup_task")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, str(task.crontab.timezone)) == (
        "0", "2", "*", "UTC"
    )
    story()

    result = backup_task.delay().get(timeout=120)

    with acting_as(Role.SERVICE):
        run = DataRun.objects.get(pk=result["run"])
    assert (run.kind, run.status, run.started_by) == ("backup", "succeeded", "beat")
    assert run.report["agent_queries"] == {"rows": 5}
    assert backup_set_open(Path(result["directory"])).manifest["kind"] == "backup"


def test_the_tables_retention_deletes_from_are_vacuumed_after_one_percent_of_dead_rows():
    # PostgreSQL's default waits for 20 % dead rows, more than a month of a 60-day table: the freed space would
    # not be reused by new rows until then (docs/retention.md, "Neither DELETE shrinks a table").
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [["agent_feedback", "agent_approvals", "approval_decisions", "agent_queries", "observability_logs",
              "decision_sync_event_logs"]],
        )
        options = dict(cursor.fetchall())
    assert len(options) == 6
    assert all(
        set(value) >= {"autovacuum_vacuum_scale_factor=0.01", "autovacuum_vacuum_threshold=10000"}
        for value in options.values()
    ), options


def test_an_expired_draft_goes_with_its_annotations_and_restore_brings_them_back():
    # given a draft past its policy that two annotators labelled, QA sent back once, and one annotator holds
    with acting_as(Role.SERVICE):
        draft = AgentFeedback.objects.create(
            conversation_id="c-annotated", input_text="q", model_draft="d", safe_to_send=True, created_at=days_ago(31)
        )
        kept = AgentFeedback.objects.create(conversation_id="c-kept", input_text="q", model_draft="d", safe_to_send=True)
        for annotator in ("ann", "bob"):
            annotation = FeedbackAnnotation.objects.create(
                feedback=draft, annotator=annotator, safe_to_send=True, rubric={"tone": 4}, seconds_spent=9
            )
        FeedbackAnnotation.objects.create(feedback=kept, annotator="ann", safe_to_send=True, rubric={}, seconds_spent=3)
        review = AnnotationReview.objects.create(
            feedback=draft, annotation=annotation, annotator="bob", reviewer="quinn", outcome="sent_back", comment="why?"
        )
        AnnotationRework.objects.create(feedback=draft, annotator="bob", review=review, comment="why?")
        AnnotationLease.objects.create(feedback=draft, holder="bob", claimed_at=days_ago(0), expires_at=days_ago(0))
        AnnotationSkip.objects.create(feedback=draft, annotator="ann")
    before = all_digests()

    # when retention runs over the drafts
    result = manage("retention", "--table", "agent_feedback", "--format", "json")

    # then the draft and everything the workbench kept of it are gone, backed up, and the other draft's stay
    assert result.returncode == 0, result.stderr
    with acting_as(Role.SERVICE):
        assert list(AgentFeedback.objects.values_list("pk", flat=True)) == [kept.pk]
        assert list(FeedbackAnnotation.objects.values_list("feedback_id", flat=True)) == [kept.pk]
        for workbench_table in (AnnotationReview, AnnotationRework, AnnotationLease, AnnotationSkip):
            assert not workbench_table.objects.exists(), workbench_table
    backup_restore(Path(json.loads(result.stdout)["directory"]))
    after = all_digests()
    assert {t: d for t, d in after.items() if t != "observability_logs"} == {
        t: d for t, d in before.items() if t != "observability_logs"
    }
