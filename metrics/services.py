"""Writes on the metrics tables.

Operators hold UPDATE on agent_queries(approved, human_edited) only (metrics/sql/0003_row_level_security.sql):
every save here names its columns, since a plain save() writes all of them and the database refuses it.
"""

import json
import time
from datetime import UTC, datetime
from datetime import time as clock

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from hotdash.db_context import Role, current_context
from hotdash.errors import Forbidden, Invalid
from metrics.dbhealth.report import Level
from metrics.models import (
    AgentQuery,
    DbHealthReport,
    DecisionSyncEventLog,
    Fact,
    LogLevel,
    MetricsRefresh,
    ObservabilityLog,
)
from metrics.realtime import performance_alert_publish

# The columns a judgement writes: exactly the operator's UPDATE grant (updated_at is kept by a trigger).
JUDGEMENT_FIELDS = ["approved", "human_edited"]


def observability_log_create(
    *,
    level: str,
    message: str,
    project: str | None = None,
    scope: str | None = None,
    request_id: str | None = None,
    client_request_id: str | None = None,
    metadata: dict | None = None,
) -> ObservabilityLog:
    """Append one log line, of a tenant (project and/or scope) or of nobody's (seen only by all-tenant roles).

    Levels outside LogLevel are refused here and by the table's CHECK; a blank project or scope by its CHECKs.
    """
    if level not in LogLevel.values:
        raise ValueError(f"level must be one of {', '.join(LogLevel.values)}, not {level!r}")
    return ObservabilityLog.objects.create(
        level=level,
        message=message,
        project=project,
        scope=scope,
        request_id=request_id,
        client_request_id=client_request_id,
        metadata=metadata or {},
    )


@transaction.atomic
def fact_create(*, topic: str, key: str, value, project: str | None = None) -> Fact:
    """Append one analytics fact to `project`, by default the project the caller acts for.

    A tenant writes facts of its own project only: another project is Forbidden here, before the database's
    policy would refuse it too. Raises Invalid when no project is given and the caller acts for none.
    """
    context = current_context()
    if context is not None and context.role is Role.TENANT:
        if not context.project:
            raise Forbidden("a tenant writes facts of its own project only, and this tenant acts for no project")
        if project and project != context.project:
            raise Forbidden(f"a tenant writes facts of its own project only: {context.project!r}, not {project!r}")
        project = context.project
    if not project:
        raise Invalid("project", "This field is required for a caller that acts for no project.")
    return Fact.objects.create(project=project, topic=topic, key=key, value=value)


# The most queries one POST /api/v1/queries/ takes.
QUERY_BATCH_LIMIT = 1000


# The columns a batch of agent queries writes, in the order of _QUERIES_INSERT's arrays.
QUERY_INGEST_FIELDS = ("query", "result", "conversation_id", "agent", "approved", "human_edited", "latency_ms")
# One statement for the whole batch, with seven array parameters whatever its size: bulk_create's multi-row VALUES
# (nine parameters a row, each prepared by its model field) cost more than the insert itself. Rows go in the
# batch's order (WITH ORDINALITY), so their identity ids increase with it. An INSERT, not COPY: PostgreSQL
# refuses COPY FROM under row-level security, and the ingest role's policy must check every row.
_QUERIES_INSERT = """
    INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms)
    SELECT q, r::jsonb, c, a, ap, he, l
    FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::boolean[], %b::boolean[], %b::integer[])
         WITH ORDINALITY AS batch(q, r, c, a, ap, he, l, n)
    ORDER BY n
    RETURNING id, created_at
"""


@transaction.atomic
def agent_queries_ingest(items: list[dict]) -> list[dict]:
    """Append a batch of validated agent queries in one statement: all of them, or (on any error) none.

    Each item holds the fields of QUERY_INGEST_FIELDS (approved, human_edited and latency_ms may be left out:
    NULL, false, NULL). Returns the stored queries, in the batch's order, as dicts of those fields plus `id` and
    `created_at`.
    """
    if len(items) > QUERY_BATCH_LIMIT:
        raise Invalid("queries", f"A batch holds at most {QUERY_BATCH_LIMIT} queries, not {len(items)}.")
    if not items:
        return []
    rows = [
        {
            "query": item["query"],
            "result": item["result"],
            "conversation_id": item["conversation_id"],
            "agent": item["agent"],
            "approved": item.get("approved"),
            "human_edited": item.get("human_edited", False),
            "latency_ms": item.get("latency_ms"),
        }
        for item in items
    ]
    columns = [[row[name] for row in rows] for name in QUERY_INGEST_FIELDS]
    columns[1] = [json.dumps(value) for value in columns[1]]
    connection.ensure_connection()
    # A server-side-binding cursor on Django's connection (same transaction, role and tenant settings): Django's
    # own cursor binds on the client, quoting every array element into the SQL text, which cost as much again.
    # Its errors are wrapped as Django's (a policy's refusal is then the API's 403, not a 500).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_QUERIES_INSERT, columns, binary=True)
        stored = sorted(cursor.fetchall())
    for row, (pk, created_at) in zip(rows, stored, strict=True):
        row["id"], row["created_at"] = pk, created_at
    return rows


