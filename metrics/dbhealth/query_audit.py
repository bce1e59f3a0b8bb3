"""Section 5, query audit: EXPLAIN (ANALYZE, BUFFERS) of the named access patterns, as they really run.

Each query runs on the runtime role's connection under the capability role and tenant that runs it in
production (acting_as), so the plan includes that role's policies, inside a savepoint that is rolled back.
The tenant is a real one when the tables have rows (the most recent row's), else a placeholder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from psycopg import errors as pg_errors

from approvals.models import AgentApproval, ApprovalStatus
from feedback.models import AgentFeedback
from hotdash.db_context import Role, acting_as
from metrics.dbhealth.catalog import rows
from metrics.dbhealth.report import Level, Section
from metrics.dbhealth.tables import HOTSPOT_ROWS
from metrics.models import AgentQuery, Fact

NAME = "query_audit"
TITLE = "Query audit"

WARNING_MS, CRITICAL_MS = 50.0, 200.0  # the production report's thresholds
STATEMENT_TIMEOUT_MS = 10_000
PLACEHOLDER = "dbhealth-sample"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    role: Role
    tenant: Callable[[dict], dict]  # the sample values -> acting_as keywords
    sql: Callable[[dict], tuple[str, list]]  # the sample values -> (SQL, parameters)


def _queryset(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _week_ago():
    return timezone.now() - timedelta(days=7)


NAMED_QUERIES = [
    NamedQuery(
        "decision_sync_events by scope", Role.TENANT, lambda s: {"scope": s["scope"]},
        lambda s: ('SELECT * FROM decision_sync_events WHERE scope = %s ORDER BY "timestamp" DESC LIMIT 50', [s["scope"]]),
    ),
    NamedQuery(
        "facts by topic over 7 days", Role.TENANT, lambda s: {"project": s["project"]},
        lambda s: _queryset(Fact.objects.filter(topic=s["topic"], created_at__gte=_week_ago()).order_by("-created_at")[:50]),
    ),
    NamedQuery(
        "pending approvals by conversation", Role.TENANT, lambda s: {"conversation_id": s["conversation_id"]},
        lambda s: _queryset(
            AgentApproval.objects.filter(conversation_id=s["conversation_id"], status=ApprovalStatus.PENDING)
            .order_by("created_at")
        ),
    ),
    NamedQuery(
        "feedback by annotator", Role.ANNOTATOR, lambda s: {},
        lambda s: _queryset(AgentFeedback.objects.filter(annotator=s["annotator"]).order_by("-created_at")[:50]),
    ),
    NamedQuery(
        "queries per agent over 7 days", Role.MONITORING, lambda s: {},
        lambda s: _queryset(
            AgentQuery.objects.filter(created_at__gte=_week_ago()).values("agent").annotate(n=Count("id")).order_by("agent")
        ),
    ),
    NamedQuery(
        "dashboard: agent KPIs over 30 days", Role.MONITORING, lambda s: {},
        lambda s: ("SELECT * FROM v_agent_kpis WHERE day >= now() - interval '30 days' ORDER BY day DESC, agent_name", []),
    ),
    NamedQuery(
        "dashboard: daily agent metrics over 30 days", Role.MONITORING, lambda s: {},
        lambda s: (
            "SELECT * FROM mv_daily_agent_metrics WHERE day >= current_date - 30 ORDER BY day DESC, agent", []
        ),
    ),
    NamedQuery(
        "dashboard: agent performance snapshot", Role.MONITORING, lambda s: {},
        lambda s: ("SELECT * FROM mv_agent_performance_realtime ORDER BY agent", []),
    ),
    NamedQuery(
        "dashboard: approval queue depth over 24 hours", Role.OPERATOR, lambda s: {},
        lambda s: (
            "SELECT * FROM mv_approval_queue_depth"
            " WHERE hour >= date_trunc('hour', now(), 'UTC') - interval '24 hours' ORDER BY hour", []
        ),
    ),
    NamedQuery(
        "dashboard: data-quality violations", Role.MONITORING, lambda s: {},
        lambda s: ("SELECT * FROM mv_data_quality_report WHERE violations > 0 ORDER BY severity, rule", []),
    ),
    NamedQuery(
        "dashboard: metrics freshness", Role.MONITORING, lambda s: {},
        lambda s: (
            "SELECT DISTINCT ON (view) view, started_at, duration_ms FROM metrics_refreshes"
            " ORDER BY view, started_at DESC", []
        ),
    ),
]

# The most recent value of each tenant column, read through indexes on created_at.
_SAMPLES = {
    "scope": "SELECT scope FROM decision_sync_event_logs ORDER BY created_at DESC LIMIT 1",
    "project": "SELECT project FROM facts ORDER BY created_at DESC LIMIT 1",
    "topic": "SELECT topic FROM facts ORDER BY created_at DESC LIMIT 1",
    "conversation_id": "SELECT conversation_id FROM agent_approvals ORDER BY created_at DESC LIMIT 1",
    "annotator": "SELECT annotator FROM agent_feedback WHERE annotator IS NOT NULL ORDER BY created_at DESC LIMIT 1",
}


def samples() -> dict:
    with acting_as(Role.SERVICE):
        found = {}
        for key, sql in _SAMPLES.items():
            values = rows(sql)
            found[key] = values[0][key] if values and values[0][key] else PLACEHOLDER
        return found


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _describe(plan: dict) -> tuple[str, list[str], list[str]]:
    """(shape, indexes used, relations read by a sequential scan)."""
    shape, indexes, seq_scans = [], [], []
    for node in _nodes(plan):
        text = node["Node Type"]
        if "Index Name" in node:
            indexes.append(node["Index Name"])
            text += f" using {node['Index Name']}"
        elif "Relation Name" in node:
            text += f" on {node['Relation Name']}"
            if node["Node Type"] == "Seq Scan":
                seq_scans.append(node["Relation Name"])
        shape.append(text)
    return " > ".join(shape[:8]) + (" > ..." if len(shape) > 8 else ""), indexes, seq_scans


def _explain(query: NamedQuery, sample: dict) -> dict:
    sql, params = query.sql(sample)
    with transaction.atomic():
        with acting_as(query.role, **query.tenant(sample)), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(STATEMENT_TIMEOUT_MS)])
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            (document,) = cursor.fetchone()
        # Whatever the query did (nothing, for these reads) is undone with the savepoint.
        transaction.set_rollback(True)
    return (json.loads(document) if isinstance(document, str) else document)[0]


def section(queries: list[NamedQuery] | None = None) -> Section:
    result = Section(NAME, TITLE)
    sample = samples()
    big = {r["relname"] for r in rows(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND reltuples > %s", [HOTSPOT_ROWS]
    )}
    for query in NAMED_QUERIES if queries is None else queries:
        tenant = query.tenant(sample)
        who = query.role.short + "".join(f" {key}={value}" for key, value in tenant.items())
        try:
            explained = _explain(query, sample)
        except DatabaseError as error:
            cause = error.__cause__
            unpopulated = isinstance(cause, pg_errors.ObjectNotInPrerequisiteState)
            result.add(
                "explain", Level.WARNING if unpopulated else Level.CRITICAL, query.name,
                f"as {who}: {str(cause or error).strip().splitlines()[0]}",
                "refresh the materialized view (its scheduled job)" if unpopulated
                else "the query fails for the role that runs it: check its grants and policies",
            )
            continue
        elapsed = explained["Execution Time"]
        plan = explained["Plan"]
        shape, indexes, seq_scans = _describe(plan)
        buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        detail = (
            f"as {who}: {elapsed:.1f} ms (planning {explained.get('Planning Time', 0):.1f} ms), {plan.get('Actual Rows', 0)}"
            f" rows, {buffers} buffers; {shape}; index: {', '.join(dict.fromkeys(indexes)) or 'none'}"
        )
        level = Level.CRITICAL if elapsed > CRITICAL_MS else Level.WARNING if elapsed > WARNING_MS else Level.OK
        result.add(
            "explain analyze", level, query.name, detail,
            "" if level == Level.OK else "read the plan: an index on the filter and sort columns, or a narrower query",
        )
        big_scans = sorted(set(seq_scans) & big)
        if big_scans:
            result.add(
                "sequential scan", Level.WARNING, query.name,
                f"reads {', '.join(big_scans)} sequentially (over {HOTSPOT_ROWS} rows)",
                "index the columns this query filters on",
            )
    return result
