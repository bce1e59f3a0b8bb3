"""Waiting agents under the production web server (gunicorn + uvicorn workers), over real HTTP.

A parked wait holds no thread and no database connection (hotdash/long_poll.py); one Redis subscription per
process wakes it (approvals/realtime.py). These tests hold many waits open at once, decide and expire their
approvals, and count the database's transactions while the waiters are idle.
"""

import asyncio
import time

import pytest
from django.db import connections

from approvals.services import approval_create, approval_decide, approvals_expire_due
from hotdash.db_context import Role, acting_as
from tests.api_client import issue_token
from tests.approvals.states import refund_state
from tests.asgi_server import AsgiServer, asgi_server_start, asgi_server_stop, http_get
from tests.conftest import owner_connect

WAITS_PER_TOKEN = 60

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, django_db_blocker):
    process, server = asgi_server_start(workers=1, HOTDASH_WAITS_PER_TOKEN=str(WAITS_PER_TOKEN))
    yield server
    asgi_server_stop(process)


def approvals_queue(count: int) -> list[int]:
    with acting_as(Role.INGEST):
        return [
            approval_create(conversation_id=f"c{n}", serialized=refund_state(call_id=f"call_{n}"))[0].pk
            for n in range(count)
        ]


def decide(approval_id: int) -> None:
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=approval_id, outcome="approved", decided_by="olga")


def waits(server: AsgiServer, approval_ids: list[int], tokens: list[str], seconds: int) -> list[asyncio.Task]:
    return [
        asyncio.ensure_future(http_get(server, f"/api/v1/approvals/{pk}/?wait={seconds}", tokens[n % len(tokens)]))
        for n, pk in enumerate(approval_ids)
    ]


def database_transactions() -> int:
    with owner_connect(autocommit=True) as owner:
        return owner.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


async def quiet(server: AsgiServer, tasks: list[asyncio.Task], within: float = 30) -> None:
    """Wait until every request has reached its wait: the database's transaction count stops moving."""
    deadline = time.monotonic() + within
    last = await asyncio.to_thread(database_transactions)
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        now = await asyncio.to_thread(database_transactions)
        if now - last <= 2:
            break
        last = now
    assert not any(task.done() for task in tasks), [task.result() for task in tasks if task.done()][:3]


def test_a_waiter_is_answered_when_its_approval_is_decided_and_when_it_expires(asgi_server):
    decided, expiring = approvals_queue(2)
    token = issue_token("--role", "ingest", "--client", "agent-platform")

    async def scenario():
        tasks = waits(asgi_server, [decided, expiring], [token], seconds=30)
        await quiet(asgi_server, tasks)
        started = time.monotonic()
        await asyncio.to_thread(decide, decided)
        first = await tasks[0]
        first_latency = time.monotonic() - started
        with owner_connect(autocommit=True) as owner:
            owner.execute("UPDATE agent_approvals SET expires_at = now() - interval '1 second' WHERE id = %s", [expiring])
        started = time.monotonic()
        await asyncio.to_thread(lambda: _expire_due())
        second = await tasks[1]
        return first, first_latency, second, time.monotonic() - started

    first, first_latency, second, second_latency = asyncio.run(scenario())

    assert (first.status, first.body["status"], first.body["decided_by"]) == (200, "approved", "olga")
    assert (second.status, second.body["status"]) == (200, "expired")
    assert first_latency < 1 and second_latency < 1


def _expire_due() -> None:
    with acting_as(Role.SERVICE):
        approvals_expire_due()


def test_a_wait_that_times_out_answers_pending_and_bad_waits_are_refused(asgi_server):
    (approval_id,) = approvals_queue(1)
    token = issue_token("--role", "ingest", "--client", "agent-platform")

    async def scenario():
        return await asyncio.gather(
            http_get(asgi_server, f"/api/v1/approvals/{approval_id}/?wait=2", token),
            http_get(asgi_server, f"/api/v1/approvals/{approval_id}/?wait=61", token),
            http_get(asgi_server, "/api/v1/approvals/999999/?wait=5", token),
        )

    timed_out, too_long, missing = asyncio.run(scenario())

    assert (timed_out.status, timed_out.body["status"]) == (200, "pending")
    assert 1.9 < timed_out.seconds < 4
    assert (too_long.status, too_long.body) == (400, {"wait": ["Ensure this value is less than or equal to 60."]})
    assert missing.status == 404


