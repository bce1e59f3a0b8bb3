"""A thousand agents waiting for decisions, while an operator works the queue: today's server against the old one.

    make bench BENCH="waiting_agents --waiters 1000"

Each of `--waiters` agents holds `GET /api/v1/approvals/{id}/?wait=60` on its own pending approval. Two servers,
in the same run, on the same data:
- asgi: README's production line, gunicorn with uvicorn workers (`--workers 2` on this 2-core machine);
- wsgi: the line README gave before, `gunicorn hotdash.wsgi:application --workers 4` (sync workers, 30 s timeout).
For each: the queue page's latency unloaded (an operator's admin session, `--page-requests` loads); then the
waiters are started (each waits again while its approval is pending) and given until the database goes quiet
(at most `--settle` s) to reach their waits; the database's transactions per second while they are idle
(pg_stat_database over 5 s); the queue page's latency under that load; then every approval is decided (by the
service, `--decide-rate` per second) and each waiter's wake-up latency (its answer minus its decision's
commit) is recorded. A waiter answered with a 5xx, cut off, or still pending after its wait counts as failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time

import django
import psycopg
import requests

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")
PREFIX = "bench-wait-"
OPERATOR = ("bench-operator", "a-long-bench-password-1")


def server_start(command) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_LOG_LEVEL": "ERROR", "DJANGO_SESSION_COOKIE_SECURE": "0", "DJANGO_CSRF_COOKIE_SECURE": "0"}
    process = subprocess.Popen([*command(f"127.0.0.1:{port}"), "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


def server_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def approvals_queue(count: int) -> list[int]:
    """`count` new pending approvals (decisions are append-only: earlier runs' rows stay, decided).

    Their call ids are not `bench_...`: those are the workbench benchmark's data set, which it counts exactly.
    """
    from approvals.services import approval_create
    from hotdash.db_context import Role, acting_as
    from tests.approvals.states import refund_state  # the run state an Agents SDK run pauses with

    ids = []
    with acting_as(Role.INGEST):
        run = f"{time.time_ns()}"
        for n in range(count):
            approval, _ = approval_create(conversation_id=f"{PREFIX}{run}-{n}", serialized=refund_state(call_id=f"wait_{run}_{n}"))
            ids.append(approval.pk)
    return ids


def operator_session(url: str) -> requests.Session:
    session = requests.Session()
    login = f"{url}/admin/login/"
    session.get(login, timeout=30)
    answer = session.post(
        login, timeout=30, allow_redirects=False,
        data={"username": OPERATOR[0], "password": OPERATOR[1], "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"},
        headers={"Referer": login},
    )
    if answer.status_code != 302:
        raise SystemExit(f"the operator could not log in ({answer.status_code})")
    return session


def queue_latency(session: requests.Session, url: str, requests_: int) -> dict:
    times, failed = [], 0
    for _ in range(requests_):
        started = time.monotonic()
        try:
            ok = session.get(f"{url}/admin/approvals/agentapproval/", timeout=10).status_code == 200
        except requests.RequestException:
            ok = False
        if ok:
            times.append((time.monotonic() - started) * 1000)
        else:
            failed += 1
    return {"median_ms": statistics.median(times) if times else None, "p95_ms": _p(times, 95), "failed": failed,
            "samples": times}


def _p(values: list[float], q: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def transactions() -> int:
    with psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True) as owner:
        return owner.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


async def wait_one(url: str, approval_id: int, token: str) -> tuple[int, str, float]:
    """An agent: waits, and waits again while its approval is pending. (status, approval status or error, answer time)."""
    while True:
        status, state, at = await _wait_once(url, approval_id, token)
        if (status, state) != (200, "pending"):
            return status, state, at


async def _wait_once(url: str, approval_id: int, token: str) -> tuple[int, str, float]:
    host, port = url.removeprefix("http://").split(":")
    try:
        reader, writer = await asyncio.open_connection(host, int(port), limit=2**20)
        writer.write(
            f"GET /api/v1/approvals/{approval_id}/?wait=60 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 120)
        writer.close()
    except (OSError, TimeoutError) as exc:
        return 0, type(exc).__name__, time.monotonic()
    if not raw:
        return 0, "cut off", time.monotonic()
    status = int(raw.split(b" ", 2)[1])
    found = re.search(rb'"status":"(\w+)"', raw)
    return status, found.group(1).decode() if found else "?", time.monotonic()


async def settled(within: float) -> float:
    """Until the database's transaction count stops moving (every request has reached its wait); seconds taken."""
    started = time.monotonic()
    last = await asyncio.to_thread(transactions)
    while time.monotonic() - started < within:
        await asyncio.sleep(1)
        now = await asyncio.to_thread(transactions)
        if now - last <= 3:
            break
        last = now
    return time.monotonic() - started


async def scenario(url: str, ids: list[int], token: str, session: requests.Session, args) -> dict:
    from approvals.services import approval_decide
    from hotdash.db_context import Role, acting_as

    tasks = [asyncio.ensure_future(wait_one(url, pk, token)) for pk in ids]
    settle_seconds = await settled(within=args.settle)
    held = sum(not task.done() for task in tasks)
    before = await asyncio.to_thread(transactions)
    await asyncio.sleep(args.idle_seconds)
    idle_tps = (await asyncio.to_thread(transactions) - before - 1) / args.idle_seconds
    loaded = await asyncio.to_thread(queue_latency, session, url, args.page_requests)

    decided_at = {}

    def decide_all() -> None:
        for pk in ids:
            with acting_as(Role.OPERATOR):
                try:
                    approval_decide(approval_id=pk, outcome="approved", decided_by="bench-operator")
                except Exception:  # already expired or decided: its waiter is judged by its answer
                    pass
            decided_at[pk] = time.monotonic()
            time.sleep(1 / args.decide_rate)

    await asyncio.to_thread(decide_all)
    answers = await asyncio.gather(*tasks)
    latencies, failed = [], 0
    for pk, (status, state, at) in zip(ids, answers, strict=True):
        if status == 200 and state == "approved":
            latencies.append((at - decided_at[pk]) * 1000)
        else:
            failed += 1
    return {
        "waiters": len(ids), "held": held, "settled_in_s": round(settle_seconds, 1), "idle_db_transactions_per_s": round(idle_tps, 1),
        "queue_under_load": loaded, "answered": len(latencies), "failed": failed,
        "wakeup_p50_ms": _p(latencies, 50), "wakeup_p99_ms": _p(latencies, 99), "latencies": latencies,
        "within_1s": sum(1 for value in latencies if value <= 1000),
    }


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--waiters", type=int, default=1000)
    parser.add_argument("--decide-rate", type=float, default=100.0, help="decisions per second")
    parser.add_argument("--page-requests", type=int, default=20)
    parser.add_argument("--servers", default="asgi,wsgi")
    parser.add_argument("--settle", type=float, default=45, help="most seconds to wait for the waiters to settle")
    parser.add_argument("--idle-seconds", type=float, default=5, help="how long the idle database is watched")
    args = parser.parse_args()
    if args.scale:
        # The issue's 1,000 waiters at a million rows; a smoke run's scale gives a handful.
        args.waiters = max(20, min(1000, args.scale // 1000))
    if args.quick:
        # The old server holds each wait until its 30 s worker timeout: too slow for a smoke run, which measures
        # today's server only (its queue page's baseline is then its own unloaded time).
        args.servers, args.page_requests, args.settle, args.decide_rate, args.idle_seconds = "asgi", 3, 10, 200.0, 2
    django.setup()
    from django.contrib.auth.models import Group, User

    from tests.api_client import issue_token
    from tools.devstack import web_command

    user, _ = User.objects.get_or_create(username=OPERATOR[0])
    user.set_password(OPERATOR[1])
    user.is_staff = True
    user.save()
    user.groups.set([Group.objects.get(name="Operators")])
    token = issue_token("--role", "ingest", "--client", "bench-platform")
    commands = {
        "asgi": lambda addr: web_command(addr, workers=2),
        "wsgi": lambda addr: [sys.executable, "-m", "gunicorn", "hotdash.wsgi:application", "--workers", "4", "--bind", addr],
    }
    results = {}
    for name in args.servers.split(","):
        ids = approvals_queue(args.waiters)
        process, url = server_start(commands[name])
        try:
            session = operator_session(url)
            unloaded = queue_latency(session, url, args.page_requests)
            result = asyncio.run(scenario(url, ids, token, session, args))
            result["queue_unloaded"] = unloaded
            results[name] = result
        finally:
            server_stop(process)
        print(name, result, flush=True)
    if args.json:
        results_write(args, results)
    print("RESULTS", results)


def results_write(args, results: dict) -> None:
    """Each figure of today's server (asgi) next to its baseline (the old wsgi line, or its own unloaded time)."""
    new, old = results["asgi"], results.get("wsgi", {})
    figures = Figures("waiting_agents", args, scale={"waiters": args.waiters})
    figures.add("waiters held", new["held"], unit="waiters", baseline=old.get("held"), baseline_name="old WSGI line",
                target=f">= {args.waiters}")
    figures.add("waiters answered within 1 s of the decision", new["within_1s"], unit="waiters",
                baseline=old.get("within_1s"), baseline_name="old WSGI line", target=f">= {args.waiters}")
    figures.add("wake-up latency (decision to answer)", new["latencies"], unit="ms",
                baseline=old.get("latencies") or None, baseline_name="old WSGI line", target="< 1000 ms")
    figures.add("failed waits (5xx, cut off)", new["failed"], unit="waits", baseline=old.get("failed"),
                baseline_name="old WSGI line", target="<= 0")
    figures.add("database transactions per second, waiters idle", new["idle_db_transactions_per_s"], unit="1/s",
                baseline=old.get("idle_db_transactions_per_s"), baseline_name="old WSGI line", target="< 1")
    loaded, unloaded = new["queue_under_load"], new["queue_unloaded"]
    figures.add("queue page under the waiters' load", loaded["samples"] or None, unit="ms",
                baseline=unloaded["samples"] or None, baseline_name="unloaded, same server",
                met=bool(loaded["samples"]) and loaded["median_ms"] <= 2 * unloaded["median_ms"], target="<= 2x unloaded")
    if old:
        figures.add("queue page under load, old WSGI line", old["queue_under_load"]["samples"] or None, unit="ms",
                    baseline=old["queue_unloaded"]["samples"] or None, baseline_name="unloaded, same server",
                    note=f"{old['queue_under_load']['failed']} of {args.page_requests} loads failed")
    figures.write()


if __name__ == "__main__":
    main()
