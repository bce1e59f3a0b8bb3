"""Writes on the metrics tables.

Operators hold UPDATE on agent_queries(approved, human_edited) only (metrics/sql/0003_row_level_security.sql):
every save here names its columns, since a plain save() writes all of them and the database refuses it.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from hotdash.db_context import Role, current_context
from hotdash.errors import Forbidden, Invalid
from metrics.dbhealth.report import Level
from metrics.models import AgentQuery, DbHealthReport, Fact, LogLevel, ObservabilityLog
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


def daily_agent_metrics_refresh() -> None:
    """Recompute mv_daily_agent_metrics without blocking its readers (the service role owns it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'mv_daily_agent_metrics'")
        (populated,) = cursor.fetchone()
        # CONCURRENTLY needs a populated view; the very first refresh cannot be concurrent.
        cursor.execute(
            "REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_agent_metrics"
            if populated
            else "REFRESH MATERIALIZED VIEW mv_daily_agent_metrics"
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
