"""One retention run, purge or restore at a time, through any connection pooler (docs/retention.md).

Design note. A session-level advisory lock belongs to a server connection; behind PgBouncer in transaction
mode each transaction may get another one, so the lock can be taken on one server connection, "released" on
another (a no-op) and then be held forever, or be re-entered by a second run that happens to land on the
same server connection. So the lock is a lease in a one-row table (retention_lease) instead:

- taking it is one short transaction: the row is read FOR UPDATE SKIP LOCKED (a row locked by a chunk or a
  restore in progress is busy, without waiting) and taken only when free or expired, with a fresh token;
- every chunk's transaction starts by renewing it, `WHERE token = ours`: the renewal and the chunk's DELETE
  commit together, so a chunk commits only while its run holds the lease. A run that lost it (its lease
  expired and another run took it) stops at its next chunk, having deleted nothing meanwhile; the row lock
  taken by the renewal keeps anyone from taking the lease while the chunk runs;
- a process that dies leaves the lease to expire (HOTDASH_RETENTION_LEASE_SECONDS); a run that ends frees it;
- a restore (one transaction) holds the row locked for its whole transaction and requires the lease free.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connections

from hotdash.db_context import Role, acting_as


class LeaseBusy(Exception):
    """Someone else holds the lease (or is inside a chunk or a restore); the message says who, until when."""


class LeaseLost(Exception):
    """Our lease expired and another run took it: this run must stop without committing its chunk."""


def _lease_seconds() -> int:
    seconds = settings.HOTDASH_RETENTION_LEASE_SECONDS
    if seconds < 1:
        raise ValueError(f"HOTDASH_RETENTION_LEASE_SECONDS must be at least 1, not {seconds}")
    return seconds


def _row_ensure(cursor) -> None:
    # The row may be missing (a fresh table, or a test database flushed by Django).
    cursor.execute("INSERT INTO retention_lease (id) VALUES (1) ON CONFLICT (id) DO NOTHING")


def _busy_message(holder: str, expires_at: datetime | None) -> str:
    until = f" (its lease runs until {expires_at:%Y-%m-%d %H:%M:%S} UTC unless renewed)" if expires_at else ""
    return f"another retention run, purge or restore is in progress: {holder or 'a chunk or restore'}{until}"


@dataclass
class Lease:
    token: uuid.UUID
    holder: str

    def renew(self, cursor) -> None:
        """Inside the caller's transaction (a chunk): extend the lease, or raise LeaseLost.

        The row stays locked until that transaction ends, so the lease cannot change hands meanwhile.
        """
        cursor.execute(
            "UPDATE retention_lease SET expires_at = clock_timestamp() + make_interval(secs => %s)"
            " WHERE id = 1 AND token = %s",
            [_lease_seconds(), self.token],
        )
        if cursor.rowcount != 1:
            raise LeaseLost(f"{self.holder} lost the retention lease (it expired and another run took it); stopped")

    def renew_now(self, using: str = "default") -> None:
        """Renew in a transaction of its own (between the steps of a run)."""
        with acting_as(Role.SERVICE, using=using), connections[using].cursor() as cursor:
            self.renew(cursor)

    def release(self, using: str = "default") -> None:
        with acting_as(Role.SERVICE, using=using), connections[using].cursor() as cursor:
            cursor.execute(
                "UPDATE retention_lease SET holder = '', token = NULL, acquired_at = NULL, expires_at = NULL"
                " WHERE id = 1 AND token = %s",
                [self.token],
            )


def lease_acquire(*, holder: str, using: str = "default") -> Lease:
    """Take the lease for `holder` in a short transaction of its own, or raise LeaseBusy without waiting."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise RuntimeError("the retention lease is taken outside any transaction (it must commit at once)")
    holder = f"{holder} (pid {os.getpid()} on {socket.gethostname()})"
    token = uuid.uuid4()
    with acting_as(Role.SERVICE, using=using), connection.cursor() as cursor:
        _row_ensure(cursor)
        cursor.execute(
            "SELECT holder, expires_at, token IS NOT NULL AND expires_at > clock_timestamp()"
            " FROM retention_lease WHERE id = 1 FOR UPDATE SKIP LOCKED"
        )
        row = cursor.fetchone()
        if row is None:
            raise LeaseBusy(_busy_message("", None))
        current_holder, expires_at, held = row
        if held:
            raise LeaseBusy(_busy_message(current_holder, expires_at))
        cursor.execute(
            "UPDATE retention_lease SET holder = %s, token = %s, acquired_at = clock_timestamp(),"
            " expires_at = clock_timestamp() + make_interval(secs => %s) WHERE id = 1",
            [holder, token, _lease_seconds()],
        )
    return Lease(token=token, holder=holder)


def lease_hold_for_transaction(cursor) -> None:
    """Inside a transaction (a restore): lock the lease row until it ends, or raise LeaseBusy.

    The lease must be free or expired; while the row is locked, lease_acquire finds it busy.
    """
    _row_ensure(cursor)
    cursor.execute(
        "SELECT holder, expires_at, token IS NOT NULL AND expires_at > clock_timestamp()"
        " FROM retention_lease WHERE id = 1 FOR UPDATE SKIP LOCKED"
    )
    row = cursor.fetchone()
    if row is None:
        raise LeaseBusy(_busy_message("", None))
    if row[2]:
        raise LeaseBusy(_busy_message(row[0], row[1]))
