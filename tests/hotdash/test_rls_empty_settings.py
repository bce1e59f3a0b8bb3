"""An empty or missing tenant claim matches no row, and no row carries a blank tenant key.

A token without a `conversation` claim sets app.conversation_id to '' (a setting cannot be unset). Were a policy
to compare `conversation_id = ''`, a tenant token with only a project would read every approval stored with a
blank conversation id. Both halves are checked: the database refuses blank keys whoever writes them (the owner
included), and a row with a blank key written before that rule existed stays invisible to tenants.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from hotdash.db_context import Role, acting_as
from tests.api_client import Api, issue_token
from tests.conftest import owner_connect

# (table, tenant key column, INSERT of one row with the key %(key)s and every other key set)
TENANT_KEYS = [
    ("agent_approvals", "conversation_id", "INSERT INTO agent_approvals (conversation_id, serialized) VALUES (%(key)s, '{}')"),
    ("agent_feedback", "conversation_id",
     "INSERT INTO agent_feedback (conversation_id, input_text, model_draft) VALUES (%(key)s, 'q', 'a')"),
    ("support_curated_replies", "conversation_id",
     "INSERT INTO support_curated_replies (conversation_id, source_message_id, question, reply)"
     " VALUES (%(key)s, 'm-blank', 'q', 'r')"),
    ("agent_queries", "conversation_id",
     "INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', %(key)s, 'data')"),
    ("agent_run", "conversation_id",
     "INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at) VALUES ('r-blank', 'a', %(key)s, now())"),
    ("facts", "project", "INSERT INTO facts (project, topic, key, value) VALUES (%(key)s, 't', 'k', '1')"),
    ("decision_sync_event_logs", "scope",
     "INSERT INTO decision_sync_event_logs (decision_id, scope, status) VALUES ('d', %(key)s, 'ok')"),
    ("observability_logs", "project",
     "INSERT INTO observability_logs (level, message, project, scope) VALUES ('ERROR', 'x', %(key)s, 'ops')"),
    ("observability_logs", "scope",
     "INSERT INTO observability_logs (level, message, project, scope) VALUES ('ERROR', 'x', 'occ', %(key)s)"),
]
# What a tenant may read at all, with the claims that leave this table's tenant key empty.
TENANT_READABLE = {
    "agent_approvals": {"project": "occ", "scope": "ops"},
    "agent_feedback": {"project": "occ", "scope": "ops"},
    "agent_queries": {"project": "occ", "scope": "ops"},
    "agent_run": {"project": "occ", "scope": "ops"},
    "agent_qc": {"project": "occ", "scope": "ops"},
    "facts": {"scope": "ops", "conversation_id": "c-1"},
    "decision_sync_event_logs": {"project": "occ", "conversation_id": "c-1"},
    "observability_logs": {"conversation_id": "c-1"},
}


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column", "insert"), TENANT_KEYS, ids=lambda value: str(value)[:24])
def test_the_database_refuses_a_blank_tenant_key_even_from_the_owner(table, column, insert):
    with pytest.raises(psycopg.errors.CheckViolation, match=f"{table}_{column}_not_blank"), owner_connect() as owner:
        owner.execute(insert, {"key": ""})


@contextmanager
def blank_keys_stored():
    """Rows with blank tenant keys in every tenant table, as a database from before the CHECKs could hold.

    The CHECKs are dropped for the time of the test and put back exactly as they were (their definitions are
    read from the catalog); the rows go first, by TRUNCATE, since the logs refuse DELETE even to the owner.
    """
    with owner_connect(autocommit=True) as owner:
        checks = owner.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'c' AND conname LIKE '%%\\_not\\_blank'"
        ).fetchall()
        assert len(checks) == len(TENANT_KEYS)
        try:
            for table, name, _ in checks:
                owner.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for _, _, insert in TENANT_KEYS:
                owner.execute(insert.replace("'occ'", "''").replace("'ops'", "''"), {"key": ""})
            # A check belongs to its run's conversation: this one to the blank one.
            owner.execute("INSERT INTO agent_qc (run_id, check_name, passed) SELECT id, 'tone', true FROM agent_run")
            yield
        finally:
            tables = ", ".join(sorted({table for table, _, _ in checks}))
            owner.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for table, name, definition in checks:
                owner.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


@pytest.mark.django_db(transaction=True)
def test_a_tenant_whose_claim_is_empty_or_missing_reads_no_row_with_a_blank_key():
    with blank_keys_stored():
        # the rows are there (the platform sees them) ...
        with acting_as(Role.INGEST):
            assert {table: count(table) for table in TENANT_READABLE} == dict.fromkeys(TENANT_READABLE, 1) | {
                "observability_logs": 2
            }
        # ... and a tenant reads none of them, whether its claims are missing or set to ''
        for table, claims in TENANT_READABLE.items():
            with acting_as(Role.TENANT, **claims):
                assert count(table) == 0, f"a tenant with {claims} reads blank-keyed rows of {table}"
            with acting_as(Role.TENANT, project="", scope="", conversation_id=""):
                assert count(table) == 0, f"a tenant with empty claims reads blank-keyed rows of {table}"


@pytest.mark.django_db(transaction=True)
def test_a_project_token_lists_no_approval_stored_with_a_blank_conversation(live_server):
    with blank_keys_stored():
        tenant = Api(live_server.url, issue_token("--role", "tenant", "--project", "occ"))

        listed = tenant.get("/approvals/")

        assert listed.status_code == 200
        assert listed.json()["results"] == []
