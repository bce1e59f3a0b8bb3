"""Telling waiting agents that an approval changed, across processes, through Redis pub/sub.

A decision is published after its transaction commits; an agent holding `GET ...?wait=N` subscribes
before it reads the row, so a decision is either already visible to that read or arrives as a message.
Messages are only a wake-up call: the waiter always re-reads the database, and also re-reads every
couple of seconds, so a lost message (a Redis restart) costs latency, never a wrong answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache

import redis
from django.conf import settings

RECHECK_SECONDS = 2.0


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def channel(approval_id: int) -> str:
    return f"hotdash:approvals:{approval_id}"


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
    """Return when `settled()` is true or `seconds` have passed; `settled` re-reads the database."""
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
