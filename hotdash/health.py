"""Liveness of what the console needs: the database, Redis and at least one Celery worker.

Each check answers quickly (about a second at most) and reports why it failed, so /healthz can be
polled by a load balancer and read by a person.
"""

import time
from dataclasses import asdict, dataclass, field

import redis
from django.conf import settings
from django.db import connection
from kombu import Connection

from hotdash.celery import app as celery_app

TIMEOUT_SECONDS = 1.0


@dataclass
class CheckResult:
    ok: bool
    latency_ms: float
    error: str | None = None
    detail: dict = field(default_factory=dict)


def _timed(check) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check() or {}
        return CheckResult(ok=True, latency_ms=_elapsed_ms(started), detail=detail)
    except Exception as exc:  # a health check reports every failure instead of raising it
        return CheckResult(ok=False, latency_ms=_elapsed_ms(started), error=f"{type(exc).__name__}: {exc}")


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _redis() -> dict:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def _celery() -> dict:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
        replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS, connection=broker)
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        raise RuntimeError("no Celery worker answered the ping")
    return {"workers": workers}


def health_report() -> tuple[bool, dict]:
    """(all ok, a JSON-ready report of every check)."""
    checks = {"database": _timed(_database), "redis": _timed(_redis), "celery": _timed(_celery)}
    healthy = all(result.ok for result in checks.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": {k: asdict(v) for k, v in checks.items()}}
