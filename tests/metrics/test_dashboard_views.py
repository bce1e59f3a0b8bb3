"""The dashboard's views on small hand-computed fixtures, read as the roles that read them."""

from decimal import Decimal

import pytest
from django.db import ProgrammingError, connection, transaction

from hotdash.db_context import Role, acting_as
from metrics.services import materialized_view_refresh

pytestmark = pytest.mark.django_db

# The production report's four agents (section 13, "Quality Scores Calculated"): score, approval rate,
# edit rate, average latency.
REPORT_SCORES = {"data": 87.05, "marketing": 99.18, "support": 82.39, "engineer": 73.44}


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch(sql: str, params=None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def queries(agent: str, rows: list[tuple], created_at: str = "2026-11-20 10:00+00") -> None:
    """rows: (approved, human_edited, latency_ms) per query of `agent`."""
    for approved, edited, latency in rows:
        execute(
            "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms,"
            " created_at) VALUES ('q', '{}', 'conv', %s, %s, %s, %s, %s)",
            [agent, approved, edited, latency, created_at],
        )


def report_agents() -> None:
    # data: 9 of 10 approved, 2 of 10 edited, average 98 ms
    queries("data", [(True, i < 2, 98) for i in range(9)] + [(False, False, 98)])
    # marketing: 3 of 3 approved, none edited, average 41 ms
    queries("marketing", [(True, False, 30), (True, False, 41), (True, False, 52)])
    # support: 2 of 3 approved (67 %), none edited, average 47 ms
    queries("support", [(True, False, 40), (True, False, 47), (False, False, 54)])
    # engineer: 1 of 2 approved, none edited, average 78 ms
    queries("engineer", [(True, False, 70), (False, False, 86)])


def test_the_quality_score_reproduces_the_production_report_s_four_agents():
    with acting_as(Role.SERVICE):
        report_agents()

    with acting_as(Role.MONITORING):
        rows = {row["agent"]: row for row in fetch("SELECT * FROM v_agent_response_accuracy")}

    for agent, score in REPORT_SCORES.items():
        assert abs(float(rows[agent]["quality_score"]) - score) <= 0.05, (agent, rows[agent]["quality_score"])
    data = rows["data"]
    assert (data["day"].isoformat(), data["queries"], data["approval_rate_pct"], data["edit_rate_pct"]) == (
        "2026-11-20", 10, Decimal("90.00"), Decimal("20.00")
    )
    assert (rows["support"]["approval_rate_pct"], rows["support"]["avg_latency_ms"]) == (Decimal("66.67"), Decimal("47.0"))
    # nearest-rank percentiles of 30, 41, 52 ms
    assert [rows["marketing"][f"p{p}_latency_ms"] for p in (50, 95, 99)] == [41, 52, 52]


def test_an_agent_with_nothing_judged_has_no_quality_score():
    with acting_as(Role.SERVICE):
        queries("new", [(None, False, 100)])
    with acting_as(Role.QA):
        [row] = fetch("SELECT approval_rate_pct, quality_score FROM v_agent_response_accuracy")
    assert row == {"approval_rate_pct": None, "quality_score": None}


def test_health_follows_the_thresholds_of_the_snapshot_view():
    now = "now() - interval '10 minutes'"
    with acting_as(Role.SERVICE):
        for agent, rows in {
            # 9 of 10 approved, p95 500 ms
            "healthy": [(True, False, 500)] * 9 + [(False, False, 500)],
            # exactly 80 % approved, p95 999 ms: still healthy
            "edge": [(True, False, 999)] * 4 + [(False, False, 999)],
            # 7 of 10 approved
            "low-approval": [(True, False, 100)] * 7 + [(False, False, 100)] * 3,
            # p95 1000 ms
            "slow": [(True, False, 1000)] * 2,
            # 2 of 5 approved
            "failing": [(True, False, 100)] * 2 + [(False, False, 100)] * 3,
            # p95 2000 ms
            "very-slow": [(True, False, 2000)] * 2,
        }.items():
            for approved, edited, latency in rows:
                execute(
                    "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited,"  # noqa: S608
                    f" latency_ms, created_at) VALUES ('q', '{{}}', 'c', %s, %s, %s, %s, {now})",
                    [agent, approved, edited, latency],
                )
        # a day-old query counts in neither window
        queries("healthy", [(False, False, 9000)], created_at="2026-01-01 00:00+00")
        materialized_view_refresh("mv_agent_performance_realtime")

    with acting_as(Role.OPERATOR):
        health = {row["agent"]: row["health"] for row in fetch("SELECT agent, health FROM v_agent_performance_snapshot")}
        materialized = fetch("SELECT * FROM mv_agent_performance_realtime ORDER BY agent")
        live = fetch("SELECT * FROM v_agent_performance_snapshot ORDER BY agent")

    assert health == {
        "healthy": "healthy", "edge": "healthy", "low-approval": "warning", "slow": "warning",
        "failing": "degraded", "very-slow": "degraded",
    }
    assert materialized == live
    assert [(r["queries_last_hour"], r["queries_last_24h"]) for r in live if r["agent"] == "healthy"] == [(10, 10)]


def approval(status: str, created: str, decided: str | None = None) -> None:
    """created and decided: SQL expressions written by the tests below."""
    execute(
        "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status, approved_by,"  # noqa: S608
        f" decided_at, created_at) VALUES ('conv', '{{}}', '[{{\"agent\": \"support\"}}]', %s, %s,"
        f" {decided or 'NULL'}, {created})",
        [status, "op" if decided and status != "expired" else None],
    )


def test_sla_breaches_and_compliance_of_the_approval_queue():
    hour = "date_trunc('hour', now()) - interval '2 hours'"
    with acting_as(Role.SERVICE):
        approval("approved", hour, f"{hour} + interval '2 minutes'")  # within the SLA
        approval("approved", hour, f"{hour} + interval '5 minutes'")  # exactly 5 minutes: within
        approval("rejected", hour, f"{hour} + interval '10 minutes'")  # breach
        approval("expired", hour, f"{hour} + interval '24 hours'")  # breach (nobody decided)
        approval("pending", "now() - interval '10 minutes'")  # waiting past the SLA
        approval("pending", "now() - interval '1 minute'")

    with acting_as(Role.OPERATOR):
        status = {row["status"]: row for row in fetch("SELECT * FROM v_approval_queue_status")}
        [depth] = fetch(f"SELECT * FROM v_approval_queue_depth WHERE hour = {hour}")  # noqa: S608

    assert {name: row["sla_breaches"] for name, row in status.items()} == {
        "approved": 0, "rejected": 1, "expired": 1, "pending": 1
    }
    assert (status["pending"]["under_5_minutes"], status["pending"]["from_5_minutes_to_1_hour"]) == (1, 1)
    assert status["expired"]["over_24_hours"] == 1
    assert (depth["approved"], depth["rejected"], depth["expired"], depth["pending"]) == (2, 1, 1, 0)
    # 2 of the 4 settled approvals within 5 minutes; the people took 2, 5 and 10 minutes
    assert depth["sla_compliance_pct"] == Decimal("50.0")
    assert depth["avg_resolution_seconds"] == Decimal(str(round((120 + 300 + 600) / 3, 1)))

    # The API and the dashboard read the realtime materialized views: the same rows, as of their refresh.
    with acting_as(Role.SERVICE):
        materialized_view_refresh("mv_approval_queue_status")
        materialized_view_refresh("mv_approval_queue_depth")
    with acting_as(Role.OPERATOR):
        # (but a pending approval's wait, which grows with now(): read a moment apart)
        stored = fetch("SELECT * FROM mv_approval_queue_status")
        assert {row.pop("status"): row for row in stored if row.pop("longest_wait_seconds") >= 0} == {
            name: {key: value for key, value in row.items() if key not in ("status", "longest_wait_seconds")}
            for name, row in status.items()
        }
        assert fetch(f"SELECT * FROM mv_approval_queue_depth WHERE hour = {hour}") == [depth]  # noqa: S608


def test_tenants_read_no_aggregate_over_every_tenant():
    for view in ("mv_agent_performance_realtime", "mv_data_quality_report", "mv_approval_queue_depth",
                 "mv_approval_queue_status"):
        with acting_as(Role.TENANT, conversation_id="conv"), connection.cursor() as cursor:
            with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                cursor.execute(f"SELECT count(*) FROM {view}")  # noqa: S608 - fixed names


# One seed per data-quality rule that makes exactly that rule count one violation.
RULE_SEEDS = {
    "queries_blank_agent": "INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', 'c', ' ')",
    "queries_missing_latency": "INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', 'c', 'a')",
    "approvals_missing_agent": "INSERT INTO agent_approvals (conversation_id, serialized) VALUES ('c', '{}')",
    "feedback_missing_rubric": "INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send)"
    " VALUES ('c', 'q', 'a', true)",
    "queries_latency_out_of_range": "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms)"
    " VALUES ('q', '{}', 'c', 'a', 60001)",
    "feedback_rubric_out_of_range": "INSERT INTO agent_feedback (conversation_id, input_text, model_draft, rubric)"
    " VALUES ('c', 'q', 'a', '{\"clarity\": 6, \"tone\": 4}')",
    "qc_score_out_of_range": "WITH r AS (INSERT INTO agent_run (run_id, agent_name, started_at) VALUES ('r', 'a', now())"
    " RETURNING id) INSERT INTO agent_qc (run_id, check_name, passed, score) SELECT id, 'tone', true, 101 FROM r",
    "rows_created_in_the_future": "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms, created_at,"
    " updated_at) VALUES ('q', '{}', 'c', 'a', 1, now() + interval '1 hour', now() + interval '1 hour')",
    "queries_updated_before_created": "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms,"
    " updated_at) VALUES ('q', '{}', 'c', 'a', 1, now() - interval '1 second')",
    "approvals_updated_before_created": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions,"
    " updated_at) VALUES ('c', '{}', '[{\"agent\": \"a\"}]', now() - interval '1 second')",
    "decisions_without_decider": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status,"
    " decided_at) VALUES ('c', '{}', '[{\"agent\": \"a\"}]', 'approved', now())",
    "decisions_without_audit_row": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions,"
    " status, decided_at) VALUES ('c', '{}', '[{\"agent\": \"a\"}]', 'expired', now())",
    "pending_past_ttl": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, expires_at)"
    " VALUES ('c', '{}', '[{\"agent\": \"a\"}]', now() - interval '1 second')",
    "pending_past_sla": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, created_at,"
    " updated_at) VALUES ('c', '{}', '[{\"agent\": \"a\"}]', now() - interval '6 minutes', now())",
    "queries_stale": "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms, created_at,"
    " updated_at) VALUES ('q', '{}', 'c', 'a', 1, now() - interval '2 hours', now())",
    "duplicate_queries": "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms, created_at)"
    " VALUES ('q', '{}', 'c', 'a', 1, '2026-11-20 10:00+00'), ('q', '{}', 'c', 'a', 1, '2026-11-20 10:00+00')",
    "duplicate_sync_events": "INSERT INTO decision_sync_event_logs (decision_id, scope, status, created_at)"
    " VALUES ('d', 's', 'synced', '2026-11-20 10:00+00'), ('d', 's', 'synced', '2026-11-20 10:00+00')",
    "duplicate_run_call_ids": "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, call_id)"
    " VALUES ('c', '{}', '[{\"agent\": \"a\"}]', 'Call-1'), ('c', '{}', '[{\"agent\": \"a\"}]', ' call-1')",
}


def test_every_rule_of_the_five_dimensions_is_seeded_here_and_none_fires_on_an_empty_database():
    with acting_as(Role.SERVICE):
        rows = fetch("SELECT rule, dimension, severity, violations FROM v_data_quality_report")
    assert {row["rule"] for row in rows} == set(RULE_SEEDS)
    assert len(rows) >= 12
    assert {row["dimension"] for row in rows} == {"completeness", "accuracy", "consistency", "timeliness", "uniqueness"}
    assert {row["severity"] for row in rows} == {"warning", "critical"}
    assert [row for row in rows if row["violations"]] == []


@pytest.mark.parametrize("rule", sorted(RULE_SEEDS))
def test_each_data_quality_rule_fires_on_its_seed(rule):
    with acting_as(Role.SERVICE):
        execute(RULE_SEEDS[rule])
        counts = {row["rule"]: row["violations"] for row in fetch("SELECT rule, violations FROM v_data_quality_report")}
    assert counts[rule] == 1
