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


def approval_queue_stats() -> QueueStats:
    """Counts for the queue header; both come from the partial index of pending rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE created_at < %s), min(created_at)"
            " FROM agent_approvals WHERE status = 'pending'",
            [sla_deadline()],
        )
        pending, breached, oldest = cursor.fetchone()
    return QueueStats(pending=pending, breached=breached, oldest_created_at=oldest)


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
