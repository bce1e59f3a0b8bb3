"""Retention, backup and restore of agent_queries at volume, each next to its plain PostgreSQL baseline.

    make bench BENCH="retention --rows 10000000 --expired 1000000"

Loads `--rows` agent_queries of which `--expired` are past the 60-day policy (no exception applies), then, in
one run so every figure sees the same machine:
1. backup of the whole table (our gzip COPY files + manifest) next to `psql \\copy` of the same rows to a plain
   file and through `gzip -3`;
2. the retention run of the expired rows (chunks of 10,000, each backed up and fsynced first) while a
   concurrent inserter adds one row per transaction: rows/s, the inserter's longest and p99 wait, the table's
   size before, after, and after a plain VACUUM;
3. restore of the retention run's directory (every deleted row brought back);
4. the data set reloaded, then the same rows deleted by one plain `DELETE` with the same inserter running.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import django
import psycopg

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

LOAD_CHUNK = 200_000


def load(owner: psycopg.Connection, rows: int, expired: int) -> None:
    started = time.perf_counter()
    owner.execute("TRUNCATE agent_queries")
    for start in range(0, rows, LOAD_CHUNK):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(
                "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms, created_at)"
                " SELECT 'lookup order ' || i, jsonb_build_object('status', 'shipped', 'order', i), 'conv-' || (i / 7),"
                " 'data', 20 + i %% 150,"
                " CASE WHEN i <= %(expired)s THEN now() - interval '61 days' - (i %% 1440) * interval '1 minute'"
                " ELSE now() - (i %% 1440) * interval '1 minute' END"
                " FROM generate_series(%(start)s::int, %(stop)s::int) i",
                {"expired": expired, "start": start + 1, "stop": min(start + LOAD_CHUNK, rows)},
            )
    owner.execute("VACUUM ANALYZE agent_queries")
    print(f"loaded {rows:,} agent_queries ({expired:,} expired) in {time.perf_counter() - started:.1f}s")


def table_size(owner: psycopg.Connection) -> str:
    return owner.execute("SELECT pg_size_pretty(pg_total_relation_size('agent_queries'))").fetchone()[0]


class Inserter(threading.Thread):
    """One row per transaction as the service role, as the agent platform writes; records each wait."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.waits: list[float] = []

    def run(self) -> None:
        with psycopg.connect(self.url) as connection:
            while not self.stop.is_set():
                started = time.perf_counter()
                with connection.transaction():
                    connection.execute("SET LOCAL ROLE hotdash_service")
                    connection.execute(
                        "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms)"
                        " VALUES ('live', '{}', 'live', 'data', 10)"
                    )
                self.waits.append(time.perf_counter() - started)
                time.sleep(0.01)

    def report(self) -> str:
        ordered = sorted(self.waits)
        p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0
        return (f"concurrent inserts: {len(ordered)}, longest {max(ordered, default=0) * 1000:.0f} ms,"
                f" p99 {p99 * 1000:.1f} ms, median {statistics.median(ordered or [0]) * 1000:.1f} ms")


def with_inserter(url: str, work):
    inserter = Inserter(url)
    inserter.start()
    try:
        return work()
    finally:
        inserter.stop.set()
        inserter.join()
        print("  " + inserter.report())


def psql_copy(owner_url: str, target: str) -> float:
    started = time.perf_counter()
    subprocess.run(["psql", owner_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"\\copy agent_queries TO {target}"],
                   check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--expired", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.scale:
        args.rows, args.expired = args.scale, max(args.scale // 10, 1)
    figures = Figures("retention", args, scale={"rows": args.rows, "expired": args.expired})
    owner_url = os.environ["DATABASE_OWNER_URL"]
    scratch = Path(tempfile.mkdtemp(prefix="hotdash-bench-retention-"))
    os.environ["HOTDASH_BACKUP_DIR"] = str(scratch / "backups")
    django.setup()
    from django.db import connections

    from retention.services import backup_create, backup_restore, retention_run

    with psycopg.connect(owner_url, autocommit=True) as owner:
        load(owner, args.rows, args.expired)

        print(f"1. backup of {args.rows:,} rows")
        started = time.perf_counter()
        run = backup_create(tables=["agent_queries"])
        ours = time.perf_counter() - started
        plain = psql_copy(owner_url, f"'{scratch / 'plain.copy'}'")
        gzipped = psql_copy(owner_url, f"PROGRAM 'gzip -3 > {scratch / 'plain.copy.gz'}'")
        print(f"  ours {args.rows / ours:,.0f} rows/s ({ours:.1f}s, {run.files[0].bytes / 2**20:.0f} MiB);"
              f" psql \\copy {args.rows / plain:,.0f} rows/s ({plain:.1f}s); psql \\copy | gzip -3"
              f" {args.rows / gzipped:,.0f} rows/s ({gzipped:.1f}s); ours / plain = {plain / ours:.0%}")
        figures.add("backup", args.rows / ours, unit="rows/s", baseline=args.rows / gzipped,
                    baseline_name="psql \\copy | gzip -3", target=f">= {0.7 * args.rows / gzipped:.0f}")

        print(f"2. retention of {args.expired:,} expired rows (size before {table_size(owner)})")
        started = time.perf_counter()
        report = with_inserter(owner_url, lambda: retention_run(tables=["agent_queries"], started_by="bench"))
        took = time.perf_counter() - started
        connections.close_all()
        deleted = report["tables"]["agent_queries"]["deleted"]
        print(f"  deleted {deleted:,} in {took:.1f}s = {deleted / took:,.0f} rows/s; size after {table_size(owner)}")
        retention_rate = deleted / took
        started = time.perf_counter()
        owner.execute("VACUUM agent_queries")
        print(f"  VACUUM {time.perf_counter() - started:.1f}s; size after vacuum {table_size(owner)}")

        print("3. restore of the retention run's directory")
        started = time.perf_counter()
        restored = backup_restore(Path(report["directory"]))
        took = time.perf_counter() - started
        print(f"  restored {restored[0].inserted:,} rows in {took:.1f}s = {restored[0].inserted / took:,.0f} rows/s")
        figures.add("restore of the retention run", restored[0].inserted / took, unit="rows/s")

        load(owner, args.rows, args.expired)
        print(f"4. one plain DELETE of the same {args.expired:,} rows (size before {table_size(owner)})")
        started = time.perf_counter()
        deleted = with_inserter(
            owner_url,
            lambda: owner.execute(
                "DELETE FROM agent_queries WHERE created_at < now() - interval '60 days'"
            ).rowcount,
        )
        took = time.perf_counter() - started
        print(f"  deleted {deleted:,} in {took:.1f}s = {deleted / took:,.0f} rows/s; size after {table_size(owner)}")
        started = time.perf_counter()
        owner.execute("VACUUM agent_queries")
        print(f"  VACUUM {time.perf_counter() - started:.1f}s; size after vacuum {table_size(owner)}")
        figures.add("retention (backed-up chunks)", retention_rate, unit="rows/s", baseline=deleted / took,
                    baseline_name="one plain DELETE")
        owner.execute("TRUNCATE agent_queries")
    subprocess.run(["rm", "-rf", str(scratch)], check=True)
    figures.write()


if __name__ == "__main__":
    main()
