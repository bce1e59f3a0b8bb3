"""What row-level security costs a tenant query on 1M facts, against the same query without RLS.

    make bench BENCH="rls_overhead --rows 1000000"

Loads `--rows` facts over `--projects` projects (once; reused while the count matches), then times, in one
run and interleaved so both see the same machine:
- tenant: hotdash_app acting as hotdash_tenant for one project; the policy adds `project = <setting>`;
- owner:  the schema owner (no RLS applies to it) with the same query and an explicit WHERE project = ...
Each is timed as a whole transaction (BEGIN, context, query, COMMIT: what a request pays) and as the query
alone inside an open transaction (what the policy itself costs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

from benchmarks.figures import Figures, arguments

QUERIES = {
    "topic page": "SELECT key, value FROM facts WHERE topic = 'topic-3' {and_project} ORDER BY created_at DESC LIMIT 50",
    "project count": "SELECT count(*) FROM facts {where_project}",
    "latest 50": "SELECT topic, key, value FROM facts {where_project} ORDER BY created_at DESC LIMIT 50",
}
PROJECT = "p-42"


def load(owner: psycopg.Connection, rows: int, projects: int) -> None:
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        (present,) = owner.execute("SELECT count(*) FROM facts").fetchone()
    if present == rows:
        print(f"facts: {rows:,} rows present, reused")
        return
    started = time.perf_counter()
    owner.execute("TRUNCATE facts")
    chunk = 200_000
    for start in range(0, rows, chunk):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(
                "INSERT INTO facts (project, topic, key, value, created_at)"
                " SELECT 'p-' || (i %% %(projects)s), 'topic-' || (i %% 10), 'k-' || i,"
                " jsonb_build_object('v', i), now() - (i %% 525600) * interval '1 minute'"
                " FROM generate_series(%(start)s::int, %(stop)s::int) i",
                {"projects": projects, "start": start + 1, "stop": min(start + chunk, rows)},
            )
    owner.execute("VACUUM ANALYZE facts")
    print(f"facts: loaded {rows:,} rows over {projects} projects in {time.perf_counter() - started:.1f}s")


def timed(connection: psycopg.Connection, statements: list[tuple[str, list]], whole: bool, repeat: int) -> list[float]:
    """Milliseconds per repetition: the whole transaction, or only the last statement of it."""
    samples = []
    for _ in range(repeat):
        if whole:
            started = time.perf_counter()
            with connection.transaction():
                for sql, params in statements:
                    connection.execute(sql, params).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        else:
            with connection.transaction():
                for sql, params in statements[:-1]:
                    connection.execute(sql, params)
                started = time.perf_counter()
                connection.execute(*statements[-1]).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    if args.scale:
        args.rows, args.projects = args.scale, max(1, min(1000, args.scale // 1000))
    if args.quick:
        args.repeat = 50
    figures = Figures("rls_overhead", args, scale={"rows": args.rows, "projects": args.projects})

    # No server-side prepared statements, as Django's connections (its default): psycopg's own default prepares a
    # query from its fifth run, a path the console never takes, whose sub-millisecond ratios swung from 0.2x to
    # 4.8x between two runs of this benchmark.
    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True, prepare_threshold=None)
    runtime = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=None)
    load(owner, args.rows, args.projects)
    (tenant_rows,) = owner.execute("SELECT count(*) FROM facts WHERE project = %s", [PROJECT]).fetchone()
    print(f"tenant {PROJECT}: {tenant_rows:,} of {args.rows:,} facts; {args.repeat} runs per cell, interleaved\n")

    context = (
        "SELECT set_config('role', 'hotdash_tenant', true), set_config('app.current_project', %s, true)",
        [PROJECT],
    )
    print("| query | measured | tenant with RLS: median / p95 ms | owner, explicit WHERE: median / p95 ms | ratio (medians) |")
    print("|---|---|---|---|---|")
    for name, template in QUERIES.items():
        tenant_sql = template.format(and_project="", where_project="")
        owner_sql = template.format(and_project="AND project = %s", where_project="WHERE project = %s")
        for whole in (True, False):
            tenant_samples, owner_samples = [], []
            # Interleaved in rounds of 50 so a noisy moment hits both sides alike.
            for _ in range(args.repeat // 50):
                tenant_samples += timed(runtime, [context, (tenant_sql, [])], whole, 50)
                owner_samples += timed(owner, [(owner_sql, [PROJECT])], whole, 50)
            tenant_median, tenant_p95 = summary(tenant_samples)
            owner_median, owner_p95 = summary(owner_samples)
            print(
                f"| {name} | {'transaction' if whole else 'query only'} | {tenant_median:.3f} / {tenant_p95:.3f}"
                f" | {owner_median:.3f} / {owner_p95:.3f} | {tenant_median / owner_median:.2f}x |"
            )
            figures.add(f"{name}, {'transaction' if whole else 'query only'}, tenant with RLS", tenant_samples,
                        unit="ms", baseline=owner_samples, baseline_name="owner, explicit WHERE",
                        target=None if whole else "<= 1.5x", met=None if whole else tenant_median <= 1.5 * owner_median)
    figures.write()


if __name__ == "__main__":
    main()
