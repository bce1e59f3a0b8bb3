"""Telling waiting agents that an approval changed, across processes, through Redis pub/sub.

A decision (or an expiry) is published after its transaction commits on the approval's channel. Messages are
only a wake-up call: a waiter always re-reads the database, so a lost message costs latency, never a wrong
answer.

Two ways to wait:
- under the ASGI server (production, `make serve`, `make demo`) a parked long poll (hotdash/long_poll.py)
  waits in the event loop on `wakeups`, ONE Redis pattern subscription per process that fans out to every
  waiter of that process: no thread, no database connection and no query while it waits;
- under a WSGI server (the test suite's live server) `approval_wait` blocks its thread on a subscription of
  its own and re-reads every couple of seconds, as a thread has nothing better to do.
Channels carry the database's name, so two deployments (or two test runs) sharing a Redis never wake each
other's waiters (Redis pub/sub ignores the database number of REDIS_URL).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from functools import cache

import redis
import redis.asyncio
from django.conf import settings
from django.db import connection

RECHECK_SECONDS = 2.0
# After the subscription breaks (Redis restarted), every waiter re-reads once and the listener reconnects.
RECONNECT_SECONDS = 1.0

log = logging.getLogger(__name__)


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def _prefix() -> str:
    return f"hotdash:{connection.settings_dict['NAME']}:approvals:"


def channel(approval_id: int) -> str:
    return f"{_prefix()}{approval_id}"


def approvals_changed_publish(approval_ids: list[int]) -> None:
    client = _client()
    if len(approval_ids) == 1:
        client.publish(channel(approval_ids[0]), "changed")
        return
    with client.pipeline(transaction=False) as pipe:
        for approval_id in approval_ids:
            pipe.publish(channel(approval_id), "changed")
        pipe.execute()


def approval_wait(approval_id: int, *, seconds: float, settled: Callable[[], bool]) -> None:
    """WSGI: return when `settled()` is true or `seconds` have passed; `settled` re-reads the database."""
    deadline = time.monotonic() + seconds
    pubsub = _client().pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(channel(approval_id))
        while not settled():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            pubsub.get_message(timeout=min(remaining, RECHECK_SECONDS))
    finally:
        pubsub.close()


class ApprovalWakeups:
    """One Redis subscription per process (the pattern of every approval's channel) waking this process's waiters.

    Lives in the event loop of the ASGI worker. `changed(approval_id)` returns a future that completes at the
    next message on that approval's channel; a waiter takes the future BEFORE it re-reads the row, so a decision
    committed between its read and its wait is never missed.
    """

    def __init__(self) -> None:
        self._waiters: dict[int, set[asyncio.Future]] = {}
        self._task: asyncio.Task | None = None
        self._subscribed: asyncio.Event | None = None

    @property
    def waiting(self) -> int:
        return sum(len(futures) for futures in self._waiters.values())

    async def changed(self, approval_id: int) -> asyncio.Future:
        if self._task is None or self._task.done():
            self._subscribed = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._listen(_prefix()))
        future = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(approval_id, set()).add(future)
        future.add_done_callback(lambda done: self._forget(approval_id, done))
        await self._subscribed.wait()
        return future

    def _forget(self, approval_id: int, future: asyncio.Future) -> None:
        futures = self._waiters.get(approval_id)
        if futures is not None:
            futures.discard(future)
            if not futures:
                del self._waiters[approval_id]

    def _wake(self, approval_ids) -> None:
        for approval_id in list(approval_ids):
            for future in list(self._waiters.get(approval_id, ())):
                if not future.done():
                    future.set_result(None)

    async def _listen(self, prefix: str) -> None:
        while True:
            client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe(f"{prefix}*")
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message["type"] == "pmessage":
                            suffix = message["channel"].decode().removeprefix(prefix)
                            if suffix.isdigit():
                                self._wake([int(suffix)])
            except (redis.RedisError, OSError) as exc:
                log.warning("approval wake-ups: Redis subscription lost (%s); reconnecting", exc)
            finally:
                await client.aclose()
            # Whatever was published while we were away is lost: every waiter re-reads once.
            self._wake(list(self._waiters))
            await asyncio.sleep(RECONNECT_SECONDS)


wakeups = ApprovalWakeups()


# --- how many waits one caller holds ----------------------------------------------------------------------

# A slot's count outlives any wait (60 s at most) by a margin, so a process killed mid-wait leaks nothing for long.
SLOT_TTL_SECONDS = 120


def _slot_key(holder: str) -> str:
    return f"hotdash:{connection.settings_dict['NAME']}:waits:{holder}"


def wait_slot_take(holder: str) -> bool:
    """Reserve one concurrent wait for `holder` (a token, a console user) across every web process."""
    with _client().pipeline(transaction=True) as pipe:
        count, _ = pipe.incr(_slot_key(holder)).expire(_slot_key(holder), SLOT_TTL_SECONDS).execute()
    if count > settings.HOTDASH_WAITS_PER_TOKEN:
        _client().decr(_slot_key(holder))
        return False
    return True


def wait_slot_release(holder: str) -> None:
    _client().decr(_slot_key(holder))
