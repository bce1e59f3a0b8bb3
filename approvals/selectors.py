"""Reads of the approval queue, shared by the operator workbench and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from approvals.models import AgentApproval, ApprovalDecision


def approval_list() -> QuerySet[AgentApproval]:
    return AgentApproval.objects.all()


def sla_deadline():
    """Pending approvals created before this moment have breached the SLA."""
    return timezone.now() - timedelta(seconds=settings.HOTDASH_APPROVAL_SLA_SECONDS)


@dataclass(frozen=True)
class QueueStats:
    pending: int
    breached: int
    oldest_created_at: object | None


# How long the queue's counts are shared before they are counted again (unless a write forgets them first).
QUEUE_STATS_SECONDS = 2


def _queue_stats_key() -> str:
    # The database's name is in the key: two deployments (or a test run beside a demo) sharing a Redis never
    # read each other's counts.
    return f"approvals:queue-stats:{connection.settings_dict['NAME']}"


def approval_queue_stats() -> QueueStats:
    """Counts for the queue header and its live counts: pending, past the SLA, the oldest.

    Counting 100k pending rows costs tens of ms (an index-only scan of the partial index of pending rows, the
    whole of it); every open queue polls these every 3 s (50 operators: 17 requests/s). So the counts are
    kept in Redis for QUEUE_STATS_SECONDS, shared by every web process, and every write that changes the queue
    (create, decide, expire) forgets them at once: an operator sees their own decision counted, and the
    database counts at most once per QUEUE_STATS_SECONDS however many queues are open (docs/benchmarks.md).
    """
    key = _queue_stats_key()
    cached = cache.get(key)
    if cached is not None:
        return QueueStats(*cached)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE created_at < %s), min(created_at)"
            " FROM agent_approvals WHERE status = 'pending'",
            [sla_deadline()],
        )
        pending, breached, oldest = cursor.fetchone()
    cache.set(key, (pending, breached, oldest), QUEUE_STATS_SECONDS)
    return QueueStats(pending=pending, breached=breached, oldest_created_at=oldest)


def approval_queue_stats_forget() -> None:
    """The queue changed: the next reader counts again. Called by the services that change it."""
    cache.delete(_queue_stats_key())


CHOICES_CACHE_SECONDS = 60


def approval_pending_choices(column: str) -> list[str]:
    """Distinct agents or tools among pending approvals, for the queue's filters.

    Cached for a minute (Redis, shared by every web process): the lists change rarely, and the tools one
    reads every pending row (no index can list the keys of an array column); 250 ms at 100k pending.
    """
    expression = {"agent": "agent", "tool": "unnest(tool_names)"}[column]

    def distinct_values() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT {expression} AS value FROM agent_approvals"  # noqa: S608 - fixed expressions
                " WHERE status = 'pending' ORDER BY 1"
            )
            return [value for (value,) in cursor.fetchall() if value]

    return cache.get_or_set(f"approvals:pending-{column}-choices", distinct_values, CHOICES_CACHE_SECONDS)


def approval_decision_of(approval: AgentApproval) -> ApprovalDecision | None:
    """The approval's audit row, if it was decided; loaded with it when read with select_related("decision")."""
    try:
        return approval.decision
    except ApprovalDecision.DoesNotExist:
        return None