@transaction.atomic
def decision_sync_event_create(
    *, decision_id: str, status: str, payload=None, duration_ms: int | None = None, scope: str | None = None
) -> DecisionSyncEventLog:
    """Append one decision telemetry event to `scope`, by default the scope the caller acts for.

    A tenant writes into its own scope only: another scope is Forbidden here, before the database's policy
    would refuse it too. Raises Invalid when no scope is given and the caller acts for none.
    """
    context = current_context()
    if context is not None and context.role is Role.TENANT:
        if not context.scope:
            raise Forbidden("a tenant writes events of its own scope only, and this tenant acts for no scope")
        if scope and scope != context.scope:
            raise Forbidden(f"a tenant writes events of its own scope only: {context.scope!r}, not {scope!r}")
        scope = context.scope
    if not scope:
        raise Invalid("scope", "This field is required for a caller that acts for no scope.")
    return DecisionSyncEventLog.objects.create(
        decision_id=decision_id, scope=scope, status=status, payload=payload or {}, duration_ms=duration_ms
    )


@transaction.atomic
def agent_query_judge(*, query: AgentQuery, approved: bool | None, human_edited: bool) -> AgentQuery:
    """Record an operator's judgement of an agent query: was the answer approved, did a human edit it?

    approved=None withdraws a judgement (the query counts as not judged in the approval-rate metrics).
    Raises ValidationError, writing nothing, when a value is not a boolean.
    """
    errors = {}
    if approved is not None and not isinstance(approved, bool):
        errors["approved"] = f"approved must be true, false or null, not {approved!r}"
    if not isinstance(human_edited, bool):
        errors["human_edited"] = f"human_edited must be true or false, not {human_edited!r}"
    if errors:
        raise ValidationError(errors)

    query.approved = approved
    query.human_edited = human_edited
    query.save(update_fields=JUDGEMENT_FIELDS)
    # The trigger moved updated_at; callers (the API) return this object.
    query.refresh_from_db(fields=["updated_at"])
    return query


def _critical_keys(report: dict) -> dict[tuple[str, str, str], dict]:
    return {
        (section["name"], finding["check"], finding["object"]): {"section": section["name"], **finding}
        for section in report["sections"]
        for finding in section["findings"]
        if finding["level"] == Level.CRITICAL
    }


@transaction.atomic
def dbhealth_report_store(report: dict) -> tuple[DbHealthReport, list[dict]]:
    """Keep a report (its JSON form); returns it and its critical findings the previous report did not have.

    Each new critical finding writes an ERROR line to observability_logs and, once the transaction commits,
    is published on `performance_alert_stream`. The same finding the next day alerts nobody again.
    """
    previous = DbHealthReport.objects.order_by("-generated_at", "-id").only("report").first()
    known = _critical_keys(previous.report) if previous else {}
    summary = report["summary"]
    stored = DbHealthReport.objects.create(
        generated_at=report["generated_at"], database=report["database"], ok=summary["ok"],
        warning=summary["warning"], critical=summary["critical"], report=report,
    )
    new = [finding for key, finding in _critical_keys(report).items() if key not in known]
    for finding in new:
        observability_log_create(
            level=LogLevel.ERROR,
            message=f"dbhealth: new critical finding in {finding['section']}: {finding['check']} {finding['object']}"
            f" - {finding['detail']}",
            metadata={"dbhealth_report_id": stored.pk, "database": report["database"], **finding},
        )
    if new:
        alert = {"source": "dbhealth", "report_id": stored.pk, "database": report["database"], "findings": new}
        transaction.on_commit(lambda: performance_alert_publish(alert), robust=True)
    return stored, new


# The dashboard's materialized views (metrics/sql/0011_dashboard_views.sql), all owned by hotdash_service.
REALTIME_VIEWS = ("mv_agent_performance_realtime", "mv_approval_queue_depth", "mv_approval_queue_status")
DAILY_VIEW = "mv_daily_agent_metrics"
DATA_QUALITY_VIEW = "mv_data_quality_report"
MATERIALIZED_VIEWS = (*REALTIME_VIEWS, DAILY_VIEW, DATA_QUALITY_VIEW)
# The rollup table is refreshed (and timed) like a view: the freshness tile shows it too.
DAILY_ROLLUP = "agent_daily_metrics"


