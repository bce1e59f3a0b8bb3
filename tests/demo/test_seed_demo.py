"""seed_demo: the production scenarios, idempotency, generated volume (--scale) and refusal of bad input."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from approvals.models import AgentApproval, ApprovalDecision
from approvals.sdk_state import run_state_read
from approvals.services import approval_decide
from demo.run_states import BOOLEAN, NUMBER, STRING, STRING_LIST, SdkCall, SdkTool, SdkTurn, TokenUsage, sdk_run_state
from demo.scale import SCALE_DAYS, SCALE_TABLES, demo_data_scale
from demo.services import demo_data_seed
from feedback.models import AgentFeedback, AnnotationLabel, SupportCuratedReply
from hotdash.db_context import Role, acting_as
from metrics.models import AgentQC, AgentQuery, AgentRun, DecisionSyncEventLog, Fact, ObservabilityLog

FIXTURES = Path(__file__).parent / "fixtures"
BASE_DIR = Path(__file__).resolve().parents[2]
ALL_TABLES = (*SCALE_TABLES, "approval_decisions", "support_curated_replies", "agent_run", "agent_qc")
NOW = datetime(2025, 10, 11, 15, 15, tzinfo=UTC)


def table_counts() -> dict[str, int]:
    """Rows per table as the service role, which sees every row."""
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        counts = {}
        for table in ALL_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant table names
            counts[table] = cursor.fetchone()[0]
    return counts


def max_ids() -> dict[str, int]:
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        ids = {}
        for table in SCALE_TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            ids[table] = cursor.fetchone()[0]
    return ids


def generated_rows(after: dict[str, int], *, without: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every column but id of the rows added after `after`, in insertion order."""
    rows = {}
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        for table in SCALE_TABLES:
            cursor.execute(f"SELECT * FROM {table} WHERE id > %s ORDER BY id", [after[table]])  # noqa: S608
            names = [column.name for column in cursor.description]
            keep = [i for i, name in enumerate(names) if name != "id" and name not in without]
            rows[table] = [tuple(json.dumps(row[i], sort_keys=True, default=str) for i in keep) for row in cursor]
    return rows


class Undo(Exception):
    """Raised to roll a savepoint back, so a second run starts from the very same state."""


# --- the SDK run state -----------------------------------------------------------------------------------


def test_the_state_builder_writes_what_the_sdk_writes_for_one_call():
    given = json.loads((FIXTURES / "sdk_0_24_state_one_call.json").read_text())
    delete_file = SdkTool("delete_file", "Delete a file.", (("path", STRING, "File to delete."),))

    built = sdk_run_state(
        agent="FileBot",
        original_input="Please delete a.txt",
        turns=[SdkTurn(calls=(SdkCall(delete_file, '{"path": "a.txt"}', "call_123"),), response_id="resp-789")],
    )

    assert built == given


def test_the_state_builder_writes_what_the_sdk_writes_for_a_lookup_then_two_approvals():
    given = json.loads((FIXTURES / "sdk_0_24_state_two_calls.json").read_text())
    lookup = SdkTool("lookup_order", "Look up an order by its number.", (("order_id", STRING, "The order number."),))
    bulk = SdkTool(
        "bulk_update_orders",
        "Change the status of several orders at once.",
        (
            ("order_ids", STRING_LIST, "The orders to update."),
            ("status", STRING, "The new fulfilment status."),
            ("notify_customer", BOOLEAN, "Whether to email the customer."),
        ),
    )
    refund = SdkTool(
        "issue_refund",
        "Refund an order to the original payment method.",
        (
            ("order_id", STRING, "The order to refund."),
            ("amount", NUMBER, "Amount in the order currency."),
            ("reason", STRING, "Why the refund is issued."),
        ),
    )
    order = '{"order_id":"#1042","status":"unfulfilled","total":"89.90"}'

    built = sdk_run_state(
        agent="support-agent",
        original_input=[{"role": "user", "content": "cancel and refund"}],
        turns=[
            SdkTurn(
                calls=(SdkCall(lookup, {"order_id": "#1042"}, "call_lk1", "fc_lk1", output=order),),
                response_id="resp_aaa",
                request_id="req_aaa",
                usage=TokenUsage(input_tokens=812, output_tokens=24, cached_tokens=512),
            ),
            SdkTurn(
                calls=(
                    SdkCall(bulk, {"order_ids": ["#1042", "#1043"], "status": "cancelled", "notify_customer": True},
                            "call_A", "fc_A"),
                    SdkCall(refund, {"order_id": "#1042", "amount": 89.9, "reason": "duplicate"}, "call_B", "fc_B"),
                ),
                response_id="resp_bbb",
                request_id="req_bbb",
                usage=TokenUsage(input_tokens=1033, output_tokens=61, cached_tokens=768, reasoning_tokens=12),
            ),
        ],
    )

    assert built == given


