"""How long the database health report takes on a database of a given size, next to the bare queries it audits.

    make bench BENCH="dbhealth_report --rows 1000000"

Brings each large table (agent_queries, agent_feedback, agent_approvals, facts, decision events, logs) to at
least `--rows` rows with the demo generator (`seed_demo --scale`; reused when already there), analyses them,
then times, in one run:
- report: `manage.py dbhealth`'s whole report (all eight sections, the query audit's EXPLAIN ANALYZE included),
  as the runtime role, `--repeat` times;
- query audit: that section alone;
- baseline: the audited queries themselves, run once each as the schema owner with the same sample values
  (what a hand-made report would run), no EXPLAIN, no role switching, no other section.
The target (the issue's): the whole report in under 10 s at 1M rows per table.
"""

from __future__ import annotations

import argparse
import statistics
import time

import django

from benchmarks.figures import Figures, arguments


def ensure_rows(rows: int, workers: int) -> None:
    from django.db import connection

    from demo.scale import SCALE_TABLES, demo_data_scale
    from hotdash.db_context import Role, acting_as

    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM agent_queries")
        (present,) = cursor.fetchone()
    missing = rows - present
    if missing <= 0:
        print(f"{present:,} rows per large table present, reused")
        return
    started = time.perf_counter()
    demo_data_scale(rows=missing, role=Role.SERVICE, workers=workers)
    print(f"added {missing:,} rows to each of {len(SCALE_TABLES)} tables in {time.perf_counter() - started:.0f} s")


def analyse() -> None:
    from django.db import connections

    with connections["owner"].cursor() as cursor:
        # As the daily job would have: the dashboard's materialized view is populated.
        cursor.execute("REFRESH MATERIALIZED VIEW mv_daily_agent_metrics")
        cursor.execute("VACUUM (ANALYZE)")


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bare_queries() -> None:
    """The audited queries as the owner: the baseline."""
    from django.db import connections

    from metrics.dbhealth.query_audit import NAMED_QUERIES, samples

    sample = samples()
    with connections["owner"].cursor() as cursor:
        for query in NAMED_QUERIES:
            sql, params = query.sql(sample)
            cursor.execute(sql, params)
            cursor.fetchall()


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per large table (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="connections generating rows at once")
    args = parser.parse_args()
    if args.scale:
        args.rows = args.scale
    if args.quick:
        args.repeat = 1
    figures = Figures("dbhealth_report", args, scale={"rows_per_large_table": args.rows})
    django.setup()
    from metrics.dbhealth.sections import report_build

    ensure_rows(args.rows, args.workers)
    analyse()
    report_build()  # warm the caches once, as a daily job's previous runs would have
    reports = [timed(report_build) for _ in range(args.repeat)]
    audits = [timed(lambda: report_build(["query_audit"])) for _ in range(args.repeat)]
    baselines = [timed(bare_queries) for _ in range(args.repeat)]
    summary = report_build().as_dict()["summary"]

    median = statistics.median
    print()
    print(f"| figure ({args.rows:,} rows per large table, {args.repeat} runs) | median s | min s | max s |")
    print("|---|---|---|---|")
    for name, values in (("whole report", reports), ("query audit section", audits), ("baseline: bare queries", baselines)):
        print(f"| {name} | {median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    print()
    print(f"report / baseline: {median(reports) / median(baselines):.1f}x; findings {summary}")
    verdict = "met" if median(reports) < 10 else "MISSED"
    print(f"target < 10 s for the whole report: {verdict} ({median(reports):.2f} s)")
    figures.add("whole report", reports, unit="s", baseline=baselines, baseline_name="the audited queries alone",
                target="< 10 s", met=median(reports) < 10)
    figures.add("query audit section", audits, unit="s", baseline=baselines, baseline_name="the audited queries alone")
    figures.write()


if __name__ == "__main__":
    main()
