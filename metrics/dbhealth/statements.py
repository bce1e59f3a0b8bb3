"""Section 8, pg_stat_statements: the top queries by total time, or how to enable the extension."""

from __future__ import annotations

from django.db import DatabaseError, transaction

from metrics.dbhealth.catalog import rows
from metrics.dbhealth.report import Level, Section

NAME = "statements"
TITLE = "Top statements (pg_stat_statements)"

TOP = 10
SLOW_MEAN_MS = 200.0
HOW_TO_ENABLE = (
    "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, restart, then"
    " CREATE EXTENSION pg_stat_statements; (as a superuser) and GRANT pg_read_all_stats TO hotdash_service"
)


def section() -> Section:
    result = Section(NAME, TITLE)
    if not rows("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'"):
        result.add("pg_stat_statements", Level.OK, "extension", "not installed: no per-statement figures", HOW_TO_ENABLE)
        return result
    try:
        with transaction.atomic():
            top = rows(
                "SELECT queryid::text, calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements"
                " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " ORDER BY total_exec_time DESC LIMIT %s",
                [TOP],
            )
    except DatabaseError as error:
        # Installed but not preloaded: the view raises.
        result.add(
            "pg_stat_statements", Level.WARNING, "extension", str(error.__cause__ or error).strip().splitlines()[0],
            HOW_TO_ENABLE,
        )
        return result
    for statement in top:
        slow = statement["mean_exec_time"] > SLOW_MEAN_MS
        result.add(
            "top statement", Level.WARNING if slow else Level.OK, f"queryid {statement['queryid']}",
            f"{statement['calls']} calls, {statement['total_exec_time']:.0f} ms total,"
            f" {statement['mean_exec_time']:.1f} ms mean, {statement['rows']} rows: {' '.join(statement['query'].split())[:200]}",
            "EXPLAIN (ANALYZE, BUFFERS) it with real parameters" if slow else "",
        )
    if not top:
        result.add("pg_stat_statements", Level.OK, "extension", "installed; no statement recorded yet")
    return result