def test_interruptions_are_extracted_in_order_with_parsed_arguments():
    state = json.loads((FIXTURES / "sdk_0_24_state_two_calls.json").read_text())

    assert [item.as_json() for item in run_state_read(state).interruptions] == [
        {
            "tool_name": "bulk_update_orders",
            "arguments": {"order_ids": ["#1042", "#1043"], "status": "cancelled", "notify_customer": True},
            "call_id": "call_A",
            "agent": "support-agent",
        },
        {
            "tool_name": "issue_refund",
            "arguments": {"order_id": "#1042", "amount": 89.9, "reason": "duplicate"},
            "call_id": "call_B",
            "agent": "support-agent",
        },
    ]


# --- the production scenarios ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_writes_the_approval_queue_of_the_production_report():
    call_command("seed_demo", stdout=StringIO())

    with acting_as(Role.OPERATOR):  # the people who work the queue
        approvals = list(AgentApproval.objects.order_by("created_at"))
    by_status = {status: [a for a in approvals if a.status == status] for status in ("pending", "approved",
                                                                                      "rejected", "expired")}
    assert {status: len(rows) for status, rows in by_status.items()} == {
        "pending": 5, "approved": 3, "rejected": 2, "expired": 2,
    }
    for approval in approvals:
        assert approval.serialized["$schemaVersion"] == "1.21"
        assert approval.serialized["current_step"]["type"] == "next_step_interruption"
        assert approval.last_interruptions == [i.as_json() for i in run_state_read(approval.serialized).interruptions]
        assert approval.call_id == ",".join(item["call_id"] for item in approval.last_interruptions)
        assert approval.expires_at == approval.created_at + timedelta(hours=24)
    tools = {item["tool_name"] for a in approvals for item in a.last_interruptions}
    assert tools == {"issue_refund", "change_subscription", "export_customer_data", "issue_gift_card",
                     "apply_policy_exception", "bulk_update_orders", "create_replacement_orders"}
    assert sorted(len(a.last_interruptions) for a in approvals) == [1] * 11 + [2]
    bulk = next(a for a in approvals if len(a.last_interruptions) == 2)
    assert [i["tool_name"] for i in bulk.last_interruptions] == ["bulk_update_orders", "create_replacement_orders"]
    assert isinstance(bulk.serialized["original_input"], list)

    now = datetime.now(UTC)
    pending = by_status["pending"]
    assert all(a.decided_at is None and a.reason is None and a.approved_by is None for a in pending)
    assert sum(now - a.created_at > timedelta(minutes=5) for a in pending) == 3  # past the SLA
    assert sum(now - a.created_at < timedelta(minutes=5) for a in pending) == 2  # fresh
    for a in by_status["approved"] + by_status["rejected"]:
        assert a.decided_at > a.created_at and a.reason and a.approved_by == "operator"
    for a in by_status["expired"]:
        assert (a.decided_at, a.reason, a.approved_by) == (a.expires_at, "no decision within TTL", None)

    # Decided through the services: each decision has its audit row, at the time it was made.
    with acting_as(Role.OPERATOR):
        audit = {d.approval_id: d for d in ApprovalDecision.objects.all()}
    decided = [a for a in approvals if a.status != "pending"]
    assert sorted(audit) == sorted(a.pk for a in decided)
    for a in decided:
        entry = audit[a.pk]
        assert (entry.outcome, entry.reason, entry.created_at) == (a.status, a.reason, a.decided_at)
        assert (entry.decided_by, entry.via) == (
            ("system:expiry", "expiry") if a.status == "expired" else ("operator", "admin")
        )


