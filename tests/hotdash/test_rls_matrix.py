"""Role × table × command × tenant: every cell of the access matrix, written down and checked.

Each cell runs as the runtime role hotdash_app after `acting_as(role, <tenant setting>=A)`:
- own:   the tenant is A, acting on A's row (or inserting a row for A);
- other: the tenant is A, acting on B's row (or inserting a row for B);
- none:  the role is set but no tenant setting at all, acting on A's row.
Outcomes: Y done (row seen / inserted / 1 row changed), N not visible (0 rows), R refused by a policy's
WITH CHECK, D permission denied by the grants, I refused by the append-only trigger.
"""

from dataclasses import dataclass

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg import errors as pg_errors

from hotdash.db_context import Role, acting_as

pytestmark = pytest.mark.django_db

A, B = "tenant-a", "tenant-b"


@dataclass(frozen=True)
class Table:
    name: str
    setting: str  # the acting_as keyword that carries the tenant
    insert: str  # INSERT of a new row for the tenant %(t)s
    update: str  # UPDATE of one column the most restricted writer may change, by id
    seed: str = ""  # INSERT of the row each tenant starts with, when it differs from `insert`
    key: str = "id"


TABLES = {
    "facts": Table(
        "facts", "project",
        "INSERT INTO facts (project, topic, key, value) VALUES (%(t)s, 'sales', 'k', '1')",
        "UPDATE facts SET value = value WHERE id = %(id)s",
    ),
    "decision_sync_event_logs": Table(
        "decision_sync_event_logs", "scope",
        "INSERT INTO decision_sync_event_logs (decision_id, scope, status) VALUES ('d', %(t)s, 'synced')",
        "UPDATE decision_sync_event_logs SET status = status WHERE id = %(id)s",
    ),
    "observability_logs": Table(
        "observability_logs", "project",
        "INSERT INTO observability_logs (level, message, project) VALUES ('ERROR', 'x', %(t)s)",
        "UPDATE observability_logs SET message = message WHERE id = %(id)s",
    ),
    "agent_approvals": Table(
        "agent_approvals", "conversation_id",
        "INSERT INTO agent_approvals (conversation_id, serialized) VALUES (%(t)s, '{}')",
        "UPDATE agent_approvals SET reason = 'checked' WHERE id = %(id)s",
    ),
    "agent_feedback": Table(
        "agent_feedback", "conversation_id",
        "INSERT INTO agent_feedback (conversation_id, input_text, model_draft) VALUES (%(t)s, 'q', 'a')",
        "UPDATE agent_feedback SET notes = 'checked' WHERE id = %(id)s",
    ),
    "agent_queries": Table(
        "agent_queries", "conversation_id",
        "INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', %(t)s, 'data')",
        "UPDATE agent_queries SET human_edited = true WHERE id = %(id)s",
    ),
    "support_curated_replies": Table(
        "support_curated_replies", "conversation_id",
        "INSERT INTO support_curated_replies (conversation_id, source_message_id, question, reply)"
        " VALUES (%(t)s, 'new-' || %(t)s, 'q', 'r')",
        "UPDATE support_curated_replies SET tags = tags WHERE id = %(id)s",
        seed="INSERT INTO support_curated_replies (conversation_id, source_message_id, question, reply)"
        " VALUES (%(t)s, 'seed-' || %(t)s, 'q', 'r')",
    ),
    "training_exports": Table(
        "training_exports", "conversation_id",
        "INSERT INTO training_exports (format, requested_by) VALUES ('jsonl', %(t)s)",
        "UPDATE training_exports SET status = status WHERE id = %(id)s",
    ),
    "agent_run": Table(
        "agent_run", "conversation_id",
        "INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at) VALUES ('new-' || %(t)s, 'a', %(t)s, now())",
        "UPDATE agent_run SET resolved = true WHERE id = %(id)s",
        seed="INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at) VALUES ('seed-' || %(t)s, 'a', %(t)s, now())",
    ),
    "agent_qc": Table(
        "agent_qc", "conversation_id",
        "INSERT INTO agent_qc (run_id, check_name, passed)"
        " SELECT id, 'new-check', true FROM agent_run WHERE run_id = 'qc-' || %(t)s",
        "UPDATE agent_qc SET notes = 'checked' WHERE id = %(id)s",
        seed="INSERT INTO agent_qc (run_id, check_name, passed)"
        " SELECT id, 'seed-check', true FROM agent_run WHERE run_id = 'qc-' || %(t)s",
    ),
    "approval_decisions": Table(
        "approval_decisions", "conversation_id",
        "INSERT INTO approval_decisions (approval_id, outcome, decided_by, via)"
        " SELECT id, 'approved', 'olga', 'api' FROM agent_approvals WHERE call_id = 'fresh-' || %(t)s",
        "UPDATE approval_decisions SET reason = reason WHERE id = %(id)s",
        seed="INSERT INTO approval_decisions (approval_id, outcome, decided_by, via)"
        " SELECT id, 'approved', 'olga', 'api' FROM agent_approvals WHERE call_id = 'audited-' || %(t)s",
    ),
    "approval_leases": Table(
        "approval_leases", "conversation_id",
        "INSERT INTO approval_leases (approval_id, holder, expires_at)"
        " SELECT id, 'olga', now() FROM agent_approvals WHERE call_id = 'fresh-' || %(t)s",
        "UPDATE approval_leases SET holder = holder WHERE approval_id = %(id)s",
        seed="INSERT INTO approval_leases (approval_id, holder, expires_at)"
        " SELECT id, 'olga', now() FROM agent_approvals WHERE call_id = 'leased-' || %(t)s",
        key="approval_id",
    ),
    # Annotations, QA's reviews and annotation leases belong to a person: the setting is the console user.
    "feedback_annotations": Table(
        "feedback_annotations", "user",
        "INSERT INTO feedback_annotations (feedback_id, annotator, safe_to_send, rubric, seconds_spent)"
        " SELECT id, %(t)s, true, '{}', 1 FROM agent_feedback WHERE conversation_id = %(t)s",
        "UPDATE feedback_annotations SET notes = 'checked' WHERE id = %(id)s",
    ),
    "annotation_reviews": Table(
        "annotation_reviews", "user",
        "INSERT INTO annotation_reviews (feedback_id, annotator, reviewer, outcome)"
        " SELECT id, %(t)s, %(t)s, 'accepted' FROM agent_feedback WHERE conversation_id = %(t)s",
        "UPDATE annotation_reviews SET comment = 'checked' WHERE id = %(id)s",
    ),
    "annotation_leases": Table(
        "annotation_leases", "user",
        "INSERT INTO annotation_leases (feedback_id, holder, claimed_at, expires_at)"
        " SELECT id, %(t)s, now(), now() + interval '1 hour' FROM agent_feedback WHERE conversation_id = 'fresh-' || %(t)s",
        "UPDATE annotation_leases SET holder = holder WHERE feedback_id = %(id)s",
        seed="INSERT INTO annotation_leases (feedback_id, holder, claimed_at, expires_at)"
        " SELECT id, %(t)s, now(), now() + interval '1 hour' FROM agent_feedback WHERE conversation_id = 'leased-' || %(t)s",
        key="feedback_id",
    ),
    # Database health reports describe the whole database: no tenant column, the setting changes nothing.
    "dbhealth_reports": Table(
        "dbhealth_reports", "project",
        "INSERT INTO dbhealth_reports (generated_at, database, ok, warning, critical, report)"
        " VALUES (now(), %(t)s, 1, 0, 0, '{}')",
        "UPDATE dbhealth_reports SET ok = ok WHERE id = %(id)s",
    ),
    # Retention policies and runs hold no tenant data: the setting is set and ignored.
    "retention_policies": Table(
        "retention_policies", "project",
        "INSERT INTO retention_policies (\"table\", keep_days)"
        " VALUES (CASE WHEN %(t)s = 'tenant-a' THEN 'agent_feedback' ELSE 'agent_queries' END, 30)"
        " ON CONFLICT (\"table\") DO UPDATE SET keep_days = EXCLUDED.keep_days",
        "UPDATE retention_policies SET notes = 'checked' WHERE id = %(id)s",
        seed="INSERT INTO retention_policies (\"table\", keep_days)"
        " VALUES (CASE WHEN %(t)s = 'tenant-a' THEN 'observability_logs' ELSE 'decision_sync_event_logs' END, 30)"
        " ON CONFLICT (\"table\") DO UPDATE SET keep_days = EXCLUDED.keep_days",
    ),
    "retention_runs": Table(
        "retention_runs", "project",
        "INSERT INTO retention_runs (kind, started_by) VALUES ('backup', %(t)s)",
        "UPDATE retention_runs SET error = 'checked' WHERE id = %(id)s",
    ),
    "retention_purge_requests": Table(
        "retention_purge_requests", "project",
        "INSERT INTO retention_purge_requests (conversation_id, reason, requested_by) VALUES (%(t)s, 'erasure', 'olga')",
        # A second operator's decision: the one update operators may make.
        "UPDATE retention_purge_requests SET status = 'rejected', decided_by = 'omar', decided_at = now()"
        " WHERE id = %(id)s",
    ),
}

