"""Writes of the approval queue: create from an agent's paused run, decide once, expire, lease.

Design note. A decision is single-use. The decisive statement is one conditional UPDATE
(`... WHERE id = %s AND status = 'pending' AND not past its TTL`): of any number of concurrent deciders,
exactly one changes the row, the others change nothing and are told the current state (HTTP 409).
The same transaction writes the audit row, whose table allows one row per approval, and a trigger refuses
to rewrite a decided row whatever the writer, so neither a bug here nor a hand-written UPDATE can decide
twice. An approval past its TTL is expired (never rejected): the agent learns that nobody decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from approvals.models import (
    AgentApproval,
    ApprovalDecision,
    ApprovalLease,
    ApprovalStatus,
    DecisionChannel,
    DecisionOutcome,
)
from approvals.realtime import approvals_changed_publish
from approvals.sdk_state import run_state_read
from approvals.selectors import approval_queue_stats_forget
from hotdash import inputs
from hotdash.db_context import Role, acting_as
from hotdash.errors import Conflict, Invalid, NotFound

EXPIRED_REASON = "no decision within TTL"
MIN_TTL_SECONDS = 10
MAX_TTL_SECONDS = 30 * 24 * 3600
MAX_REASON_LENGTH = 2000
EXPIRY_BATCH = 1000


class ApprovalNotFound(NotFound):
    def __init__(self, approval_id: int):
        super().__init__(f"no approval #{approval_id} is visible to you")


class ApprovalAlreadyDecided(Conflict):
    """The approval is no longer pending; carries it as it is now (the API answers with it)."""

    def __init__(self, approval: AgentApproval):
        by = f" by {approval.approved_by}" if approval.approved_by else ""
        super().__init__(f"approval #{approval.pk} was already {approval.status}{by}; this decision was not recorded")
        self.approval = approval


class ApprovalConflict(Conflict):
    """The same paused tool calls were posted for a different conversation."""


class InvalidDecision(Invalid):
    """A decision's outcome, reason or TTL is not acceptable."""


# --- create -------------------------------------------------------------------------------------------