@pytest.mark.django_db
def test_seed_demo_writes_the_training_data_and_metrics_of_the_production_report():
    call_command("seed_demo", stdout=StringIO())

    with acting_as(Role.QA):  # reviews every annotation
        feedback = list(AgentFeedback.objects.all())
    assert len(feedback) == 11
    assert sorted(str(f.safe_to_send) for f in feedback) == ["False"] * 2 + ["None"] + ["True"] * 8
    for row in feedback:
        if row.safe_to_send is None:
            assert (row.labels, row.rubric, row.annotator, row.notes) == ([], {}, None, None)
        else:
            assert row.labels and row.annotator
            assert set(row.rubric) == {"clarity", "accuracy", "tone"}
            assert all(1 <= score <= 5 for score in row.rubric.values())
    assert all("unsafe" in f.labels and f.notes for f in feedback if f.safe_to_send is False)
    with acting_as(Role.ANNOTATOR):  # labels drafts from the vocabulary, a key per label
        vocabulary = list(AnnotationLabel.objects.filter(active=True))
    assert {label for f in feedback for label in f.labels} <= {label.name for label in vocabulary}
    assert len({label.key for label in vocabulary}) == len(vocabulary) == 14

    with acting_as(Role.ANNOTATOR):  # promotes and reads the gold set
        gold = list(SupportCuratedReply.objects.all())
    assert len(gold) == 1
    assert gold[0].reply == next(f.model_draft for f in feedback if f.conversation_id == gold[0].conversation_id)

    with acting_as(Role.MONITORING):  # watches agent performance and logs
        queries = list(AgentQuery.objects.all())
        scopes = set(DecisionSyncEventLog.objects.values_list("scope", flat=True))
        levels = set(ObservabilityLog.objects.values_list("level", flat=True))
        runs = AgentRun.objects.count()
        checks = AgentQC.objects.count()
    assert len(queries) == 13
    assert sum(q.approved is True for q in queries) == 11
    assert sum(q.human_edited for q in queries) == 2
    assert not any(q.approved and q.human_edited for q in queries)
    assert (min(q.latency_ms for q in queries), max(q.latency_ms for q in queries)) == (18, 340)
    assert sum(q.latency_ms > 100 for q in queries) == 3
    assert {q.agent for q in queries} == {"data", "engineer", "marketing", "support"}
    assert scopes == {"ops", "cx", "analytics"}
    assert {"DEBUG", "INFO", "WARN", "ERROR"} <= levels
    assert runs == 5 and checks == 7

    with acting_as(Role.AI_READONLY):  # reads facts across projects
        projects = set(Fact.objects.values_list("project", flat=True))
    assert projects == {"occ", "chatwoot"}
    with acting_as(Role.TENANT, project="occ"):  # a tenant sees its own project only
        assert set(Fact.objects.values_list("project", flat=True)) == {"occ"}


@pytest.mark.django_db
def test_seed_demo_run_twice_creates_nothing_the_second_time():
    call_command("seed_demo", stdout=StringIO())
    after_first = table_counts()

    with acting_as(Role.SERVICE):
        report = demo_data_seed()
    call_command("seed_demo", stdout=StringIO())

    assert table_counts() == after_first
    assert report.created == 0
    assert {table: seed.found for table, seed in report.tables.items()} == {
        "annotation_labels": 14, "agent_approvals": 12, "approval_decisions": 7, "agent_feedback": 11, "support_curated_replies": 1, "agent_queries": 13,
        "facts": 10, "decision_sync_event_logs": 9, "observability_logs": 8, "agent_run": 5, "agent_qc": 7,
    }


