"""What each retention policy deletes and which rows it keeps, as SQL over the table aliased `t`.

A row is *examined* when it is older than the policy's keep_days; it is deleted unless one of its table's
exceptions holds. The numbers come from the policy row (retention_policies); the exceptions are fixed here:

- agent_feedback: drafts judged unsafe (safe_to_send false) younger than exception_keep_days; drafts promoted
  to the gold set while their gold reply exists: the reply that names the draft (source_feedback_id), or, for
  a reply that names no draft (promoted before the link existed, or added by hand), one of the same
  conversation with the draft's question (what promoting copies).
- agent_approvals: pending approvals, whatever their age. Their leases and audit rows are deleted first
  (retention.tables.CHILDREN).
- agent_queries: queries slower than slow_query_ms younger than exception_keep_days.
- observability_logs: ERROR and FATAL lines younger than exception_keep_days.
- decision_sync_event_logs: none.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from psycopg import sql


@dataclass(frozen=True)
class Selection:
    """The rows a policy looks at and the exceptions it keeps, with the parameters they need."""

    table: str
    examined: sql.Composable
    exceptions: dict[str, sql.Composable]
    params: dict

    @property
    def deletable(self) -> sql.Composable:
        kept = [sql.SQL("NOT coalesce(({}), false)").format(condition) for condition in self.exceptions.values()]
        return sql.SQL(" AND ").join([self.examined, *kept])


def selection_for(policy, now: datetime) -> Selection:
    """The Selection of a RetentionPolicy row at `now`."""
    params = {"cutoff": now - timedelta(days=policy.keep_days)}
    if policy.exception_keep_days is not None:
        params["exception_cutoff"] = now - timedelta(days=policy.exception_keep_days)
    recent_exception = "exception_cutoff" in params
    exceptions: dict[str, sql.Composable] = {}
    if policy.table == "agent_feedback":
        if recent_exception:
            exceptions["unsafe drafts"] = sql.SQL("t.safe_to_send IS FALSE AND t.created_at >= %(exception_cutoff)s")
        # The link first (a curator may have edited the reply's question since); the foreign key from the gold
        # set would refuse the DELETE anyway. The unlinked match is kept for replies that name no draft.
        exceptions["promoted to the gold set"] = sql.SQL(
            "EXISTS (SELECT FROM support_curated_replies g WHERE g.source_feedback_id = t.id)"
            " OR EXISTS (SELECT FROM support_curated_replies g WHERE g.source_feedback_id IS NULL"
            " AND g.conversation_id = t.conversation_id AND g.question = t.input_text)"
        )
    elif policy.table == "agent_approvals":
        exceptions["pending"] = sql.SQL("t.status = 'pending'")
    elif policy.table == "agent_queries" and recent_exception and policy.slow_query_ms is not None:
        params["slow_ms"] = policy.slow_query_ms
        exceptions["slow queries"] = sql.SQL("t.latency_ms > %(slow_ms)s AND t.created_at >= %(exception_cutoff)s")
    elif policy.table == "observability_logs" and recent_exception:
        exceptions["errors"] = sql.SQL("t.level IN ('ERROR', 'FATAL') AND t.created_at >= %(exception_cutoff)s")
    return Selection(
        table=policy.table,
        examined=sql.SQL("t.created_at < %(cutoff)s"),
        exceptions=exceptions,
        params=params,
    )
