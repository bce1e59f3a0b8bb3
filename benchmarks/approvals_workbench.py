"""The operator workbench at volume: 100k pending and 1M decided approvals (`--scale N`: N decided, N/10 pending).

    make bench SCALE=1000000 BENCH=approvals_workbench     # both parts, figures to bench/results.json
    make bench BENCH="approvals_workbench"                 # both parts
    make bench BENCH="approvals_workbench --part queue"    # page server times only
    make bench BENCH="approvals_workbench --part decide"   # decisions per second only

Part 1, queue pages: server time of our queue pages (rendered in-process by Django's test client as an
operator, so no network is in the figure), next to the stock Django admin changelist of the same table under
the same role (a plain `admin.ModelAdmin`, mounted at /stock-admin/ for this run only).
Part 2, decisions: README's production line serving the API (`--server wsgi`: the older synchronous gunicorn
workers), `wrk` (Debian package) as 8 concurrent operators posting
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

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

PENDING = 100_000
DECIDED = 1_000_000
BENCH_DECIDER = "bench-decider"
QUICK = False
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
FROM generate_series(%(start)s::int, %(stop)s::int) i
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
    (decided_here,) = owner.execute(
        "SELECT count(*) FROM agent_approvals WHERE status <> 'pending' AND approved_by IS DISTINCT FROM %s"
        " AND approved_by IS DISTINCT FROM 'bench-sql'", [BENCH_DECIDER]).fetchone()
    if decided_here != DECIDED or owner.execute(
        "SELECT count(*) FROM agent_approvals WHERE call_id NOT LIKE 'bench\\_%%'"
    ).fetchone()[0]:
        started = time.perf_counter()
        owner.execute("TRUNCATE agent_approvals, approval_decisions, approval_leases")
        insert_rows(owner, kind="p", status="pending", start=1, stop=PENDING)
        for index, status in enumerate(("approved", "rejected", "expired")):
            share = DECIDED // 3 + (DECIDED % 3 if index == 0 else 0)
            insert_rows(owner, kind=status[0], status=status, start=1, stop=share)
        owner.execute("VACUUM ANALYZE agent_approvals")
        if not QUICK:
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
    # Write the load's dirty pages out now, not during the timed runs (a smoke run's figures mean nothing).
    if not QUICK:
        owner.execute("CHECKPOINT")
    print(f"data set: {counts(owner)[0]:,} pending + {counts(owner)[1]:,} decided approvals")


# The targets for the queue pages (issue 8, section 2): median server time and queries per page.
QUEUE_TARGET_MS, ITEM_TARGET_MS, COUNTS_TARGET_MS, QUEUE_MAX_QUERIES = 60, 30, 10, 10


def bench_queue_pages(repeat: int, figures: Figures) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from approvals.models import AgentApproval
    from approvals.selectors import sla_deadline
    from hotdash.db_context import Role, acting_as

    user, _ = User.objects.get_or_create(username="bench-operator", defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name="Operators")])
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    with acting_as(Role.SERVICE):
        oldest = AgentApproval.objects.filter(status="pending").order_by("created_at", "id").first()
    history = f"all {PENDING + DECIDED:,} approvals, newest first"
    deep = min(20, -(-PENDING // 50))
    queue = "/admin/approvals/agentapproval/"
    stock = "/stock-admin/approvals/agentapproval/"
    # page name -> (our URL, its baseline in the stock admin)
    pages = {
        "queue (pending, oldest first), page 1": (queue, stock + "?status__exact=pending"),
        # Page 20 of 50 rows, or the last page of a smaller queue (a smoke run).
        "queue, page 20": (queue + f"?p={deep}", stock + f"?status__exact=pending&p={deep}"),
        "queue filtered by agent": (queue + "?agent=billing-agent", stock + "?status__exact=pending"),
        "queue filtered by tool": (queue + "?tool=issue_gift_card", stock + "?status__exact=pending"),
        "queue, SLA breached": (queue + "?sla=breached", stock + "?status__exact=pending"),
        "approved only (a third of the history)": (queue + "?status=approved", stock + "?status__exact=approved"),
        history: (queue + "?status=all", stock),
        "item page (claims a lease)": (f"{queue}{oldest.pk}/change/", f"{stock}{oldest.pk}/change/"),
        "live counts (JSON, every 3 s per open queue)": (queue + "queue-stats/", None),
    }

    def timed(url: str) -> tuple[list[float], int]:
        for _ in range(1 if QUICK else 3):
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return samples, len(queries)

    def bare_counts() -> list[float]:
        """The live counts' SQL alone, as the operator role, through Django's connection: the database's share."""
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            with acting_as(Role.OPERATOR), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*), count(*) FILTER (WHERE created_at < %s), min(created_at)"
                    " FROM agent_approvals WHERE status = 'pending'", [sla_deadline()])
                cursor.fetchone()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    print("\n### Queue pages: server time (in-process, as an operator)\n")
    print(f"{repeat} requests each after 3 warm-ups; baseline: the stock Django admin of the same table, same role.\n")
    print("| page | median ms | p95 ms | queries | baseline median ms | baseline queries |")
    print("|---|---|---|---|---|---|")
    with override_settings(ROOT_URLCONF="benchmarks.stock_admin_urls"):
        for name, (url, baseline_url) in pages.items():
            samples, queries = timed(url)
            if baseline_url:
                baseline, baseline_queries = timed(baseline_url)
                baseline_name = "stock Django admin"
            else:
                baseline, baseline_queries, baseline_name = bare_counts(), 1, "its SQL alone"
            is_queue = name.startswith("queue")
            target = {True: QUEUE_TARGET_MS, False: ITEM_TARGET_MS if name.startswith("item") else
                      COUNTS_TARGET_MS if name.startswith("live") else None}[is_queue]
            median = statistics.median(samples)
            figures.add(name, samples, unit="ms", baseline=baseline, baseline_name=baseline_name,
                        target=f"< {target} ms" if target else None, met=median < target if target else None)
            figures.add(f"{name}: queries", queries, unit="queries", baseline=baseline_queries,
                        baseline_name=baseline_name, target=f"<= {QUEUE_MAX_QUERIES}" if is_queue else None,
                        met=queries <= QUEUE_MAX_QUERIES if is_queue else None)
            ordered = sorted(samples)
            print(f"| {name} | {median:.1f} | {ordered[max(0, int(len(ordered) * 0.95) - 1)]:.1f} | {queries} |"
                  f" {statistics.median(baseline):.1f} | {baseline_queries} |", flush=True)


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