@pytest.mark.django_db
def test_seed_demo_prints_what_it_created_and_what_it_found(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert first.splitlines()[0] == "Demo scenarios: 97 rows created, 0 already there."
    assert second.splitlines()[0] == "Demo scenarios: 0 rows created, 97 already there."
    assert "agent_approvals" in second and "12 found" in second


# --- starting again: --reset ----------------------------------------------------------------------------


def pending_count() -> int:
    with acting_as(Role.OPERATOR):
        return AgentApproval.objects.filter(status="pending").count()


@pytest.mark.django_db
def test_seed_demo_reset_refills_a_queue_the_operators_cleared():
    call_command("seed_demo", stdout=StringIO())
    fresh = table_counts()
    with acting_as(Role.OPERATOR):
        for approval_id in AgentApproval.objects.filter(status="pending").values_list("id", flat=True):
            approval_decide(approval_id=approval_id, outcome="approved", decided_by="operator")
    assert pending_count() == 0
    call_command("seed_demo", stdout=StringIO())
    assert pending_count() == 0  # without --reset the decided scenarios are found, not written again

    out = StringIO()
    call_command("seed_demo", "--reset", stdout=out)

    assert pending_count() == 5
    assert table_counts() == fresh
    with acting_as(Role.SERVICE):
        # The audit rows of the five decisions above went with them; the scenarios' own decisions are back.
        assert ApprovalDecision.objects.count() == fresh["approval_decisions"] == 7
    assert out.getvalue().splitlines()[:2] == [
        # the label vocabulary is kept by a reset (people edit it in the admin), so found again
        "Demo data cleared: 88 rows deleted.", "Demo scenarios: 83 rows created, 14 already there.",
    ]


@pytest.mark.django_db
def test_seed_demo_reset_also_removes_generated_volume():
    call_command("seed_demo", "--scale", "20", "--workers", "1", stdout=StringIO(), stderr=StringIO())
    call_command("seed_demo", "--reset", stdout=StringIO())
    fresh = table_counts()

    call_command("seed_demo", "--reset", stdout=StringIO())

    assert table_counts() == fresh == {
        "agent_approvals": 12, "agent_feedback": 11, "agent_queries": 13, "facts": 10,
        "decision_sync_event_logs": 9, "observability_logs": 8, "support_curated_replies": 1, "agent_run": 5,
        "agent_qc": 7, "approval_decisions": 7,
    }


# --- generated volume ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scale_adds_exactly_n_rows_to_each_large_table_and_nothing_elsewhere(capsys):
    call_command("seed_demo")
    before = table_counts()

    call_command("seed_demo", "--scale", "1000", "--seed", "3", "--workers", "1")

    after = table_counts()
    assert {table: after[table] - before[table] for table in ALL_TABLES} == {
        **{table: 1000 for table in SCALE_TABLES}, "approval_decisions": 0, "support_curated_replies": 0, "agent_run": 0,
        "agent_qc": 0,
    }
    out = capsys.readouterr().out
    assert "Generated 6,000 rows (1,000 per table, seed 3, 1 workers)" in out and "rows/s" in out


@pytest.mark.django_db
def test_scale_with_the_same_seed_and_start_gives_the_same_rows_and_another_seed_other_rows():
    call_command("seed_demo", stdout=StringIO())
    start = max_ids()

    def generate(seed: int) -> dict[str, list[tuple]]:
        demo_data_scale(rows=700, seed=seed, role=Role.SERVICE, now=NOW, chunk_rows=300)
        return generated_rows(start)

    with pytest.raises(Undo), transaction.atomic():
        first = generate(42)
        raise Undo
    with pytest.raises(Undo), transaction.atomic():
        other_seed = generate(43)
        raise Undo
    second = generate(42)

    assert {table: len(rows) for table, rows in second.items()} == {table: 700 for table in SCALE_TABLES}
    assert second == first
    assert all(other_seed[table] != first[table] for table in SCALE_TABLES)


@pytest.mark.django_db
def test_scale_through_the_command_is_reproducible_apart_from_the_clock():
    call_command("seed_demo", stdout=StringIO())
    start = max_ids()
    clock = ("created_at", "updated_at", "decided_at", "expires_at")

    with pytest.raises(Undo), transaction.atomic():
        call_command("seed_demo", "--scale", "1000", "--seed", "9", "--workers", "1", stdout=StringIO())
        first = generated_rows(start, without=clock)
        raise Undo
    call_command("seed_demo", "--scale", "1000", "--seed", "9", "--workers", "1", stdout=StringIO())

    assert generated_rows(start, without=clock) == first


@pytest.mark.django_db
def test_a_second_scale_run_adds_new_rows_rather_than_the_same_ones_again():
    demo_data_scale(rows=500, seed=1, role=Role.SERVICE, now=NOW)
    demo_data_scale(rows=500, seed=1, role=Role.SERVICE, now=NOW)

    with acting_as(Role.SERVICE):
        call_ids = list(AgentApproval.objects.values_list("call_id", flat=True))
        queries = AgentQuery.objects.values_list("query", "conversation_id", "latency_ms", "created_at")
        assert len(call_ids) == len(set(call_ids)) == 1000
        assert queries.distinct().count() == 1000


@pytest.mark.django_db
def test_generated_rows_look_like_production_rows():
    demo_data_scale(rows=2000, seed=5, role=Role.SERVICE, now=NOW)

    with acting_as(Role.SERVICE):
        approvals = list(AgentApproval.objects.all())
        projects = set(Fact.objects.values_list("project", flat=True))
        oldest = min(AgentQuery.objects.values_list("created_at", flat=True))
        latencies = list(AgentQuery.objects.values_list("latency_ms", flat=True))
        safe = list(AgentFeedback.objects.values_list("safe_to_send", flat=True))
        scopes = set(DecisionSyncEventLog.objects.values_list("scope", flat=True))
        levels = set(ObservabilityLog.objects.values_list("level", flat=True))
    for approval in approvals:
        assert approval.last_interruptions == [i.as_json() for i in run_state_read(approval.serialized).interruptions]
        assert approval.call_id == ",".join(item["call_id"] for item in approval.last_interruptions)
        assert approval.expires_at == approval.created_at + timedelta(hours=24)
        if approval.status == "pending":
            assert NOW - approval.created_at < timedelta(hours=24) and approval.decided_at is None
        elif approval.status == "expired":
            assert (approval.decided_at, approval.reason, approval.approved_by) == (
                approval.expires_at, "no decision within TTL", None)
        else:
            assert approval.decided_at > approval.created_at and approval.approved_by and approval.reason
    statuses = [a.status for a in approvals]
    assert 0 < statuses.count("pending") < statuses.count("approved")
    assert {"occ", "chatwoot"} <= projects and 90 <= len(projects) <= 100
    assert NOW - oldest > timedelta(days=180) and NOW - oldest <= timedelta(days=SCALE_DAYS)
    assert None in latencies and sum(1 for ms in latencies if ms and ms > 200) > 0
    assert {True, False, None} == set(safe)
    assert {"ops", "cx", "analytics"} <= scopes
    assert levels == {"DEBUG", "INFO", "WARN", "ERROR", "FATAL"}


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_generate_the_same_rows_as_one_worker():
    start = max_ids()
    demo_data_scale(rows=1000, seed=11, role=Role.SERVICE, now=NOW, chunk_rows=300, workers=3)
    parallel = generated_rows(start)
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        for table in SCALE_TABLES:  # back to the same starting state
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    demo_data_scale(rows=1000, seed=11, role=Role.SERVICE, now=NOW, chunk_rows=300, workers=1)
    serial = generated_rows({table: 0 for table in SCALE_TABLES})

    assert {table: len(rows) for table, rows in parallel.items()} == {table: 1000 for table in SCALE_TABLES}
    assert {table: sorted(rows) for table, rows in parallel.items()} == {
        table: sorted(rows) for table, rows in serial.items()
    }


@pytest.mark.django_db
def test_parallel_workers_refuse_to_run_inside_a_transaction():
    with pytest.raises(RuntimeError, match="outside a transaction"):
        demo_data_scale(rows=10, seed=1, role=Role.SERVICE, workers=2)

    assert table_counts() == {table: 0 for table in ALL_TABLES}


# --- bad input -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "-1"], "--scale must be 0 or more, got -1"),
        (["--scale", "abc"], "--scale must be a whole number, got 'abc'"),
        (["--scale", "1.5"], "--scale must be a whole number, got '1.5'"),
        (["--scale", "1000", "--seed", "x"], "--seed must be a whole number, got 'x'"),
        (["--scale", "1000", "--workers", "0"], "--workers must be 1 or more, got 0"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", *args)

    assert str(refused.value) == message
    assert table_counts() == {table: 0 for table in ALL_TABLES}


def database_url(db: dict) -> str:
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scale", ["-1", "abc"])
def test_bad_input_on_the_command_line_exits_non_zero_with_one_readable_line(scale):
    env = dict(
        os.environ,
        DATABASE_URL=database_url(settings.DATABASES["default"]),
        DATABASE_OWNER_URL=database_url(settings.DATABASES["owner"]),
    )

    finished = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "seed_demo", "--scale", scale],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )

    assert finished.returncode != 0
    assert finished.stdout == ""
    assert len(finished.stderr.strip().splitlines()) == 1
    assert "--scale must be" in finished.stderr
    assert table_counts() == {table: 0 for table in ALL_TABLES}
