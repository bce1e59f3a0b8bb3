"""The operator workbench at volume: 100k pending and 1M decided approvals.

    make bench BENCH="approvals_workbench"                 # both parts
    make bench BENCH="approvals_workbench --part queue"    # page server times only
    make bench BENCH="approvals_workbench --part decide"   # decisions per second only

Part 1, queue pages: server time of our queue pages (rendered in-process by Django's test client as an
operator, so no network is in the figure), next to the stock Django admin changelist of the same table under
the same role (a plain `admin.ModelAdmin`, mounted at /stock-admin/ for this run only).
Part 2, decisions: gunicorn serving the API, `wrk` (Debian package) as 8 concurrent operators posting
`/approve/` over HTTP, each on its own pending approvals; then the same 8 deciders all on the same
approvals (every one tried by several at once) to show the single-use rule under contention; next to
pgbench running the bare conditional UPDATE (+ audit INSERT) of the decide service with 8 clients.
After each part the data set is put back to 100k pending / 1M decided.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

PENDING = 100_000
DECIDED = 1_000_000
BENCH_DECIDER = "bench-decider"
PORT = 8765
AGENTS = ["support-agent", "billing-agent", "ops-agent", "privacy-agent"]
TOOLS = ["issue_refund", "change_subscription", "issue_gift_card", "export_customer_data", "apply_policy_exception",
         "bulk_update_orders"]


# --- the data set ---------------------------------------------------------------------------------------


# A run state the real SDK wrote (8 kB as text), so rows are as wide as production's.
RUN_STATE_FIXTURE = Path(__file__).resolve().parent.parent / "tests/demo/fixtures/sdk_0_24_state_one_call.json"


def state_template() -> str:
    return json.dumps(json.loads(RUN_STATE_FIXTURE.read_text()))


INSERT_SQL = """
INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status, approved_by, reason,
                             decided_at, expires_at, call_id, schema_version, created_at, updated_at)
SELECT 'conv-' || i,
       %(state)s::jsonb,
       jsonb_build_array(jsonb_build_object(
           'tool_name', (%(tools)s::text[])[1 + i %% 6],
           'arguments', jsonb_build_object('order_id', (100000 + i)::text, 'amount', (i %% 500) + 0.5),
           'call_id', 'bench_' || %(kind)s || '_' || i,
           'agent', (%(agents)s::text[])[1 + i %% 4])),
       %(status)s::text,
       CASE WHEN %(status)s::text IN ('approved', 'rejected') THEN 'operator-' || (i %% 7) END,
       CASE WHEN %(status)s::text = 'rejected' THEN 'over the refund limit'
            WHEN %(status)s::text = 'expired' THEN 'no decision within TTL' END,
       CASE WHEN %(status)s::text <> 'pending' THEN now() - (i %% 129600) * interval '1 minute' END,
       now() + interval '1 day',
       'bench_' || %(kind)s || '_' || i, '1.21',
       now() - (CASE WHEN %(status)s::text = 'pending' THEN (i %% 600) ELSE (i %% 129600) + 5 END) * interval '1 minute',
       now()