def approval_create(
    *, conversation_id: str, serialized: dict | str, ttl_seconds: int | None = None
) -> tuple[AgentApproval, bool]:
    """Queue the pending tool calls of a paused run; (approval, created). Idempotent on the call ids.

    Raises StateError (from sdk_state) for a state we cannot read, InvalidDecision for a bad TTL,
    ApprovalConflict when the same calls were already posted for another conversation.
    """
    state = run_state_read(serialized)
    ttl = settings.HOTDASH_APPROVAL_TTL_SECONDS if ttl_seconds is None else ttl_seconds
    if not MIN_TTL_SECONDS <= ttl <= MAX_TTL_SECONDS:
        raise InvalidDecision("ttl_seconds", f"must be between {MIN_TTL_SECONDS} and {MAX_TTL_SECONDS}")
    existing = AgentApproval.objects.filter(call_id=state.call_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                now = timezone.now()
                approval = AgentApproval.objects.create(
                    conversation_id=conversation_id,
                    serialized=state.document,
                    last_interruptions=[item.as_json() for item in state.interruptions],
                    schema_version=state.schema_version,
                    call_id=state.call_key,
                    created_at=now,
                    updated_at=now,
                    expires_at=now + timedelta(seconds=ttl),
                )
            approval.refresh_from_db(fields=["agent", "tool_names"])
            _queue_changed()
            return approval, True
        except IntegrityError:
            # Posted twice at the same moment: the other request created it.
            existing = AgentApproval.objects.get(call_id=state.call_key)
    if existing.conversation_id != conversation_id:
        raise ApprovalConflict(
            f"these tool calls were queued as approval {existing.pk} for conversation {existing.conversation_id!r}"
        )
    return existing, False


# --- decide -------------------------------------------------------------------------------------------

# What a decision returns of each approval: everything but the run state, which stays in its TOAST table.
_DECIDED_FIELDS = [field for field in AgentApproval._meta.concrete_fields if field.name != "serialized"]
_DECIDED_COLUMNS = ", ".join(field.column for field in _DECIDED_FIELDS)

# One statement, so one round trip and atomic on its own: decide what is still pending and in time, write
# its audit row, release its lease, and return the decided rows for the answer. The only interpolation is
# the model's own column list.
_DECIDE_SQL = f"""
WITH decided AS (
    UPDATE agent_approvals
    SET status = %(outcome)s, approved_by = %(decided_by)s, reason = %(reason)s,
        decided_at = coalesce(%(at)s::timestamptz, clock_timestamp())
    WHERE id = ANY(%(ids)s) AND status = 'pending'
      AND (expires_at IS NULL OR expires_at > coalesce(%(at)s::timestamptz, clock_timestamp()))
    RETURNING {_DECIDED_COLUMNS}
), audited AS (
    INSERT INTO approval_decisions (approval_id, outcome, decided_by, reason, via, request_id, client_request_id,
                                    created_at)
    SELECT id, %(outcome)s, %(decided_by)s, %(reason)s, %(via)s, %(request_id)s, %(client_request_id)s, decided_at
    FROM decided
), released AS (
    DELETE FROM approval_leases WHERE approval_id IN (SELECT id FROM decided)
)
SELECT {_DECIDED_COLUMNS} FROM decided ORDER BY id
"""  # noqa: S608


def _queue_changed() -> None:
    """The queue's shared counts are forgotten now and again after commit: a reader between the two (whose
    snapshot predates this write) may keep the old counts, for QUEUE_STATS_SECONDS at most."""
    approval_queue_stats_forget()
    transaction.on_commit(approval_queue_stats_forget, robust=True)


def _decided_from_rows(rows: list[tuple]) -> list[AgentApproval]:
    """Model instances (run state deferred) from rows of _DECIDED_COLUMNS, converted as the ORM would."""
    names = [field.attname for field in _DECIDED_FIELDS]
    converters = [getattr(field, "from_db_value", None) for field in _DECIDED_FIELDS]
    return [
        AgentApproval.from_db(
            connection.alias,
            names,
            [convert(value, None, connection) if convert and value is not None else value
             for convert, value in zip(converters, row, strict=True)],
        )
        for row in rows
    ]


def _checked_reason(outcome: str, reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if outcome == DecisionOutcome.REJECTED and reason is None:
        raise InvalidDecision("reason", "a rejection needs a reason: the agent's model reads it")
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise InvalidDecision("reason", f"must be at most {MAX_REASON_LENGTH} characters")
    # The admin's decide form posts the reason as typed; PostgreSQL would refuse a NUL in it.
    problem = inputs.text_problem(reason, max_length=None) if reason is not None else None
    if problem:
        raise InvalidDecision("reason", problem)
    return reason


def _decide_rows(
    ids: list[int],
    *,
    outcome: str,
    decided_by: str,
    reason: str | None,
    via: str,
    request_id: str | None,
    client_request_id: str | None,
    at: datetime | None = None,
) -> list[AgentApproval]:
    """Decide those of `ids` that were still pending and in time at `at` (default now); audit them; return them."""
    with connection.cursor() as cursor:
        cursor.execute(
            _DECIDE_SQL,
            {"outcome": outcome, "decided_by": decided_by, "reason": reason, "ids": ids, "via": via,
             "request_id": request_id, "client_request_id": client_request_id, "at": at},
        )
        decided = _decided_from_rows(cursor.fetchall())
    if decided:
        decided_ids = [approval.pk for approval in decided]
        # robust: the decision is committed whatever happens to the wake-up call (waiters re-read anyway).
        transaction.on_commit(lambda: approvals_changed_publish(decided_ids), robust=True)
        _queue_changed()
    return decided


def approval_decide(
    *,
    approval_id: int,
    outcome: str,
    decided_by: str,
    reason: str | None = None,
    via: str = DecisionChannel.API,
    request_id: str | None = None,
    client_request_id: str | None = None,
    at: datetime | None = None,
) -> AgentApproval:
    """Approve or reject one pending approval, once. Raises ApprovalNotFound, ApprovalAlreadyDecided, InvalidDecision.

    `at` records a decision made earlier (history brought in, the demo's decided scenarios): the approval
    must have been pending and within its TTL then, and the row and its audit entry carry that time. `request_id` is the console's own id of the request; `client_request_id` the one
    its caller sent.
    """
    if outcome not in (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED):
        raise InvalidDecision("outcome", "must be approved or rejected")
    reason = _checked_reason(outcome, reason)
    decided = _decide_rows(
        [approval_id], outcome=outcome, decided_by=decided_by, reason=reason, via=via, request_id=request_id,
        client_request_id=client_request_id, at=at,
    )
    if decided:
        return decided[0]
    # Not decided now: tell the caller why, from the row as it is.
    approval = AgentApproval.objects.defer("serialized").filter(pk=approval_id).first()
    if approval is None:
        raise ApprovalNotFound(approval_id)
    if approval.status == ApprovalStatus.PENDING:
        # Pending but past its TTL: the expiry job has not come by yet. It is expired now, not decided.
        approvals_expire(approval_ids=[approval_id], at=at)
        approval.refresh_from_db()
    raise ApprovalAlreadyDecided(approval)


@dataclass(frozen=True)
class BulkDecision:
    decided: list[int]
    skipped: dict[int, str]  # id -> its status, for those no longer pending (or gone)


def approvals_decide_bulk(
    *,
    approval_ids: list[int],
    outcome: str,
    decided_by: str,
    reason: str | None = None,
    request_id: str | None = None,
    client_request_id: str | None = None,
) -> BulkDecision:
    """Decide many approvals in one transaction; those no longer pending are skipped and reported."""
    if outcome not in (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED):
        raise InvalidDecision("outcome", "must be approved or rejected")
    reason = _checked_reason(outcome, reason)
    ids = sorted(set(approval_ids))
    with transaction.atomic():
        # Lock in id order, as every multi-row writer here does, so two bulk decisions cannot deadlock.
        list(AgentApproval.objects.filter(pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True))
        decided = [
            approval.pk
            for approval in _decide_rows(
                ids, outcome=outcome, decided_by=decided_by, reason=reason, via=DecisionChannel.BULK,
                request_id=request_id, client_request_id=client_request_id,
            )
        ]
    statuses = dict(AgentApproval.objects.filter(pk__in=set(ids) - set(decided)).values_list("pk", "status"))
    return BulkDecision(decided=decided, skipped={pk: statuses.get(pk, "missing") for pk in ids if pk not in decided})


# --- expire -------------------------------------------------------------------------------------------

_EXPIRE_SQL = """
UPDATE agent_approvals
SET status = 'expired', reason = %(reason)s, decided_at = coalesce(%(at)s::timestamptz, clock_timestamp())
WHERE id IN (
    SELECT id FROM agent_approvals
    WHERE status = 'pending' AND expires_at <= coalesce(%(at)s::timestamptz, clock_timestamp()) {only}
    ORDER BY id LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id, decided_at
"""


def approvals_expire(
    *, approval_ids: list[int] | None = None, limit: int = EXPIRY_BATCH, at: datetime | None = None
) -> list[int]:
    """Expire pending approvals past their TTL (all due ones, or those of `approval_ids`), up to `limit`.

    Runs in the caller's transaction and role. Rows another transaction is deciding right now are skipped
    (SKIP LOCKED): that decision wins if it is in time, and the next run picks up the rest. `at` (default
    now) records an expiry that happened earlier, as approval_decide's does.
    """
    only = "AND id = ANY(%(ids)s)" if approval_ids is not None else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _EXPIRE_SQL.format(only=only), {"reason": EXPIRED_REASON, "limit": limit, "ids": approval_ids, "at": at}
        )
        expired_at = dict(cursor.fetchall())
        expired = sorted(expired_at)
        if expired:
            ApprovalDecision.objects.bulk_create(
                ApprovalDecision(
                    approval_id=approval_id,
                    outcome=DecisionOutcome.EXPIRED,
                    decided_by="system:expiry",
                    reason=EXPIRED_REASON,
                    via=DecisionChannel.EXPIRY,
                    created_at=expired_at[approval_id],
                )
                for approval_id in expired
            )
            transaction.on_commit(lambda: approvals_changed_publish(expired), robust=True)
            _queue_changed()
    return expired


def approvals_expire_due(*, batch: int = EXPIRY_BATCH) -> int:
    """The scheduler's job: expire every due approval, one transaction per batch, as the service role.

    Idempotent and restart-safe: the state lives in the table, so after any outage one run catches up.
    """
    total = 0
    while True:
        with acting_as(Role.SERVICE):
            expired = approvals_expire(limit=batch)
        total += len(expired)
        if len(expired) < batch:
            return total


# --- leases ("decide and next") ---------------------------------------------------------------------

_NEXT_SQL = """
SELECT a.id FROM agent_approvals a
LEFT JOIN approval_leases l ON l.approval_id = a.id
WHERE a.status = 'pending' AND NOT a.id = ANY(%(exclude)s::bigint[])
  AND (l.approval_id IS NULL OR l.expires_at <= clock_timestamp() OR l.holder = %(holder)s)
ORDER BY a.created_at, a.id
LIMIT 1
FOR UPDATE OF a SKIP LOCKED
"""


_LEASE_CLAIM_SQL = """
WITH claimed AS (
    INSERT INTO approval_leases (approval_id, holder, expires_at) VALUES (%(id)s, %(holder)s, %(until)s)
    ON CONFLICT (approval_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE approval_leases.holder = excluded.holder OR approval_leases.expires_at <= clock_timestamp()
    RETURNING holder, expires_at
)
SELECT holder, expires_at FROM claimed
UNION ALL
SELECT holder, expires_at FROM approval_leases WHERE approval_id = %(id)s AND NOT EXISTS (SELECT FROM claimed)
"""


def approval_lease_claim(*, approval_id: int, holder: str) -> ApprovalLease:
    """Claim (or renew) the lease on an approval the operator has open; returns the lease as it stands.

    A lease held by someone else and still running is left alone and returned, so the page can say who.
    One statement (so no transaction of its own is needed): the claim, or when someone else holds the
    lease, their row as the statement's snapshot saw it; the item page opens it on every view.
    """
    expires_at = timezone.now() + timedelta(seconds=settings.HOTDASH_APPROVAL_LEASE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(_LEASE_CLAIM_SQL, {"id": approval_id, "holder": holder, "until": expires_at})
        row = cursor.fetchone()
    if row is None:
        # A concurrent claim inserted the row after this statement's snapshot was taken: read it now.
        return ApprovalLease.objects.get(approval_id=approval_id)
    return ApprovalLease(approval_id=approval_id, holder=row[0], expires_at=row[1])


def approval_next_claim(*, holder: str, exclude: list[int] | None = None) -> AgentApproval | None:
    """The oldest pending approval nobody else has open, leased to `holder`; None when the queue is clear."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_SQL, {"holder": holder, "exclude": exclude or []})
            row = cursor.fetchone()
        if row is None:
            return None
        approval_lease_claim(approval_id=row[0], holder=holder)
        return AgentApproval.objects.get(pk=row[0])


def approval_lease_release(*, approval_id: int, holder: str) -> None:
    ApprovalLease.objects.filter(approval_id=approval_id, holder=holder).delete()