# (role, table): (SELECT, INSERT, UPDATE, DELETE), each as the outcomes for (own, other, none).
NO_ACCESS = ("DDD", "DDD", "DDD", "DDD")
READ_ALL = ("YYY", "DDD", "DDD", "DDD")
READ_AND_APPEND = ("YYY", "YYY", "DDD", "DDD")
EVERYTHING = ("YYY", "YYY", "YYY", "YYY")
MATRIX: dict[tuple[Role, str], tuple[str, str, str, str]] = {
    # The service role: the scheduled jobs and commands see and change everything.
    **{(Role.SERVICE, table): EVERYTHING for table in TABLES},
    # The agent platform: writes what its agents produce for every tenant and reads it back; changes nothing,
    # so it decides no approval (the UPDATE of an approval above sets a decision column) and judges nothing.
    **{
        (Role.INGEST, t): READ_AND_APPEND
        for t in ("agent_approvals", "agent_feedback", "agent_queries", "facts", "decision_sync_event_logs",
                  "observability_logs", "agent_run", "agent_qc")
    },
    # A stored health report is never changed; retention deletes old ones.
    (Role.SERVICE, "dbhealth_reports"): ("YYY", "YYY", "DDD", "YYY"),
    # Operators: the whole approval queue and query log; they change decision / judgement columns only,
    # write the audit row of their decisions (never change it) and keep leases on what they have open.
    (Role.OPERATOR, "approval_decisions"): ("YYY", "YYY", "DDD", "DDD"),
    (Role.OPERATOR, "approval_leases"): EVERYTHING,
    (Role.OPERATOR, "agent_approvals"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.OPERATOR, "agent_queries"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.OPERATOR, "decision_sync_event_logs"): READ_ALL,
    # Operators change the numbers of the retention policies and read the runs.
    (Role.OPERATOR, "retention_policies"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.OPERATOR, "retention_runs"): READ_ALL,
    (Role.OPERATOR, "retention_purge_requests"): ("YYY", "YYY", "YYY", "DDD"),
    # Annotators: every draft (annotation columns only) and the gold set, which they extend.
    (Role.ANNOTATOR, "agent_feedback"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.ANNOTATOR, "support_curated_replies"): ("YYY", "YYY", "DDD", "DDD"),
    # Annotators insert and read their own annotations, never change one (append-only, no grant); they read the
    # reviews of their own work; they hold leases in their own name and release only their own.
    (Role.ANNOTATOR, "feedback_annotations"): ("YNN", "YRR", "DDD", "DDD"),
    (Role.ANNOTATOR, "annotation_reviews"): ("YNN", "DDD", "DDD", "DDD"),
    (Role.ANNOTATOR, "annotation_leases"): ("YYY", "YRR", "YNN", "YNN"),
    # QA reads drafts, the gold set, queries, runs and checks; it adjudicates (writes a draft's final values),
    # reads every annotation and writes reviews in its own name, which nobody changes.
    **{(Role.QA, t): READ_ALL for t in ("support_curated_replies", "agent_queries", "agent_run", "agent_qc")},
    (Role.QA, "agent_feedback"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.QA, "feedback_annotations"): READ_ALL,
    (Role.QA, "annotation_reviews"): ("YYY", "YRR", "DDD", "DDD"),
    # Who may read training data (QA, the AI read-only role, supervisors through QA) requests exports and
    # follows them; the service runs them.
    **{(role, "training_exports"): ("YYY", "YYY", "DDD", "DDD") for role in (Role.QA, Role.AI_READONLY, Role.SUPERVISOR)},
    # Monitoring reads queries, every project's facts, telemetry, logs, runs and checks, and the database health
    # reports.
    **{
        (Role.MONITORING, t): READ_ALL
        for t in (
            "agent_queries", "facts", "decision_sync_event_logs", "observability_logs", "agent_run", "agent_qc",
            "dbhealth_reports", "retention_policies", "retention_runs", "retention_purge_requests", "agent_feedback",
        )
    },
    # The AI read-only role reads facts across projects, nothing else.
    (Role.AI_READONLY, "facts"): READ_ALL,
    # A tenant: its own rows only; it writes facts and telemetry into its own project / scope only.
    (Role.TENANT, "facts"): ("YNN", "YRR", "DDD", "DDD"),
    (Role.TENANT, "decision_sync_event_logs"): ("YNN", "YRR", "DDD", "DDD"),
    # Log lines: those of its own project (not by request id, not every tenant's INFO and WARN).
    (Role.TENANT, "observability_logs"): ("YNN", "DDD", "DDD", "DDD"),
    **{
        (Role.TENANT, t): ("YNN", "DDD", "DDD", "DDD")
        for t in ("agent_approvals", "agent_feedback", "agent_queries", "agent_run", "agent_qc")
    },
    # Superusers act as operator and QA together, never as a bypass.
    (Role.SUPERVISOR, "approval_decisions"): ("YYY", "YYY", "DDD", "DDD"),
    (Role.SUPERVISOR, "approval_leases"): EVERYTHING,
    (Role.SUPERVISOR, "agent_approvals"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.SUPERVISOR, "agent_queries"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.SUPERVISOR, "decision_sync_event_logs"): READ_ALL,
    **{
        (Role.SUPERVISOR, t): READ_ALL
        for t in ("support_curated_replies", "agent_run", "agent_qc", "dbhealth_reports", "feedback_annotations")
    },
    (Role.SUPERVISOR, "agent_feedback"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.SUPERVISOR, "annotation_reviews"): ("YYY", "YRR", "DDD", "DDD"),
    (Role.SUPERVISOR, "retention_policies"): ("YYY", "DDD", "YYY", "DDD"),
    (Role.SUPERVISOR, "retention_runs"): READ_ALL,
    (Role.SUPERVISOR, "retention_purge_requests"): ("YYY", "YYY", "YYY", "DDD"),
}
COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")
CELLS = ("own", "other", "none")