def _timed(name: str, work) -> MetricsRefresh:
    started, clock_start = timezone.now(), time.monotonic()
    work()
    duration_ms = round((time.monotonic() - clock_start) * 1000)
    return MetricsRefresh.objects.create(view=name, started_at=started, duration_ms=duration_ms)


@transaction.atomic
def materialized_view_refresh(name: str) -> MetricsRefresh:
    """Recompute one materialized view without blocking its readers, and record when and how long it took.

    Runs as the service role (the views' owner). CONCURRENTLY needs a populated view and its unique index: the
    very first refresh of a view cannot be concurrent. Raises Invalid for a name that is not one of ours.
    """
    if name not in MATERIALIZED_VIEWS:
        raise Invalid("view", f"{name!r} is not one of {', '.join(MATERIALIZED_VIEWS)}.")

    def refresh():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = %s", [name])
            (populated,) = cursor.fetchone()
            # `name` is one of the fixed names above, never the caller's text.
            cursor.execute(f"REFRESH MATERIALIZED VIEW {'CONCURRENTLY ' if populated else ''}{name}")

    return _timed(name, refresh)


def realtime_metrics_refresh() -> list[MetricsRefresh]:
    """Every 30 s (beat): the dashboard's near-real-time aggregates."""
    return [materialized_view_refresh(name) for name in REALTIME_VIEWS]


@transaction.atomic
def daily_metrics_rollup(*, today=None) -> MetricsRefresh:
    """Roll every closed UTC day not rolled up yet into agent_daily_metrics (catching up after an outage).

    Days up to yesterday (UTC) after the last rolled-up day are computed from agent_queries, once: a rolled-up
    day is never recomputed, so retention deleting its raw rows later leaves it as it was.
    """
    today = today or timezone.now().astimezone(UTC).date()
    end = datetime.combine(today, clock.min, tzinfo=UTC)

    def rollup():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO agent_daily_metrics (agent, day, queries, judged, approved, human_edited, latency_count,
                                                 latency_sum_ms, p50_latency_ms, p95_latency_ms, p99_latency_ms)
                SELECT agent, (created_at AT TIME ZONE 'UTC')::date,
                       count(*), count(*) FILTER (WHERE approved IS NOT NULL), count(*) FILTER (WHERE approved),
                       count(*) FILTER (WHERE human_edited), count(latency_ms), coalesce(sum(latency_ms), 0),
                       percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms),
                       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms),
                       percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms)
                FROM agent_queries
                WHERE created_at >= coalesce(
                          ((SELECT max(day) FROM agent_daily_metrics) + 1)::timestamp AT TIME ZONE 'UTC', '-infinity')
                  AND created_at < %s
                GROUP BY 1, 2
                ON CONFLICT (agent, day) DO NOTHING
                """,
                [end],
            )

    return _timed(DAILY_ROLLUP, rollup)


def daily_metrics_refresh(*, today=None) -> list[MetricsRefresh]:
    """Nightly (beat): roll up the closed days, then recompute mv_daily_agent_metrics from them."""
    return [daily_metrics_rollup(today=today), materialized_view_refresh(DAILY_VIEW)]


@transaction.atomic
def data_quality_check() -> list[dict]:
    """Hourly (beat): recompute mv_data_quality_report and report the rules that have violations.

    Each violated rule writes a WARN line to observability_logs; critical ones are also published on
    `performance_alert_stream` once the transaction commits. Returns the violated rules.
    """
    materialized_view_refresh(DATA_QUALITY_VIEW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule, dimension, table_name, severity, violations, description FROM mv_data_quality_report"
            " WHERE violations > 0 ORDER BY severity, rule"
        )
        columns = [column.name for column in cursor.description]
        violated = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for rule in violated:
        observability_log_create(
            level=LogLevel.WARN,
            message=f"data quality: {rule['rule']} ({rule['severity']}): {rule['violations']} {rule['description']}",
            metadata={"data_quality_rule": rule["rule"], "dimension": rule["dimension"], "table": rule["table_name"],
                      "severity": rule["severity"], "violations": rule["violations"]},
        )
    critical = [rule for rule in violated if rule["severity"] == "critical"]
    if critical:
        alert = {"source": "data_quality", "rules": critical}
        transaction.on_commit(lambda: performance_alert_publish(alert), robust=True)
    return violated
