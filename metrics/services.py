from metrics.models import LogLevel, ObservabilityLog


def observability_log_create(
    *, level: str, message: str, request_id: str | None = None, metadata: dict | None = None
) -> ObservabilityLog:
    """Append one log line. Levels outside LogLevel are refused here and by the table's CHECK."""
    if level not in LogLevel.values:
        raise ValueError(f"level must be one of {', '.join(LogLevel.values)}, not {level!r}")
    return ObservabilityLog.objects.create(
        level=level, message=message, request_id=request_id, metadata=metadata or {}
    )
