"""Rows in every backed-up table, and a hash of a table's whole content, for the retention tests."""

import os
import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from hotdash.db_context import Role, acting_as
from retention.tables import TABLES
from tests.conftest import database_url, owner_connect

# Values that COPY's text format must escape: tabs, newlines, backslashes, NULLs, arrays and JSON.
AWKWARD = "line one\nline two\twith a tab and a \\ backslash, \u00e9t\u00e9 \u2603"


def rows_seed(*, created_days_ago: int = 0) -> None:
    """Two rows in each table (as the service role), children pointing at their parents."""
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        at = timezone.now() - timedelta(days=created_days_ago)
        for n in range(2):
            cursor.execute(
                "INSERT INTO support_curated_replies (conversation_id, source_message_id, question, reply, tags,"
                " approved_at, created_at) VALUES (%s, %s, %s, 'r', ARRAY['a', 'b c'], now(), %s)",
                [f"conv-{n}", f"msg-{n}-{created_days_ago}", AWKWARD, at],
            )
            cursor.execute(
                "INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric,"
                " notes, meta, created_at) VALUES (%s, %s, 'draft', %s, ARRAY['x'], %s, NULL, %s, %s) RETURNING id",
                [f"conv-{n}", AWKWARD, n == 0, '{"tone": 4}', '{"model": "m", "nested": {"a": [1, null]}}', at],
            )
            (draft_id,) = cursor.fetchone()
            # The annotator's workbench: an annotation, QA sending it back, the rework, a lease and a skip.
            cursor.execute(
                "INSERT INTO feedback_annotations (feedback_id, annotator, safe_to_send, labels, rubric, notes,"
                " seconds_spent) VALUES (%s, 'ann', true, ARRAY['x'], '{\"tone\": 4}', %s, 12) RETURNING id",
                [draft_id, AWKWARD],
            )
            (annotation_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO annotation_reviews (feedback_id, annotation_id, annotator, reviewer, outcome, comment)"
                " VALUES (%s, %s, 'ann', 'quinn', 'sent_back', %s) RETURNING id",
                [draft_id, annotation_id, AWKWARD],
            )
            (review_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO annotation_rework (feedback_id, annotator, review_id, comment) VALUES (%s, 'ann', %s, %s)",
                [draft_id, review_id, AWKWARD],
            )
            cursor.execute(
                "INSERT INTO annotation_leases (feedback_id, holder, claimed_at, expires_at) VALUES (%s, 'ann', now(), now())",
                [draft_id],
            )
            cursor.execute("INSERT INTO annotation_skips (feedback_id, annotator) VALUES (%s, 'bob')", [draft_id])
            cursor.execute(
                "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status, approved_by,"
                " decided_at, created_at) VALUES (%s, %s, %s, 'approved', 'olga', now(), %s) RETURNING id",
                [f"conv-{n}", '{"state": "' + "x" * 50 + '"}', '[{"agent": "support", "tool_name": "issue_refund"}]', at],
            )
            (approval_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO approval_decisions (approval_id, outcome, decided_by, reason, via)"
                " VALUES (%s, 'approved', 'olga', %s, 'admin')",
                [approval_id, AWKWARD],
            )
            cursor.execute(
                "INSERT INTO approval_leases (approval_id, holder, expires_at) VALUES (%s, 'olga', now())", [approval_id]
            )
            cursor.execute(
                "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, latency_ms, created_at)"
                " VALUES (%s, '{\"rows\": 3}', %s, 'data', NULL, %s, %s)",
                [AWKWARD, f"conv-{n}", 50 + n, at],
            )
            cursor.execute(
                "INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at, cost_usd)"
                " VALUES (%s, 'support', %s, %s, 0.001234) RETURNING id",
                [f"run-{n}-{created_days_ago}", f"conv-{n}", at],
            )
            (run_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO agent_qc (run_id, check_name, passed, score) VALUES (%s, 'tone', true, 4.5)", [run_id]
            )
            cursor.execute(
                "INSERT INTO facts (project, topic, key, value, created_at) VALUES ('occ', 'sales', %s, '1', %s)",
                [f"k{n}", at],
            )
            cursor.execute(
                "INSERT INTO decision_sync_event_logs (decision_id, scope, status, created_at)"
                " VALUES (%s, 'ops', 'synced', %s)",
                [f"d{n}", at],
            )
            cursor.execute(
                "INSERT INTO observability_logs (level, message, created_at) VALUES ('INFO', %s, %s)", [AWKWARD, at]
            )


def table_digest(table: str) -> tuple[int, str]:
    """(rows, md5 over every column of every row in key order), read by the owner outside any test transaction."""
    key = next(spec.key for spec in TABLES if spec.name == table)
    with owner_connect() as owner:
        return owner.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.{key}), '')) FROM {table} t"  # noqa: S608 - fixed names
        ).fetchone()


def all_digests() -> dict[str, tuple[int, str]]:
    return {spec.name: table_digest(spec.name) for spec in TABLES}


def owner_execute(statement: str) -> None:
    with owner_connect(autocommit=True) as owner:
        owner.execute(statement)


def manage(*args: str, **extra_env) -> subprocess.CompletedProcess:
    """Run `python manage.py ...` in a process of its own against the test database, as production does."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(settings.DATABASES["default"]),
        DATABASE_OWNER_URL=database_url(settings.DATABASES["owner"]),
        HOTDASH_BACKUP_DIR=str(settings.HOTDASH_BACKUP_DIR),
        **extra_env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=120,
        cwd=settings.BASE_DIR,
    )