def expected(role: Role, table: str) -> dict[tuple[str, str], str]:
    outcomes = MATRIX.get((role, table), NO_ACCESS)
    return {(command, cell): outcomes[i][j] for i, command in enumerate(COMMANDS) for j, cell in enumerate(CELLS)}


def seed_rows() -> dict[str, dict[str, int]]:
    """One row for tenant A and one for tenant B in every table, written by the service; returns their ids."""
    ids: dict[str, dict[str, int]] = {}
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        for tenant in (A, B):
            # The runs that agent_qc rows hang on (a check belongs to its run's conversation), and the
            # approvals that audit rows and leases hang on.
            cursor.execute(
                "INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at) VALUES (%s, 'a', %s, now())",
                ["qc-" + tenant, tenant],
            )
            for purpose in ("fresh", "audited", "leased"):
                cursor.execute(
                    "INSERT INTO agent_approvals (conversation_id, serialized, call_id) VALUES (%s, '{}', %s)",
                    [tenant, f"{purpose}-{tenant}"],
                )
            # The drafts annotation leases are taken on.
            for purpose in ("fresh", "leased"):
                cursor.execute(
                    "INSERT INTO agent_feedback (conversation_id, input_text, model_draft) VALUES (%s, 'q', 'a')",
                    [f"{purpose}-{tenant}"],
                )
        for table in TABLES.values():
            for tenant in (A, B):
                cursor.execute((table.seed or table.insert) + f" RETURNING {table.key}", {"t": tenant})
                ids.setdefault(table.name, {})[tenant] = cursor.fetchone()[0]
    return ids