def test_many_waiters_are_held_idle_at_no_database_cost_and_all_answered(asgi_server):
    count = 300
    approval_ids = approvals_queue(count)
    tokens = [issue_token("--role", "ingest", "--client", f"platform-{n}") for n in range(count // WAITS_PER_TOKEN)]
    connections.close_all()  # our own connection's statistics are flushed when it ends, before we count

    async def scenario():
        tasks = waits(asgi_server, approval_ids, tokens, seconds=50)
        await quiet(asgi_server, tasks)
        before = await asyncio.to_thread(database_transactions)
        await asyncio.sleep(3)
        idle = await asyncio.to_thread(database_transactions) - before
        started = time.monotonic()
        await asyncio.to_thread(lambda: [decide(pk) for pk in approval_ids])
        answers = await asyncio.gather(*tasks)
        return idle, answers, time.monotonic() - started

    idle, answers, elapsed = asyncio.run(scenario())

    # The first count is one transaction of its own (and stragglers of the set-up may land): a per-waiter
    # re-read every 2 s would be 450 here.
    assert idle <= 5
    assert [(a.status, a.body["status"]) for a in answers] == [(200, "approved")] * count
    assert elapsed < 60


def test_one_token_holds_at_most_its_share_of_waits(asgi_server):
    approval_ids = approvals_queue(WAITS_PER_TOKEN + 1)
    token = issue_token("--role", "ingest", "--client", "greedy-platform")

    async def scenario():
        tasks = waits(asgi_server, approval_ids[:WAITS_PER_TOKEN], [token], seconds=10)
        await quiet(asgi_server, tasks)
        refused = await http_get(asgi_server, f"/api/v1/approvals/{approval_ids[-1]}/?wait=3", token)
        answered = await asyncio.gather(*tasks)
        again = await http_get(asgi_server, f"/api/v1/approvals/{approval_ids[-1]}/?wait=1", token)
        return refused, answered, again

    refused, answered, again = asyncio.run(scenario())

    assert refused.status == 429
    assert "HOTDASH_WAITS_PER_TOKEN" in refused.body["detail"]
    assert {a.status for a in answered} == {200}
    assert (again.status, again.body["status"]) == (200, "pending")  # the slots came back


def runtime_backends(started_before: str) -> tuple[int, int]:
    """hotdash_app's connections to this database: (opened before `started_before`, opened since)."""
    with owner_connect(autocommit=True) as owner:
        return owner.execute(
            "SELECT count(*) FILTER (WHERE backend_start < %(t)s), count(*) FILTER (WHERE backend_start >= %(t)s)"
            " FROM pg_stat_activity WHERE usename = 'hotdash_app' AND datname = current_database()",
            {"t": started_before},
        ).fetchone()


def test_the_web_process_keeps_its_database_connections_from_one_request_to_the_next(asgi_server):
    # A connection per request cost PostgreSQL a new backend process each time (docs/benchmarks.md).
    (approval_id,) = approvals_queue(1)
    token = issue_token("--role", "ingest", "--client", "platform-pooled")
    connections.close_all()  # this test process holds no runtime connection of its own while it counts

    async def reads(count: int) -> list:
        return [await http_get(asgi_server, f"/api/v1/approvals/{approval_id}/", token) for _ in range(count)]

    assert {answer.status for answer in asyncio.run(reads(3))} == {200}
    with owner_connect(autocommit=True) as owner:
        (since,) = owner.execute("SELECT clock_timestamp()::text").fetchone()
    answers = asyncio.run(reads(30))

    assert {answer.status for answer in answers} == {200}
    kept, opened = runtime_backends(since)
    assert (opened, kept >= 1) == (0, True)


def test_the_web_process_keeps_its_redis_connections_from_one_request_to_the_next(asgi_server):
    # Every request reads Redis (token revocations, throttle counters); under ASGI Django's cache is built anew
    # per request, and each had connected to Redis again.
    import redis
    from django.conf import settings

    (approval_id,) = approvals_queue(1)
    token = issue_token("--role", "ingest", "--client", "platform-redis")

    async def reads(count: int) -> list:
        return [await http_get(asgi_server, f"/api/v1/approvals/{approval_id}/", token) for _ in range(count)]

    assert {answer.status for answer in asyncio.run(reads(3))} == {200}
    server = redis.Redis.from_url(settings.REDIS_URL)
    before = server.info("stats")["total_connections_received"]
    answers = asyncio.run(reads(30))
    after = server.info("stats")["total_connections_received"]

    assert {answer.status for answer in answers} == {200}
    assert after - before == 0
