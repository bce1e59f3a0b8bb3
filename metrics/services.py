from django.db import connection, transaction

from metrics.models import Fact, LogLevel, ObservabilityLog


def observability_log_create(
    *, level: str, message: str, request_id: str | None = None, metadata: dict | None = None
) -> ObservabilityLog:
    """Append one log line. Levels outside LogLevel are refused here and by the table's CHECK."""
    if level not in LogLevel.values:
        raise ValueError(f"level must be one of {', '.join(LogLevel.values)}, not {level!r}")
    return ObservabilityLog.objects.create(
        level=level, message=message, request_id=request_id, metadata=metadata or {}
    )


@transaction.atomic
def fact_create(*, project: str, topic: str, key: str, value) -> Fact:
    """Append one analytics fact. The database decides whether the caller may write into `project`."""
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
