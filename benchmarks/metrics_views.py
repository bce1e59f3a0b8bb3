"""The metrics views, their refreshes, the metrics API, the dashboard and bulk ingestion at volume.

    make bench BENCH="metrics_views --rows 10000000"

Loads `--rows` agent_queries over the last 60 days (six agents) and `--approvals` approvals over the last day,
then, in one run so every figure sees the same machine:
1. the refresh time of each materialized view (the realtime ones `--refreshes` times, concurrently) and of the
   daily rollup;
2. p50 / p95 of every metrics endpoint through the whole request path (middleware, role, RLS, serializer), with
   its cache bypassed (a distinct query string per call) and cached, next to the endpoint's SQL run directly as
   the same role;
3. the dashboard page (the admin's home page as an operator);
4. ingestion through the API: POST /api/v1/queries/ in batches of 1,000, 100 and 1, decision sync events and
   log lines one a request, next to COPY of the batched rows (as the owner: PostgreSQL refuses COPY FROM under
   row-level security).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import django
import psycopg

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")
# The benchmark is one client calling as fast as it can: the per-minute limits would answer 429 after a second.
os.environ["HOTDASH_API_RATE_MACHINE"] = "100000000/minute"
os.environ["HOTDASH_API_RATE_USER"] = "100000000/minute"

LOAD_CHUNK = 500_000
AGENTS = ["data", "support", "marketing", "engineer", "inventory", "content"]


def load(owner: psycopg.Connection, rows: int, approvals: int) -> None:
    started = time.perf_counter()
    owner.execute("TRUNCATE agent_queries, agent_approvals CASCADE")
    owner.execute("TRUNCATE agent_daily_metrics, metrics_refreshes")
    for start in range(0, rows, LOAD_CHUNK):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(
                "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms,"
                " created_at)"
                " SELECT 'q ' || i, '{}', 'conv-' || (i / 7), (%(agents)s::text[])[1 + i %% 6],"
                " CASE WHEN i %% 3 = 0 THEN NULL ELSE i %% 10 <> 0 END, i %% 9 = 0, 20 + i %% 400,"
                " now() - (i %% 86400) * interval '1 minute'"
                " FROM generate_series(%(start)s::int, %(stop)s::int) i",
                {"agents": AGENTS, "start": start + 1, "stop": min(start + LOAD_CHUNK, rows)},
            )
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        owner.execute(
            "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, created_at, status,"
            " decided_at, approved_by)"
            " SELECT 'conv-' || i, '{}', jsonb_build_array(jsonb_build_object('agent', 'support')),"
            " now() - (i %% 1440) * interval '1 minute',"
            " CASE WHEN i %% 4 = 0 THEN 'pending' ELSE 'approved' END,"
            " CASE WHEN i %% 4 = 0 THEN NULL ELSE now() - (i %% 1440) * interval '1 minute' + interval '3 minutes' END,"
            " CASE WHEN i %% 4 = 0 THEN NULL ELSE 'op' END"
            " FROM generate_series(1, %(n)s::int) i",
            {"n": approvals},
        )
    owner.execute("VACUUM ANALYZE agent_queries")
    owner.execute("VACUUM ANALYZE agent_approvals")
    print(f"loaded {rows:,} agent_queries and {approvals:,} approvals in {time.perf_counter() - started:.1f}s\n")


# The run's figures for --json (benchmarks/figures.py); set by main().
FIGURES = Figures("metrics_views")


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def refresh_times(repeat: int) -> None:
    from hotdash.db_context import Role, acting_as
    from metrics.services import (
        DAILY_VIEW,
        DATA_QUALITY_VIEW,
        REALTIME_VIEWS,
        daily_metrics_rollup,
        materialized_view_refresh,
    )

    print("| refresh | runs | median ms | max ms |\n|---|---|---|---|")
    with acting_as(Role.SERVICE):
        rollup = daily_metrics_rollup()
    print(f"| daily rollup (first run: every closed day) | 1 | {rollup.duration_ms} | {rollup.duration_ms} |")
    for name, runs in [*((view, repeat) for view in REALTIME_VIEWS), (DAILY_VIEW, 3), (DATA_QUALITY_VIEW, 3)]:
        durations = []
        for _ in range(runs):
            with acting_as(Role.SERVICE):
                durations.append(materialized_view_refresh(name).duration_ms)
        print(f"| {name} | {runs} | {statistics.median(durations):.0f} | {max(durations)} |")
        FIGURES.add(f"refresh {name}", durations, unit="ms")
    print()


ENDPOINTS = {
    # endpoint: (who, the SQL it amounts to)
    "metrics/agent-performance/": ("monitoring", "SELECT * FROM mv_agent_performance_realtime ORDER BY agent LIMIT 50"),
    "metrics/agent-accuracy/?day_from={week_ago}": (
        "monitoring", "SELECT * FROM mv_daily_agent_metrics WHERE day >= current_date - 7 ORDER BY day DESC, agent LIMIT 50"
    ),
    "metrics/approval-queue/": ("operator", "SELECT * FROM mv_approval_queue_status ORDER BY status LIMIT 50"),
    "metrics/approval-queue-depth/?hour_from={day_ago}": (
        "operator",
        "SELECT * FROM mv_approval_queue_depth WHERE hour >= now() - interval '24 hours' ORDER BY hour DESC LIMIT 50",
    ),
    "metrics/agent-kpis/": ("monitoring", "SELECT * FROM v_agent_kpis ORDER BY day DESC, agent_name LIMIT 50"),
    "metrics/data-quality/": ("monitoring", "SELECT * FROM mv_data_quality_report ORDER BY severity, rule LIMIT 50"),
}


def endpoint_times(repeat: int, operator_client, monitoring_headers: dict, runtime: psycopg.Connection) -> None:
    from datetime import UTC, datetime, timedelta

    from django.test import Client

    now = datetime.now(UTC)
    machine = Client(HTTP_HOST="127.0.0.1", **monitoring_headers)
    print("| endpoint | uncached p50 / p95 ms | cached p50 / p95 ms | its SQL directly p50 / p95 ms |")
    print("|---|---|---|---|")
    for template, (who, sql) in ENDPOINTS.items():
        path = "/api/v1/" + template.format(
            week_ago=(now - timedelta(days=7)).date().isoformat(), day_ago=(now - timedelta(days=1)).isoformat()
        ).replace("+00:00", "Z")
        client = operator_client if who == "operator" else machine
        separator = "&" if "?" in path else "?"
        uncached, cached, direct = [], [], []
        for i in range(repeat):
            started = time.perf_counter()
            response = client.get(f"{path}{separator}bench={i}")
            uncached.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code, response.content[:200])
            started = time.perf_counter()
            client.get(path)
            cached.append(time.perf_counter() - started)
            started = time.perf_counter()
            with runtime.transaction():
                runtime.execute("SELECT set_config('role', %s, true)", [f"hotdash_{who}"])
                runtime.execute(sql).fetchall()
            direct.append(time.perf_counter() - started)
        cells = " | ".join("{:.2f} / {:.2f}".format(*summary(s)) for s in (uncached, cached, direct))
        print(f"| {path} | {cells} |")
        ms = [value * 1000 for value in uncached]
        FIGURES.add(f"{path} uncached", ms, unit="ms", baseline=[v * 1000 for v in direct], baseline_name="its SQL directly")
        FIGURES.add(f"{path} cached", [v * 1000 for v in cached], unit="ms", baseline=[v * 1000 for v in direct],
                    baseline_name="its SQL directly", target="< 20 ms")
    print()
    # The baseline of the approval-queue endpoints: their views read live (what they read before the realtime
    # materialized views), each page and its count, as the operator.
    print("| live view (page + count, as before) | p50 / p95 ms |\n|---|---|")
    for view, order in (("v_approval_queue_status", "status"), ("v_approval_queue_depth", "hour DESC")):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            with runtime.transaction():
                runtime.execute("SELECT set_config('role', 'hotdash_operator', true)")
                runtime.execute(f"SELECT * FROM {view} ORDER BY {order} LIMIT 50").fetchall()  # noqa: S608 - fixed
                runtime.execute(f"SELECT count(*) FROM {view}").fetchall()  # noqa: S608 - fixed names
            samples.append(time.perf_counter() - started)
        print("| {} | {:.2f} / {:.2f} |".format(view, *summary(samples)))
    print()


def dashboard_time(repeat: int, operator_client) -> None:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = operator_client.get("/admin/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    print("| page | p50 ms | p95 ms |\n|---|---|---|")
    print("| dashboard (admin home, operator) | {:.1f} | {:.1f} |\n".format(*summary(samples)))
    FIGURES.add("dashboard (admin home, operator)", [value * 1000 for value in samples], unit="ms")


def ingestion(rows: int, ingest_headers: dict, owner: psycopg.Connection) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", **ingest_headers)

    def item(i: int) -> dict:
        return {"query": f"bench {i}", "result": {"ok": True}, "conversation_id": f"bench-{i % 97}", "agent": "bench",
                "latency_ms": i % 300}

    def rate(path: str, bodies: list, per_body: int) -> float:
        started = time.perf_counter()
        for body in bodies:
            response = client.post(path, data=body, content_type="application/json")
            assert response.status_code in (200, 201), response.content[:300]
        return len(bodies) * per_body / (time.perf_counter() - started)

    # Batches of 1,000 (the platform's bulk flush), of 100, and one query a request (an agent logging as it
    # answers); the single-row ones are capped at 1,000 requests.
    figures = []
    for size in (1000, 100, 1):
        count = max(1, min(rows, 1000 if size == 1 else rows) // size)
        bodies = [json.dumps([item(i) for i in range(size)] if size > 1 else item(0))] * count
        figures.append((f"POST /api/v1/queries/, batches of {size:,}", rate("/api/v1/queries/", bodies, size)))
    events = [json.dumps({"decision_id": f"d{i}", "scope": "bench", "status": "approved", "duration_ms": i % 90})
              for i in range(1000)]
    figures.append(("POST /api/v1/decision-sync-events/, one a request", rate("/api/v1/decision-sync-events/", events, 1)))
    logs = [json.dumps({"level": "INFO", "message": f"bench {i}", "request_id": f"r{i}", "metadata": {"i": i}})
            for i in range(1000)]
    figures.append(("POST /api/v1/logs/, one a request", rate("/api/v1/logs/", logs, 1)))

    batch = [item(i) for i in range(1000)]
    started = time.perf_counter()
    # As the owner's login: PostgreSQL refuses COPY FROM under row-level security, so no runtime role may COPY.
    with owner.transaction():
        with owner.cursor().copy(
            "COPY agent_queries (query, result, conversation_id, agent, latency_ms) FROM STDIN"
        ) as copy:
            for _ in range(rows // 1000):
                for query in batch:
                    copy.write_row([query["query"], json.dumps(query["result"]), query["conversation_id"],
                                    query["agent"], query["latency_ms"]])
    copy_seconds = time.perf_counter() - started
    total = rows // 1000 * 1000
    print(f"| ingestion (batched: {total:,} rows; single: 1,000 requests) | rows/s |\n|---|---|")
    for label, figure in figures:
        print(f"| {label} | {figure:,.0f} |")
        FIGURES.add(f"ingestion, {label}", figure, unit="rows/s", baseline=total / copy_seconds,
                    baseline_name="COPY of the batched rows", target=">= 5000" if "1,000" in label else None)
    print(f"| COPY of the batched rows (as the owner) | {total / copy_seconds:,.0f} |\n")


def main() -> None:
    global FIGURES
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--approvals", type=int, default=20_000)
    parser.add_argument("--refreshes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--ingest", type=int, default=50_000)
    args = parser.parse_args()
    if args.scale:
        args.rows, args.approvals = args.scale, max(args.scale // 50, 100)
    if args.quick:
        args.refreshes, args.repeat, args.ingest = 1, 3, 1000
    FIGURES = Figures("metrics_views", args, scale={"agent_queries": args.rows, "approvals": args.approvals})

    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    runtime = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    load(owner, args.rows, args.approvals)
    django.setup()

    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.test import Client

    from hotdash.db_context import Role
    from hotdash.groups import OPERATORS
    from hotdash.tokens import machine_token_issue

    cache.clear()
    refresh_times(args.refreshes)
    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"is_staff": True})
    operator.groups.add(Group.objects.get(name=OPERATORS))
    operator_client = Client(HTTP_HOST="127.0.0.1")
    operator_client.force_login(operator)

    def bearer(role: Role) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {machine_token_issue(role=role, client='bench')}"}

    endpoint_times(args.repeat, operator_client, bearer(Role.MONITORING), runtime)
    dashboard_time(args.repeat, operator_client)
    ingestion(args.ingest, bearer(Role.INGEST), owner)
    FIGURES.write()


if __name__ == "__main__":
    main()
