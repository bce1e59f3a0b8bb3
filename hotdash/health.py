"""Liveness of what the console needs: the database, Redis and at least one Celery worker.

Each check answers quickly (about a second at most). A load balancer polls /healthz, which answers for this
web node alone (database and Redis: without them it cannot serve a page) and says nothing else to strangers.
Staff read /healthz/details: every check with its latency, the workers that answered and why a check failed.
Workers are not part of the public answer: when every worker is down, all web nodes are still fine, and taking
them out of rotation would only add an outage.
"""

import threading
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


WEB_CHECKS = {"database": _database, "redis": _redis}
ALL_CHECKS = {**WEB_CHECKS, "celery": _celery}


def web_healthy() -> bool:
    """Whether this web node can serve: its database and Redis answer."""
    return all(_timed(check).ok for check in WEB_CHECKS.values())


_details_lock = threading.Lock()
_details_cache: tuple[float, dict] | None = None


def health_details() -> dict:
    """Every check in full: "ok", "degraded" (no worker: the web still serves) or "unavailable".

    Kept HOTDASH_HEALTH_DETAILS_CACHE_SECONDS per process, so a dashboard polled by many people does not ping
    the workers once per viewer.
    """
    global _details_cache
    max_age = settings.HOTDASH_HEALTH_DETAILS_CACHE_SECONDS
    with _details_lock:
        if _details_cache is not None and time.monotonic() - _details_cache[0] < max_age:
            return _details_cache[1]
        checks = {name: _timed(check) for name, check in ALL_CHECKS.items()}
        if not all(checks[name].ok for name in WEB_CHECKS):
            status = "unavailable"
        else:
            status = "ok" if checks["celery"].ok else "degraded"
        report = {"status": status, "checked_at": time.time(), "checks": {k: asdict(v) for k, v in checks.items()}}
        _details_cache = (time.monotonic(), report)
        return report
