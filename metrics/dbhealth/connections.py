"""Section 7, connections and locks: active sessions, idle in transaction, the longest transaction, blocked
queries, cache hit ratio.

pg_stat_activity shows other roles' sessions only to members of pg_read_all_stats; the service role, which
runs the report, is one when the migration could grant it (metrics/sql/0009_dbhealth_reports.sql).
"""

from __future__ import annotations

from metrics.dbhealth.catalog import rows
from metrics.dbhealth.report import Level, Section

NAME = "connections"
TITLE = "Connections and locks"

IDLE_WARNING_SECONDS, IDLE_CRITICAL_SECONDS = 30, 300
CACHE_HIT_WARNING = 0.95
CACHE_BLOCKS_FLOOR = 100_000  # below this many block reads the ratio says nothing yet


def _query_text(text: str | None) -> str:
    return " ".join((text or "").split())[:120]


def section(idle_warning: float = IDLE_WARNING_SECONDS, idle_critical: float = IDLE_CRITICAL_SECONDS) -> Section:
    result = Section(NAME, TITLE)
    (visibility,) = rows(
        "SELECT current_user AS reader, pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS sees_all"
    )
    sessions = rows(
        "SELECT pid, usename, application_name, state, query,"
        " extract(epoch FROM now() - state_change) AS state_seconds,"
        " extract(epoch FROM now() - xact_start) AS xact_seconds, cardinality(pg_blocking_pids(pid)) AS blockers"
        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    active = sum(1 for s in sessions if s["state"] == "active")
    detail = f"{len(sessions)} other sessions, {active} active"
    if not visibility["sees_all"]:
        detail += f" (only {visibility['reader']}'s own sessions are visible)"
    result.add(
        "sessions", Level.OK if visibility["sees_all"] else Level.WARNING, "database", detail,
        "" if visibility["sees_all"] else f"GRANT pg_read_all_stats TO {visibility['reader']}; (as a superuser)",
    )

    idle = [s for s in sessions if (s["state"] or "").startswith("idle in transaction")]
    for session in idle:
        seconds = float(session["state_seconds"] or 0)
        level = Level.CRITICAL if seconds > idle_critical else Level.WARNING if seconds > idle_warning else Level.OK
        result.add(
            "idle in transaction", level, f"pid {session['pid']} ({session['usename']})",
            f"idle in transaction for {seconds:.0f} s; last statement: {_query_text(session['query'])}",
            "" if level == Level.OK else "find the code that holds a transaction open; pg_terminate_backend(pid) if stuck;"
            " set idle_in_transaction_session_timeout",
        )
    if not idle:
        result.add("idle in transaction", Level.OK, "database", "no session idle in a transaction")

    open_transactions = [s for s in sessions if s["xact_seconds"] is not None]
    if open_transactions:
        longest = max(open_transactions, key=lambda s: s["xact_seconds"])
        result.add(
            "longest transaction", Level.OK, f"pid {longest['pid']} ({longest['usename']})",
            f"open for {float(longest['xact_seconds']):.1f} s, {longest['state']}: {_query_text(longest['query'])}",
        )

    blocked = [s for s in sessions if s["blockers"]]
    for session in blocked:
        result.add(
            "blocked query", Level.WARNING, f"pid {session['pid']} ({session['usename']})",
            f"waits on {session['blockers']} session(s) for {float(session['state_seconds'] or 0):.0f} s:"
            f" {_query_text(session['query'])}",
            "see pg_blocking_pids(pid) and what the blocker holds (pg_locks)",
        )
    if not blocked:
        result.add("blocked query", Level.OK, "database", "no query waits on a lock")

    (cache,) = rows(
        "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()"
    )
    total = (cache["blks_hit"] or 0) + (cache["blks_read"] or 0)
    ratio = (cache["blks_hit"] or 0) / total if total else 1.0
    low = total > CACHE_BLOCKS_FLOOR and ratio < CACHE_HIT_WARNING
    result.add(
        "cache hit ratio", Level.WARNING if low else Level.OK, "database",
        f"{ratio:.2%} of {total} block reads came from shared buffers",
        "raise shared_buffers or find the queries that read the most (pg_stat_statements)" if low else "",
    )
    return result
