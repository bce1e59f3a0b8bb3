"""Invariants of the security model, checked on the live schema through the runtime connection.

A table added later without row-level security, a runtime role that drifted into a superuser, or a
materialized view a tenant could read fails here, whatever the reason.
"""

import re

import pytest
from django.db import ProgrammingError, connection, transaction

from hotdash.db_context import Role, acting_as
from hotdash.framework_grants import domain_tables, framework_tables

pytestmark = pytest.mark.django_db

DOMAIN_TABLES = set(domain_tables())
# How PostgreSQL prints `(SELECT NULLIF(current_setting('app.x', true), ''))` back from a policy.
SETTING_READ_ONCE_EMPTY_MATCHES_NOTHING = re.compile(
    r"\( SELECT NULLIF\(current_setting\('app\.\w+'::text, true\), ''::text\) AS \"nullif\"\)"
)
# Roles that may read every tenant's agent queries, and so the aggregates computed from them.
ALL_TENANT_READERS = {Role.SERVICE, Role.OPERATOR, Role.QA, Role.MONITORING, Role.SUPERVISOR}


def fetchall(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def application_tables() -> set[str]:
    """Every ordinary or partitioned table in the schema that is not one of Django's own."""
    rows = fetchall(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
    )
    return {name for (name,) in rows} - set(framework_tables()) - {"django_migrations"}


def test_the_suite_connects_as_the_runtime_role():
    assert fetchall("SELECT session_user, current_user") == [("hotdash_app", "hotdash_app")]


def test_the_runtime_role_is_no_superuser_bypasses_nothing_inherits_nothing_and_owns_nothing():
    assert fetchall(
        "SELECT rolsuper, rolbypassrls, rolinherit, rolcanlogin, rolcreaterole, rolcreatedb"
        " FROM pg_roles WHERE rolname = 'hotdash_app'"
    ) == [(False, False, False, True, False, False)]
    owned = fetchall(
        "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'hotdash_app'"
    )
    assert owned == []


def test_capability_roles_cannot_log_in_and_bypass_nothing():
    rows = fetchall(
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
        [[role.value for role in Role]],
    )
    assert rows == [(role.value, False, False, False) for role in sorted(Role, key=lambda r: r.value)]


def test_every_application_table_has_row_level_security_enabled_and_forced():
    tables = application_tables()
    assert DOMAIN_TABLES <= tables  # the check below is not vacuous

    rows = fetchall(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relname = ANY(%s)",
        [sorted(tables)],
    )
    missing = sorted(name for name, enabled, forced in rows if not (enabled and forced))
    assert missing == [], f"tables without ENABLE + FORCE ROW LEVEL SECURITY: {missing}"


def test_every_application_table_has_a_policy_for_the_service_role():
    # Retention, backup and restore run as the service: a table it cannot see is a table they skip.
    rows = fetchall(
        "SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = 'public' AND 'hotdash_service' = ANY(roles)"
    )
    assert application_tables() - {name for (name,) in rows} == set()


def test_every_policy_reads_tenant_settings_once_per_statement_and_an_empty_one_matches_nothing():
    # current_setting() must sit in a sub-select (an InitPlan), never be evaluated row by row; and inside
    # NULLIF(..., ''), since a claim missing from a token is set as '' and must not match a blank column.
    rows = fetchall(
        "SELECT policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_policies"
        " WHERE schemaname = 'public' AND (qual LIKE '%%current_setting%%' OR with_check LIKE '%%current_setting%%')"
    )
    assert len(rows) >= 9
    for name, expression in rows:
        bare = SETTING_READ_ONCE_EMPTY_MATCHES_NOTHING.sub("", expression)
        assert "current_setting(" not in bare, f"{name} reads a setting per row or without NULLIF: {expression}"


def test_the_agent_platform_role_changes_and_deletes_nothing_and_is_no_other_role():
    # ingest decides nothing: no UPDATE (on any column), DELETE or TRUNCATE of any domain table.
    for table in sorted(DOMAIN_TABLES):
        held = fetchall(
            "SELECT has_any_column_privilege('hotdash_ingest', %s, 'UPDATE'),"
            " has_table_privilege('hotdash_ingest', %s, 'DELETE'), has_table_privilege('hotdash_ingest', %s, 'TRUNCATE')",
            [table, table, table],
        )
        assert held == [(False, False, False)], f"hotdash_ingest may change {table}"
    memberships = fetchall(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
        " WHERE m.member = 'hotdash_ingest'::regrole"
    )
    assert memberships == []


def test_every_view_runs_with_the_reader_s_privileges():
    # A view without security_invoker reads as its owner, past every policy of the reader.
    rows = fetchall(
        "SELECT relname, coalesce(reloptions, '{}') FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind = 'v'"
    )
    assert {"decision_sync_events", "v_agent_kpis"} <= {name for name, _ in rows}
    assert [name for name, options in rows if "security_invoker=true" not in options] == []


def test_materialized_views_are_readable_only_by_roles_that_see_every_tenant():
    views = [name for (name,) in fetchall("SELECT matviewname FROM pg_matviews WHERE schemaname = 'public'")]
    assert "mv_daily_agent_metrics" in views
    for view in views:
        readers = {
            role
            for role in Role
            if fetchall("SELECT has_table_privilege(%s, %s, 'SELECT')", [role.value, view])[0][0]
        }
        assert readers <= ALL_TENANT_READERS, f"{view} is readable by {readers - ALL_TENANT_READERS}"
        assert fetchall("SELECT has_table_privilege('hotdash_app', %s, 'SELECT')", [view]) == [(False,)]


@pytest.mark.parametrize("table", sorted(DOMAIN_TABLES | {"decision_sync_events", "v_agent_kpis", "mv_daily_agent_metrics"}))
def test_fail_closed_no_role_and_no_tenant_reads_nothing(table):
    # given a transaction that set no role and no tenant
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names


# The tables a tenant may read at all (rows of its own); the others refuse it outright (see the matrix).
@pytest.mark.parametrize(
    "table",
    sorted(
        DOMAIN_TABLES
        - {"support_curated_replies", "approval_decisions", "approval_leases", "dbhealth_reports", "retention_policies",
           "retention_runs", "retention_purge_requests", "retention_lease", "training_exports"}
        # aggregates over every tenant and job timings: no tenant reads them at all
        - {"agent_daily_metrics", "metrics_refreshes"}
        # The annotator's workbench: people's own work and the vocabulary, no tenant's.
        - {"feedback_annotations", "annotation_reviews", "annotation_leases", "annotation_rework",
           "annotation_labels", "annotation_overlap", "annotation_skips"}
        # ... and the aggregates its triggers keep: QA's, monitoring's and the annotators' own, no tenant's.
        - {"annotation_work_daily", "annotation_quality_daily", "annotation_labels_daily", "annotation_agreement_units",
           "annotation_agreement_coincidences", "annotation_agreement_labels", "annotation_agreement_pairs"}
        # drafts redacted ahead of exports: the service role's alone
        - {"feedback_redactions"}
    ),
)
def test_fail_closed_a_tenant_without_tenant_settings_reads_no_row(table):
    # given rows in every table, written by the service
    with acting_as(Role.SERVICE):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO agent_run (run_id, agent_name, conversation_id, started_at) VALUES ('r1', 'a', 'c1', now());"
                "INSERT INTO agent_qc (run_id, check_name, passed, created_at) SELECT id, 'tone', true, now() FROM agent_run;"
                "INSERT INTO agent_approvals (conversation_id, serialized) VALUES ('c1', '{}');"
                "INSERT INTO agent_feedback (conversation_id, input_text, model_draft) VALUES ('c1', 'q', 'a');"
                "INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', 'c1', 'data');"
                "INSERT INTO facts (project, topic, key, value) VALUES ('occ', 't', 'k', '1');"
                "INSERT INTO decision_sync_event_logs (decision_id, scope, status) VALUES ('d', 'ops', 'ok');"
                "INSERT INTO observability_logs (level, message, project, scope, request_id)"
                " VALUES ('INFO', 'boom', 'occ', 'ops', 'req-1')"
            )
    # when a tenant reads with none of its settings given, then it sees nothing
    with acting_as(Role.TENANT):
        assert fetchall(f"SELECT count(*) FROM {table}") == [(0,)]  # noqa: S608 - fixed table names