FROM generate_series(%(start)s, %(stop)s) i
"""


def insert_rows(owner: psycopg.Connection, *, kind: str, status: str, start: int, stop: int) -> None:
    chunk = 100_000
    for first in range(start, stop + 1, chunk):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(INSERT_SQL, {"state": state_template(), "tools": TOOLS, "agents": AGENTS, "kind": kind,
                                       "status": status, "start": first, "stop": min(first + chunk - 1, stop)})


def counts(owner: psycopg.Connection) -> tuple[int, int]:
    pending, decided = owner.execute(
        "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status <> 'pending')"
        " FROM agent_approvals"
    ).fetchone()
    return pending, decided


def prepare(owner: psycopg.Connection) -> None:
    """Exactly PENDING pending and DECIDED decided approvals; what a previous decision run decided is replaced."""
    if counts(owner) == (0, 0) or owner.execute(
        "SELECT count(*) FROM agent_approvals WHERE call_id NOT LIKE 'bench\\_%%'"
    ).fetchone()[0]:
        started = time.perf_counter()
        owner.execute("TRUNCATE agent_approvals, approval_decisions, approval_leases")
        insert_rows(owner, kind="p", status="pending", start=1, stop=PENDING)
        for index, status in enumerate(("approved", "rejected", "expired")):
            share = DECIDED // 3 + (DECIDED % 3 if index == 0 else 0)
            insert_rows(owner, kind=status[0], status=status, start=1, stop=share)
        owner.execute("VACUUM ANALYZE agent_approvals")
        owner.execute("CHECKPOINT")
        print(f"data set: {PENDING:,} pending + {DECIDED:,} decided approvals loaded in {time.perf_counter() - started:.0f}s")
        return
    (used,) = owner.execute(
        "SELECT count(*) FROM agent_approvals WHERE approved_by IN (%s, 'bench-sql')", [BENCH_DECIDER]
    ).fetchone()
    if counts(owner) == (PENDING, DECIDED) and not used:
        print(f"data set: {PENDING:,} pending + {DECIDED:,} decided approvals, reused")
        return
    # Put back what a decision run used up: its decisions go, and the queue is refilled with a fresh,
    # contiguous block of pending ids (the decision runs address approvals by id range).
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        owner.execute("DELETE FROM approval_leases")
        owner.execute("DELETE FROM approval_decisions WHERE decided_by IN (%s, 'bench-sql')", [BENCH_DECIDER])
        owner.execute("DELETE FROM agent_approvals WHERE approved_by IN (%s, 'bench-sql') OR status = 'pending'",
                      [BENCH_DECIDER])
        (top,) = owner.execute("SELECT coalesce(max(substring(call_id from 9)::int), 0) FROM agent_approvals"
                               " WHERE call_id LIKE 'bench\\_p\\_%%'").fetchone()
    insert_rows(owner, kind="p", status="pending", start=top + 1, stop=top + PENDING)
    owner.execute("VACUUM ANALYZE agent_approvals")
    # Write the load's dirty pages out now, not during the timed runs.
    owner.execute("CHECKPOINT")
    print(f"data set: {counts(owner)[0]:,} pending + {counts(owner)[1]:,} decided approvals")


def bench_queue_pages(repeat: int) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client, override_settings

    from approvals.models import AgentApproval
    from hotdash.db_context import Role, acting_as

    user, _ = User.objects.get_or_create(username="bench-operator", defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name="Operators")])
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    with acting_as(Role.SERVICE):
        oldest = AgentApproval.objects.filter(status="pending").order_by("created_at", "id").first()
    pages = {
        "queue (pending, oldest first), page 1": "/admin/approvals/agentapproval/",
        "queue, page 20": "/admin/approvals/agentapproval/?p=20",
        "queue filtered by agent": "/admin/approvals/agentapproval/?agent=billing-agent",
        "queue filtered by tool": "/admin/approvals/agentapproval/?tool=issue_gift_card",
        "queue, SLA breached": "/admin/approvals/agentapproval/?sla=breached",
        "all 1.1M approvals, newest first": "/admin/approvals/agentapproval/?status=all",
        "item page (claims a lease)": f"/admin/approvals/agentapproval/{oldest.pk}/change/",
        "live counts (JSON, every 3 s per open queue)": "/admin/approvals/agentapproval/queue-stats/",
        "baseline: stock Django admin changelist": "/stock-admin/approvals/agentapproval/",
        "baseline: stock changelist, filtered to pending": "/stock-admin/approvals/agentapproval/?status__exact=pending",
    }
    print("\n### Queue pages: server time (in-process, as an operator)\n")
    print(f"{repeat} requests each after 3 warm-ups.\n")
    print("| page | median ms | p95 ms | queries |")
    print("|---|---|---|---|")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with override_settings(ROOT_URLCONF="benchmarks.stock_admin_urls"):
        for name, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, url
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            ordered = sorted(samples)
            print(f"| {name} | {statistics.median(ordered):.1f} | {ordered[int(len(ordered) * 0.95) - 1]:.1f} | {len(queries)} |")


# --- part 2: decisions per second ------------------------------------------------------------------------

WRK_SCRIPT = """
-- Each connection decides its own slice of pending approval ids (or, with shared=true, every connection
-- walks the same ids, so each approval is tried by several deciders at once).
local token, first, count, connections, shared = "%(token)s", %(first)d, %(count)d, %(connections)d, %(shared)s
local threads = {}
local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  ok, conflict, other, n = 0, 0, 0, 0
  per_thread = math.floor(count / %(threads)d)
end
function request()
  local offset
  if shared then offset = math.floor(n / connections) %% count
  else offset = (index * per_thread + n) %% count end
  n = n + 1
  return wrk.format("POST", "/api/v1/approvals/" .. (first + offset) .. "/approve/",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, "{}")
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 409 then conflict = conflict + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_conflict, total_other = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_conflict = total_conflict + thread:get("conflict")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("RESULT ok=%%d conflict=%%d other=%%d p50=%%.2f p99=%%.2f seconds=%%.2f\\n",
    total_ok, total_conflict, total_other, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.duration / 1e6))
