"""Retention, backup and restore of agent_queries (or observability_logs) at volume, each next to its plain
PostgreSQL baseline, and the chunked DELETE next to monthly partitions dropped whole (docs/retention.md, "Chunked
DELETE or monthly partitions").

    make bench BENCH="retention --rows 10000000 --expired 1000000"
    make bench BENCH="retention --rows 10000000 --expired 1000000 --table observability_logs"

Loads `--rows` rows into `--table` of which `--expired` are past its policy (60 days for queries, 30 for logs; no
exception applies: fast queries, INFO lines; they are on the last day of a month that ended more than 60 days
ago, so a monthly partition holds exactly them), then, in one run so every figure sees the same machine:
1. backup of the whole table (our gzip COPY files + manifest) next to `psql \\copy` of the same rows to a plain
   file (the baseline; target: 70 % of its rate) and through `gzip -3`, interleaved over `--backup-repeat` rounds
   (medians);
2. the retention run of the expired rows (chunks of 10,000, each backed up and fsynced first) while a
   concurrent inserter adds one row per transaction: rows/s, the inserter's longest and p99 wait, WAL written,
   the table's size before, after, and after a plain VACUUM (its time and WAL);
3. restore of the retention run's directory (every deleted row brought back, into the space VACUUM freed:
   the table's size after it shows whether freed space is reused);
4. the same rows deleted by one plain `DELETE` (as the service role) with the same inserter running, then VACUUM;
5. agent_queries only: a monthly-partitioned copy of the table (same rows, same indexes, primary key (id,
   created_at)) whose expired month is backed up with `psql \\copy | gzip -3`, detached CONCURRENTLY and
   dropped, with the same inserter writing to the parent: time, WAL, the inserter's waits, sizes.

WAL is measured as the cluster's pg_current_wal_lsn() difference: it includes whatever else the server wrote
meanwhile (the inserter's rows, other databases), so it is an upper bound.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import django
import psycopg
from psycopg import sql

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

LOAD_CHUNK = 500_000
PARTITIONED = "agent_queries_monthly"

# The first `expired` rows lie on the last day of a month that ended more than 60 days ago (past both tables'
# policies, 60 and 30 days; none is an exception: fast queries, INFO lines), the others in the last day.
_CREATED_AT = (
    " CASE WHEN i <= %(expired)s THEN date_trunc('month', now() - interval '60 days') - interval '1 day'"
    " + (i %% 1440) * interval '1 minute'"
    " ELSE now() - (i %% 1440) * interval '1 minute' END"
)
# Per table: the columns a load writes, the rows (generate_series over i), the concurrent inserter's row and
# the policy's age, for the plain DELETE baseline.
TABLES = {
    "agent_queries": {
        "columns": "query, result, conversation_id, agent, latency_ms, created_at",
        "rows": (
            " SELECT 'lookup order ' || i, jsonb_build_object('status', 'shipped', 'order', i), 'conv-' || (i / 7),"  # noqa: S608 - constant text
            " 'data', 20 + i %% 150," + _CREATED_AT + " FROM generate_series(%(start)s::int, %(stop)s::int) i"
        ),
        "live": "INSERT INTO {} (query, result, conversation_id, agent, latency_ms) VALUES ('live', '{{}}', 'live', 'data', 10)",
        "keep_days": 60,
    },
    "observability_logs": {
        "columns": "level, message, request_id, metadata, project, scope, created_at",
        "rows": (
            " SELECT 'INFO', 'order ' || i || ' synced to the warehouse in ' || (20 + i %% 150) || ' ms',"  # noqa: S608 - constant text
            " 'req-' || i, jsonb_build_object('order', i), 'p-' || (i %% 100), 'ops'," + _CREATED_AT
            + " FROM generate_series(%(start)s::int, %(stop)s::int) i"
        ),
        "live": "INSERT INTO {} (level, message, project, scope) VALUES ('INFO', 'live', 'p-1', 'ops')",
        "keep_days": 30,
    },
}


def load(owner: psycopg.Connection, rows: int, expired: int, table: str, shape: str) -> None:
    """Rows of `shape` (a key of TABLES) generated server-side (INSERT ... SELECT generate_series) into `table`,
    LOAD_CHUNK per transaction."""
    started = time.perf_counter()
    owner.execute(f"TRUNCATE {table}")
    for start in range(0, rows, LOAD_CHUNK):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(
                f"INSERT INTO {table} ({TABLES[shape]['columns']})" + TABLES[shape]["rows"],
                {"expired": expired, "start": start + 1, "stop": min(start + LOAD_CHUNK, rows)},
            )
    owner.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded {rows:,} rows into {table} ({expired:,} expired) in {time.perf_counter() - started:.1f}s")


def table_bytes(owner: psycopg.Connection, table: str = "agent_queries") -> int:
    """Heap + indexes + TOAST, summed over the partitions of a partitioned table."""
    return owner.execute(
        "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(%s) WHERE isleaf),"
        " pg_total_relation_size(%s))", [table, table]
    ).fetchone()[0]


def mb(size: int) -> str:
    return f"{size / 10**6:,.0f} MB"


def wal_lsn(owner: psycopg.Connection) -> str:
    return owner.execute("SELECT pg_current_wal_lsn()").fetchone()[0]


def wal_since(owner: psycopg.Connection, lsn: str) -> int:
    return int(owner.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn]).fetchone()[0])


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Inserter(threading.Thread):
    """One row per transaction as the service role, as the agent platform writes; records each wait."""

    def __init__(self, url: str, table: str, shape: str):
        super().__init__(daemon=True)
        self.url = url
        self.table = table
        self.statement = sql.SQL(TABLES[shape]["live"]).format(sql.Identifier(table))
        self.stop = threading.Event()
        self.waits: list[float] = []

    def run(self) -> None:
        with psycopg.connect(self.url) as connection:
            while not self.stop.is_set():
                started = time.perf_counter()
                with connection.transaction():
                    connection.execute("SET LOCAL ROLE hotdash_service")
                    connection.execute(self.statement)
                self.waits.append(time.perf_counter() - started)
                time.sleep(0.01)

    def report(self) -> str:
        ordered = sorted(self.waits)
        p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0
        return (f"concurrent inserts: {len(ordered)}, longest {max(ordered, default=0) * 1000:.0f} ms,"
                f" p99 {p99 * 1000:.1f} ms, median {statistics.median(ordered or [0]) * 1000:.1f} ms")


def with_inserter(url: str, work, table: str, shape: str):
    inserter = Inserter(url, table, shape)
    inserter.start()
    try:
        return work()
    finally:
        inserter.stop.set()
        inserter.join()
        print("  " + inserter.report())


def psql_copy(owner_url: str, target: str, table: str = "agent_queries") -> float:
    started = time.perf_counter()
    subprocess.run(["psql", owner_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"\\copy {table} TO {target}"],
                   check=True)
    return time.perf_counter() - started


def vacuum(owner: psycopg.Connection, table: str = "agent_queries") -> None:
    lsn, started = wal_lsn(owner), time.perf_counter()
    owner.execute(f"VACUUM {table}")
    print(f"  VACUUM {time.perf_counter() - started:.1f}s, WAL {mb(wal_since(owner, lsn))};"
          f" size after vacuum {mb(table_bytes(owner, table))}")


def partitioned_create(owner: psycopg.Connection) -> None:
    """agent_queries' columns, checks and indexes, partitioned by month of created_at.

    PostgreSQL 15 allows no identity column on a partitioned table (17 does), so the id comes from a
    sequence; the primary key must contain the partition key. Row-level security as on agent_queries for the
    service role (a partition is reached through its parent, whose policies apply).
    """
    owner.execute(f"DROP TABLE IF EXISTS {PARTITIONED}")
    owner.execute(
        f"CREATE TABLE {PARTITIONED} (LIKE agent_queries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        " PARTITION BY RANGE (created_at)"
    )
    owner.execute(f"CREATE SEQUENCE {PARTITIONED}_id_seq OWNED BY {PARTITIONED}.id")
    owner.execute(f"ALTER TABLE {PARTITIONED} ALTER COLUMN id SET DEFAULT nextval('{PARTITIONED}_id_seq')")
    owner.execute(f"ALTER TABLE {PARTITIONED} ADD PRIMARY KEY (id, created_at)")
    for columns in ("agent, created_at DESC", "created_at DESC", "conversation_id"):
        owner.execute(f"CREATE INDEX ON {PARTITIONED} ({columns})")
    owner.execute(f"CREATE INDEX ON {PARTITIONED} (approved) WHERE approved IS NOT NULL")
    owner.execute(f"CREATE INDEX ON {PARTITIONED} (latency_ms) WHERE latency_ms IS NOT NULL")
    owner.execute(
        f"""DO $$
        DECLARE m date := date_trunc('month', now() - interval '120 days');
        BEGIN
          WHILE m <= date_trunc('month', now() + interval '1 month') LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF {PARTITIONED} FOR VALUES FROM (%L) TO (%L)',
                           '{PARTITIONED}_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month');
            m := m + interval '1 month';
          END LOOP;
        END $$"""
    )
    owner.execute(f"ALTER TABLE {PARTITIONED} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY")
    owner.execute(f"CREATE POLICY {PARTITIONED}_service ON {PARTITIONED} TO hotdash_service USING (true)")
    owner.execute(f"GRANT SELECT, INSERT, DELETE ON {PARTITIONED} TO hotdash_service")
    owner.execute(f"GRANT USAGE ON SEQUENCE {PARTITIONED}_id_seq TO hotdash_service")


def expired_partitions(owner: psycopg.Connection) -> list[str]:
    """Partitions whose whole month is past the 60-day policy (upper bound <= now() - 60 days)."""
    return [
        name for name, bound in owner.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass ORDER BY 1", [PARTITIONED]
        ).fetchall()
        if owner.execute(
            "SELECT (regexp_match(%s, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= now() - interval '60 days'", [bound]
        ).fetchone()[0]
    ]


def bench_partitions(owner: psycopg.Connection, owner_url: str, rows_total: int, expired_rows: int, scratch: Path):
    """5. A monthly-partitioned agent_queries: the expired months backed up, detached CONCURRENTLY and dropped."""
    print("5. monthly partitions: the expired month backed up, detached CONCURRENTLY and dropped")
    partitioned_create(owner)
    load(owner, rows_total, expired_rows, PARTITIONED, "agent_queries")
    expired = expired_partitions(owner)
    rows = sum(
        owner.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
        for name in expired
    )
    before = table_bytes(owner, PARTITIONED)
    print(f"  expired partitions {expired}: {rows:,} rows; size before {mb(before)}")
    steps: dict[str, float] = {}
    lsn = wal_lsn(owner)

    def drop_months():
        for name in expired:
            started = time.perf_counter()
            psql_copy(owner_url, f"PROGRAM 'gzip -3 > {scratch / name}.copy.gz'", table=name)
            steps["backup (psql \\copy | gzip -3)"] = steps.get("backup (psql \\copy | gzip -3)", 0) + time.perf_counter() - started
            started = time.perf_counter()
            owner.execute(f"ALTER TABLE {PARTITIONED} DETACH PARTITION {name} CONCURRENTLY")
            steps["DETACH CONCURRENTLY"] = steps.get("DETACH CONCURRENTLY", 0) + time.perf_counter() - started
            started = time.perf_counter()
            owner.execute(f"DROP TABLE {name}")
            steps["DROP TABLE"] = steps.get("DROP TABLE", 0) + time.perf_counter() - started

    started = time.perf_counter()
    with_inserter(owner_url, drop_months, PARTITIONED, "agent_queries")
    took = time.perf_counter() - started
    print(f"  removed {rows:,} rows in {took:.1f}s = {rows / took:,.0f} rows/s"
          f" ({', '.join(f'{step} {seconds:.2f}s' for step, seconds in steps.items())}),"
          f" WAL {mb(wal_since(owner, lsn))}; size after {mb(table_bytes(owner, PARTITIONED))} (no VACUUM needed)")
    owner.execute(f"DROP TABLE {PARTITIONED}")


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--expired", type=int, default=1_000_000)
    parser.add_argument("--backup-repeat", type=int, default=3, help="rounds of the backup and its two baselines")
    parser.add_argument("--table", choices=list(TABLES), default="agent_queries")
    args = parser.parse_args()
    table = args.table
    if args.scale:
        args.rows, args.expired = args.scale, max(args.scale // 10, 1)
    if args.quick:
        args.backup_repeat = 1
    figures = Figures("retention", args, scale={"rows": args.rows, "expired": args.expired, "table": table})
    owner_url = os.environ["DATABASE_OWNER_URL"]
    scratch = Path(tempfile.mkdtemp(prefix="hotdash-bench-retention-"))
    os.environ["HOTDASH_BACKUP_DIR"] = str(scratch / "backups")
    django.setup()
    from django.db import connections

    from retention.services import backup_create, backup_restore, retention_run

    with psycopg.connect(owner_url, autocommit=True) as owner:
        print(owner.execute("SELECT version()").fetchone()[0])
        load(owner, args.rows, args.expired, table, table)

        print(f"1. backup of {args.rows:,} rows, {args.backup_repeat} rounds of ours, psql \\copy and psql \\copy"
              f" | gzip -3 (bench process peak RSS before: {max_rss_mib():.0f} MiB)")
        ours, plain, gzipped = [], [], []
        for _ in range(args.backup_repeat):
            started = time.perf_counter()
            run = backup_create(tables=[table])
            ours.append(args.rows / (time.perf_counter() - started))
            connections.close_all()
            plain.append(args.rows / psql_copy(owner_url, f"'{scratch / 'plain.copy'}'", table))
            (scratch / "plain.copy").unlink()
            gzipped.append(args.rows / psql_copy(owner_url, f"PROGRAM 'gzip -3 > {scratch / 'plain.copy.gz'}'", table))
            print(f"  ours {ours[-1]:,.0f} rows/s ({run.files[0].bytes / 2**20:.0f} MiB, peak RSS {max_rss_mib():.0f}"
                  f" MiB); psql \\copy {plain[-1]:,.0f} rows/s; psql \\copy | gzip -3 {gzipped[-1]:,.0f} rows/s;"
                  f" ours / plain = {ours[-1] / plain[-1]:.0%}, ours / gzip = {ours[-1] / gzipped[-1]:.0%}", flush=True)
            subprocess.run(["rm", "-rf", str(run.path), str(scratch / "plain.copy.gz")], check=True)
        share = statistics.median(ours) / statistics.median(plain)
        # The baseline is psql \copy of the same rows; the gzip pipeline is shown next to it.
        figures.add("backup", ours, unit="rows/s", baseline=plain, baseline_name="psql \\copy to a file",
                    target=">= 70% of psql \\copy", met=share >= 0.7, note=f"{share:.0%} of psql \\copy's rate")
        figures.add("backup next to psql \\copy | gzip -3", ours, unit="rows/s", baseline=gzipped,
                    baseline_name="psql \\copy | gzip -3")

        before = table_bytes(owner, table)
        print(f"2. retention of {args.expired:,} expired rows (size before {mb(before)})")
        lsn, started = wal_lsn(owner), time.perf_counter()
        report = with_inserter(owner_url, lambda: retention_run(tables=[table], started_by="bench"), table, table)
        took = time.perf_counter() - started
        connections.close_all()
        deleted = report["tables"][table]["deleted"]
        retention_rate = deleted / took
        print(f"  deleted {deleted:,} in {took:.1f}s = {deleted / took:,.0f} rows/s, WAL {mb(wal_since(owner, lsn))};"
              f" size after {mb(table_bytes(owner, table))}")
        vacuum(owner, table)

        print("3. restore of the retention run's directory (into the space VACUUM freed)")
        lsn, started = wal_lsn(owner), time.perf_counter()
        restored = backup_restore(Path(report["directory"]))
        took = time.perf_counter() - started
        connections.close_all()
        print(f"  restored {restored[0].inserted:,} rows in {took:.1f}s = {restored[0].inserted / took:,.0f} rows/s,"
              f" WAL {mb(wal_since(owner, lsn))}, peak RSS {max_rss_mib():.0f} MiB; size after {mb(table_bytes(owner, table))}")
        figures.add("restore of the retention run", restored[0].inserted / took, unit="rows/s")
        subprocess.run(["rm", "-rf", report["directory"]], check=True)
        owner.execute(f"ANALYZE {table}")

        print(f"4. one plain DELETE of the same {args.expired:,} rows (size before {mb(table_bytes(owner, table))})")
        lsn, started = wal_lsn(owner), time.perf_counter()
        def plain_delete() -> int:
            # As the service role, the one the logs' append-only trigger lets delete (retention's role too).
            with owner.transaction():
                owner.execute("SET LOCAL ROLE hotdash_service")
                return owner.execute(
                    f"DELETE FROM {table} WHERE created_at < now() - interval '{TABLES[table]['keep_days']} days'"  # noqa: S608 - a choice of TABLES
                ).rowcount

        deleted = with_inserter(owner_url, plain_delete, table, table)
        took = time.perf_counter() - started
        print(f"  deleted {deleted:,} in {took:.1f}s = {deleted / took:,.0f} rows/s, WAL {mb(wal_since(owner, lsn))};"
              f" size after {mb(table_bytes(owner, table))}")
        vacuum(owner, table)
        figures.add("retention (backed-up chunks)", retention_rate, unit="rows/s", baseline=deleted / took,
                    baseline_name="one plain DELETE")
        owner.execute(f"TRUNCATE {table}")
        if table == "agent_queries":
            bench_partitions(owner, owner_url, args.rows, args.expired, scratch)
        else:
            print("5. monthly partitions: measured on agent_queries only")

    subprocess.run(["rm", "-rf", str(scratch)], check=True)
    figures.write()


if __name__ == "__main__":
    main()