def start_gunicorn(workers: int, threads: int, server_line: str) -> subprocess.Popen:
    """README's production line (`asgi`: gunicorn managing uvicorn workers), or the older synchronous one."""
    if server_line == "asgi":
        from tools.devstack import web_command

        command = web_command(f"127.0.0.1:{PORT}", workers)
    else:
        command = [sys.executable, "-m", "gunicorn", "hotdash.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
                   "--workers", str(workers), "--threads", str(threads),
                   "--worker-class", "gthread" if threads > 1 else "sync"]
    server = subprocess.Popen([*command, "--log-level", "warning", "--keep-alive", "5"],
                              env={**os.environ, "DJANGO_LOG_LEVEL": "ERROR"})
    import urllib.request

    # Every worker answers before the timed run starts (the master listens before its workers have booted).
    deadline = time.monotonic() + 60
    answered = 0
    while time.monotonic() < deadline and answered < 4 * workers:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as response:
                answered += response.status == 200
        except OSError:
            time.sleep(0.2)
    if answered:
        return server
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


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, from /proc/stat): web, database, Redis, wrk."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [server.pid, *(int(pid) for pid in children.read_text().split())] if children.exists() else [server.pid]


def bench_decisions(owner: psycopg.Connection, seconds: int, workers: int, threads: int, server_line: str,
                    figures: Figures) -> None:
    token = operator_token()
    first, last = owner.execute("SELECT min(id), max(id) FROM agent_approvals WHERE status = 'pending'").fetchone()
    pool = last - first + 1
    print("\n### Decisions per second: 8 concurrent operators over HTTP\n")
    shape = "uvicorn workers (README's production line)" if server_line == "asgi" else f"sync worker(s) x {threads} thread(s)"
    print(f"gunicorn, {workers} {shape}, wrk -t2 -c8 for {seconds}s per run,"
          f" on {pool:,} pending approvals (ids {first}-{last}).\n")
    print("| run | decisions/s | web CPU ms/decision | machine CPU ms/decision | 200 | 409 | other | p50 ms | p99 ms |"
          " decided in DB | audit rows | double decisions |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    server = start_gunicorn(workers, threads, server_line)
    runs = {}
    try:
        pids = worker_pids(server)
        with tempfile.TemporaryDirectory() as tmp:
            for name, shared, span in (("own approvals each", "false", pool // 2), ("all on the same approvals", "true", pool // 2)):
                start = first if shared == "false" else first + pool // 2
                script = Path(tmp) / f"{shared}.lua"
                script.write_text(WRK_SCRIPT % {"token": token, "first": start, "count": span, "connections": 8,
                                                "shared": shared, "threads": 2})
                before = decided_by_bench(owner)
                web_before, machine_before = cpu_seconds(pids), machine_busy_seconds()
                result = run_wrk(script, seconds, 8)
                web_cpu, machine_cpu = cpu_seconds(pids) - web_before, machine_busy_seconds() - machine_before
                after = decided_by_bench(owner)
                decided, audited = after[0] - before[0], after[1] - before[1]
                per = max(decided, 1)
                runs[name] = {**result, "decided": decided, "web_cpu_ms": web_cpu * 1000 / per,
                              "machine_cpu_ms": machine_cpu * 1000 / per, "double": after[2]}
                print(f"| {name} | {result['ok'] / result['seconds']:.0f} | {web_cpu * 1000 / per:.1f} |"
                      f" {machine_cpu * 1000 / per:.1f} | {result['ok']} | {result['conflict']} |"
                      f" {result['other']} | {result['p50']:.1f} | {result['p99']:.1f} | {decided} | {audited} | {after[2]} |",
                      flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "decide.sql"
        script.write_text(PGBENCH_SCRIPT % {"first": first, "last": last})
        before = owner.execute("SELECT count(*) FROM agent_approvals WHERE approved_by = 'bench-sql'").fetchone()[0]
        machine_before = machine_busy_seconds()
        url = os.environ["DATABASE_OWNER_URL"]
        out = subprocess.run(["pgbench", "-n", "-c", "8", "-j", "2", "-T", str(seconds), "-f", str(script), url],
                             capture_output=True, text=True, check=True).stdout
        machine_cpu = machine_busy_seconds() - machine_before
        after = owner.execute("SELECT count(*) FROM agent_approvals WHERE approved_by = 'bench-sql'").fetchone()[0]
        tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
        latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
        sql_rate = (after - before) / seconds
        sql_cpu_ms = machine_cpu * 1000 / max(after - before, 1)
        print(f"\nBaseline, the bare conditional UPDATE + audit INSERT in SQL (pgbench -c 8 -j 2 -T {seconds},"
              f" random pending ids): {tps:.0f} transactions/s, {sql_rate:.0f} decisions/s"
              f" (the rest found the approval already decided), average latency {latency:.2f} ms,"
              f" machine CPU {sql_cpu_ms:.1f} ms per decision.")
    own = runs["own approvals each"]
    figures.add("decisions/s, 8 operators on their own approvals", own["ok"] / own["seconds"], unit="1/s",
                baseline=sql_rate, baseline_name="the decision's SQL alone (pgbench)", target=">= 500",
                met=own["ok"] / own["seconds"] >= 500)
    figures.add("CPU ms per decision, web workers", own["web_cpu_ms"], unit="ms", note="gunicorn's processes, /proc")
    figures.add("CPU ms per decision, whole machine", own["machine_cpu_ms"], unit="ms", baseline=sql_cpu_ms,
                baseline_name="the decision's SQL alone (pgbench)", note="web + PostgreSQL + Redis + wrk, /proc/stat")
    figures.add("decision latency p99", own["p99"], unit="ms", baseline=latency,
                baseline_name="pgbench average latency", target="< 50 ms", met=own["p99"] < 50)
    contended = runs["all on the same approvals"]
    figures.add("double decisions, 8 operators on the same approvals", contended["double"], unit="approvals",
                target="0", met=contended["double"] == 0)


def main() -> None:
    global PENDING, DECIDED, QUICK
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--part", choices=["queue", "decide", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker of the wsgi line")
    parser.add_argument("--server", choices=["asgi", "wsgi"], default="asgi",
                        help="the web server: README's production line (asgi, default) or the older sync one")
    args = parser.parse_args()
    if args.scale:
        # The shape: a tenth as many pending as decided approvals (100k / 1M at SCALE=1000000).
        DECIDED, PENDING = args.scale, max(args.scale // 10, 100)
    if args.quick:
        args.repeat, args.seconds, args.workers, QUICK = 2, 2, 2, True
    figures = Figures("approvals_workbench", args, scale={"pending": PENDING, "decided": DECIDED})
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    prepare(owner)
    if args.part in ("queue", "all"):
        bench_queue_pages(args.repeat, figures)
    if args.part in ("decide", "all"):
        bench_decisions(owner, args.seconds, args.workers, args.threads, args.server, figures)
        prepare(owner)
    figures.write()


if __name__ == "__main__":
    main()