end
"""


def operator_token() -> str:
    django.setup()
    from django.contrib.auth.models import Group, User

    from hotdash.tokens import ConsoleTokenObtainPairSerializer

    user, _ = User.objects.get_or_create(username=BENCH_DECIDER, defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name="Operators")])
    return str(ConsoleTokenObtainPairSerializer.get_token(user).access_token)


def start_gunicorn(workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hotdash.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync",
         "--log-level", "warning", "--keep-alive", "5"],
        env={**os.environ, "DJANGO_LOG_LEVEL": "ERROR"},
    )
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run_wrk(script: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{PORT}"],
        capture_output=True, text=True, check=True,
    ).stdout
    match = re.search(r"RESULT ok=(\d+) conflict=(\d+) other=(\d+) p50=([\d.]+) p99=([\d.]+) seconds=([\d.]+)", out)
    ok, conflict, other = (int(match.group(i)) for i in (1, 2, 3))
    return {"ok": ok, "conflict": conflict, "other": other, "p50": float(match.group(4)),
            "p99": float(match.group(5)), "seconds": float(match.group(6))}


def decided_by_bench(owner: psycopg.Connection) -> tuple[int, int, int]:
    """(approvals decided by the bench user, their audit rows, approvals with more than one audit row)."""
    return owner.execute(
        "SELECT (SELECT count(*) FROM agent_approvals WHERE approved_by = %(who)s),"
        " (SELECT count(*) FROM approval_decisions WHERE decided_by = %(who)s),"
        " (SELECT count(*) FROM (SELECT approval_id FROM approval_decisions GROUP BY 1 HAVING count(*) > 1) d)",
        {"who": BENCH_DECIDER},
    ).fetchone()


PGBENCH_SCRIPT = """\\set id random(%(first)d, %(last)d)
BEGIN;
SET LOCAL ROLE hotdash_operator;
UPDATE agent_approvals SET status = 'approved', approved_by = 'bench-sql', reason = NULL, decided_at = clock_timestamp()
  WHERE id = :id AND status = 'pending' AND (expires_at IS NULL OR expires_at > clock_timestamp());
INSERT INTO approval_decisions (approval_id, outcome, decided_by, via)
  SELECT :id, 'approved', 'bench-sql', 'api' WHERE EXISTS (SELECT 1 FROM agent_approvals WHERE id = :id AND approved_by = 'bench-sql')
  ON CONFLICT (approval_id) DO NOTHING;
COMMIT;
"""


def bench_decisions(owner: psycopg.Connection, seconds: int, workers: int, threads: int) -> None:
    token = operator_token()
    first, last = owner.execute("SELECT min(id), max(id) FROM agent_approvals WHERE status = 'pending'").fetchone()
    pool = last - first + 1
    print("\n### Decisions per second: 8 concurrent operators over HTTP\n")
    print(f"gunicorn {workers} worker(s) x {threads} thread(s), wrk -t2 -c8 for {seconds}s per run,"
          f" on {pool:,} pending approvals (ids {first}-{last}).\n")
    print("| run | decisions/s | 200 | 409 | other | p50 ms | p99 ms | decided in DB | audit rows | double decisions |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    server = start_gunicorn(workers, threads)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, shared, span in (("own approvals each", "false", pool // 2), ("all on the same approvals", "true", pool // 2)):
                start = first if shared == "false" else first + pool // 2
                script = Path(tmp) / f"{shared}.lua"
                script.write_text(WRK_SCRIPT % {"token": token, "first": start, "count": span, "connections": 8,
                                                "shared": shared, "threads": 2})
                before = decided_by_bench(owner)
                result = run_wrk(script, seconds, 8)
                after = decided_by_bench(owner)
                decided, audited = after[0] - before[0], after[1] - before[1]
                print(f"| {name} | {result['ok'] / result['seconds']:.0f} | {result['ok']} | {result['conflict']} |"
                      f" {result['other']} | {result['p50']:.1f} | {result['p99']:.1f} | {decided} | {audited} | {after[2]} |")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "decide.sql"
        script.write_text(PGBENCH_SCRIPT % {"first": first, "last": last})
        before = owner.execute("SELECT count(*) FROM agent_approvals WHERE approved_by = 'bench-sql'").fetchone()[0]
        url = os.environ["DATABASE_OWNER_URL"]
        out = subprocess.run(["pgbench", "-n", "-c", "8", "-j", "2", "-T", str(seconds), "-f", str(script), url],
                             capture_output=True, text=True, check=True).stdout
        after = owner.execute("SELECT count(*) FROM agent_approvals WHERE approved_by = 'bench-sql'").fetchone()[0]
        tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
        latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
        print(f"\nBaseline, the bare conditional UPDATE + audit INSERT in SQL (pgbench -c 8 -j 2 -T {seconds},"
              f" random pending ids): {tps:.0f} transactions/s, {(after - before) / seconds:.0f} decisions/s"
              f" (the rest found the approval already decided), average latency {latency:.2f} ms.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["queue", "decide", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    prepare(owner)
    if args.part in ("queue", "all"):
        bench_queue_pages(args.repeat)
    if args.part in ("decide", "all"):
        bench_decisions(owner, args.seconds, args.workers, args.threads)
        prepare(owner)


if __name__ == "__main__":
    main()