def outcome(role: Role, tenant_settings: dict, sql: str, params: dict, command: str) -> str:
    """Run one statement as `role`; report what happened, then undo it."""
    try:
        with transaction.atomic():
            with acting_as(role, **tenant_settings), connection.cursor() as cursor:
                cursor.execute(sql, params)
                changed = cursor.fetchone()[0] if command == "SELECT" else cursor.rowcount
            transaction.set_rollback(True)
    except DatabaseError as exc:
        cause = exc.__cause__
        if isinstance(cause, pg_errors.InsufficientPrivilege):
            return "R" if "row-level security" in str(cause) else "D"
        if isinstance(cause, pg_errors.RestrictViolation):
            return "I"
        raise
    return "Y" if changed == 1 else "N" if changed == 0 else f"?{changed}"


def observed(role: Role, table: Table, ids: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    results = {}
    for cell in CELLS:
        settings = {} if cell == "none" else {table.setting: A}
        target = B if cell == "other" else A
        row = {"id": ids[table.name][target], "t": target}
        statements = {
            "SELECT": f"SELECT count(*) FROM {table.name} WHERE {table.key} = %(id)s",  # noqa: S608 - fixed names
            "INSERT": table.insert,
            "UPDATE": table.update,
            "DELETE": f"DELETE FROM {table.name} WHERE {table.key} = %(id)s",  # noqa: S608 - fixed names
        }
        for command, sql in statements.items():
            results[(command, cell)] = outcome(role, settings, sql, row, command)
    return results


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.value), ids=lambda r: r.short)
def test_access_matrix(role, table):
    ids = seed_rows()

    assert observed(role, TABLES[table], ids) == expected(role, table)


def test_the_matrix_names_only_real_roles_and_tables():
    assert {role for role, _ in MATRIX} <= set(Role)
    assert {table for _, table in MATRIX} <= set(TABLES)


def test_a_requester_cannot_start_an_export_past_queued_or_point_it_at_a_file():
    # The download endpoint serves file_path: only the service that runs an export may set it.
    for column, sql in [
        ("status", "INSERT INTO training_exports (format, requested_by, status) VALUES ('jsonl', 'qa', 'succeeded')"),
        ("file_path", "INSERT INTO training_exports (format, requested_by, file_path) VALUES ('jsonl', 'qa', '/etc/passwd')"),
        ("manifest", "INSERT INTO training_exports (format, requested_by, manifest) VALUES ('jsonl', 'qa', '{\"rows\": 1}')"),
        ("error", "INSERT INTO training_exports (format, requested_by, error) VALUES ('jsonl', 'qa', 'none')"),
    ]:
        assert outcome(Role.QA, {}, sql, {}, "INSERT") == "R", column
