"""Generated volume for benchmarks: `demo_data_scale(rows=N)`.

It adds N generated rows to each large table with `INSERT ... SELECT ... FROM generate_series(...)` (the
statements are in demo/sql/scale_<table>.sql), so the rows are made inside PostgreSQL and no row crosses the
wire. It works in chunks, one transaction per chunk, so a 10M-row run holds no giant transaction and shows
progress; chunks may run on several connections at once, since making a row costs server CPU (JSON parsing,
TOAST compression). Reproducible: each chunk seeds random() with setseed() derived from the seed, the table's
state before the run (max id and row count) and the chunk's first row; the same seed and chunk size on the same
starting state give the same rows. Taking the starting state into the seed also means a second run adds new rows
rather than the same ones again (call_id is unique in agent_approvals).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from time import monotonic
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from approvals.sdk_state import run_state_read
from demo.scenarios import (
    APPROVAL_SCENARIOS,
    APPROVAL_TTL,
    DEFAULT_SEED,
    EXPIRED_REASON,
    ID_FORMATS,
)
from hotdash.db_context import Role, acting_as
from metrics.models import (
    LogLevel,
)

# --------------------------------------------------------------------------------------------------------------
# Generated volume (--scale): INSERT ... SELECT ... FROM generate_series, one transaction per chunk
# --------------------------------------------------------------------------------------------------------------

SCALE_TABLES = (
    "agent_queries",
    "agent_feedback",
    "agent_approvals",
    "facts",
    "decision_sync_event_logs",
    "observability_logs",
)
SCALE_DAYS = 200  # timestamps spread over the last 200 days, so every retention rule has rows to act on
DEFAULT_CHUNK_ROWS = 50_000

# In every statement below, the innermost subquery draws all random numbers of a row, in a fixed order, whatever
# the row turns out to be (OFFSET 0 keeps the planner from inlining it and evaluating random() more than once);
# the outer SELECTs only combine them. That makes a chunk's rows a function of its setseed() value alone.
# %(first)s..%(last)s number the rows of the run; %(salt)s names the run (seed, table, starting state), so
# md5(salt || i) gives ids that are stable for a run and distinct between runs.







# (agent, query template, source) of the generated agent_queries
_QUERY_KINDS = (
    ("support", "order status #%s", "shopify.orders"),
    ("support", "return policy for order #%s", "policies"),
    ("support", "support ticket history for customer cus_%s", "chatwoot.conversations"),
    ("support", "shipping options for order #%s", "shopify.shipping"),
    ("data", "inventory level for SKU KET-%s across warehouses", "shopify.inventory"),
    ("data", "sales for the last 7 days vs the previous 7 (store %s)", "warehouse.sales_daily"),
    ("data", "top landing pages by sessions (property %s)", "ga4.landing_pages"),
    ("engineer", "system health: queue depth and worker status (node %s)", "celery.inspect"),
    ("engineer", "p95 latency of occ-log over the last hour (sample %s)", "observability_logs"),
    ("engineer", "webhook error rate for shop %s", "shopify.webhooks"),
    ("marketing", "campaign performance for spring_sale_%s", "klaviyo.campaigns"),
    ("marketing", "social sentiment over the last 24 h (mentions batch %s)", "social.mentions"),
)

_FEEDBACK_KINDS = (
    ("Where is my order? It should have arrived by now.",
     "Sorry for the wait! Your order left our warehouse two days ago and is with the carrier; the latest scan "
     "shows it at your local depot, so it should arrive today."),
    ("How long do refunds take?",
     "Refunds go back to your original payment method as soon as they're issued; most banks show them within "
     "5-10 business days."),
    ("Can I return shoes I've worn once?",
     "We can only accept returns of unworn shoes in their original box within 30 days. If they're faulty, "
     "send us a photo and we'll sort it out."),
    ("I want to cancel my subscription.",
     "I can help with that. Would you like to cancel now, or pause for up to three months instead?"),
    ("The item arrived broken.",
     "I'm so sorry it arrived damaged. Could you send a photo of the item and the box? I'll arrange a "
     "replacement or a refund as soon as I have it."),
    ("Can you give me my neighbour's order details? I'm collecting it for her.",
     "I can't share another customer's order details, but she can add you as a pickup contact from her account."),
    ("Do you ship to Canada?",
     "Yes! Standard shipping to Canada takes 5-8 business days and is free on orders over $100."),
    ("My discount code doesn't work.",
     "Sorry about that - the code expired yesterday. I've issued a new one that's valid for 7 days: WELCOME10."),
)

_SCALE_PARAMS: dict[str, dict[str, Any]] = {
    "agent_queries": {
        "agents": [agent for agent, _, _ in _QUERY_KINDS],
        "queries": [query for _, query, _ in _QUERY_KINDS],
        "sources": [source for _, _, source in _QUERY_KINDS],
        "kinds": len(_QUERY_KINDS),
    },
    "agent_feedback": {
        "inputs": [text for text, _ in _FEEDBACK_KINDS],
        "drafts": [draft for _, draft in _FEEDBACK_KINDS],
        "kinds": len(_FEEDBACK_KINDS),
        "safe_labels": ["{helpful,accurate}", "{helpful,accurate,complete}", "{helpful,empathetic}",
                        "{needs_improvement,vague}", "{needs_improvement,incomplete}", "{boundary_setting}"],
        "n_safe_labels": 6,
        "unsafe_labels": ["{unsafe,policy_violation,unauthorized_action}", "{unsafe,pii_leak}"],
        "annotators": ["annotator", "priya.n", "tomas.r", "j.okafor", "m.santos"],
        "n_annotators": 5,
        "notes": ["Good tone, could be shorter.", "Should cite the order number.", "Missing the exchange option.",
                  "Promises something that needs approval.", "Clear and accurate."],
        "n_notes": 5,
        "models": ["gpt-4.1-mini", "gpt-4.1", "gpt-4o-mini"],
        "n_models": 3,
    },
    "agent_approvals": {
        "operators": ["operator", "k.ito", "m.santos", "r.lee"],
        "n_operators": 4,
        "approve_reasons": ["Within policy.", "Verified with the carrier.", "Customer history supports it.",
                            "Amount within the agent's limit."],
        "reject_reasons": ["Outside policy.", "Identity not verified.", "Amount above the limit without evidence.",
                           "Duplicate of an earlier request."],
        "n_reasons": 4,
        "expired_reason": EXPIRED_REASON,
    },
    "facts": {
        "topics": ["dashboard.analytics", "dashboard.analytics", "dashboard.sales", "dashboard.sales",
                   "dashboard.inventory", "dashboard.seo", "dashboard.social", "cx.metrics", "cx.metrics", "cx.sla"],
        "keys": ["sessions_24h", "conversion_rate", "revenue", "orders", "stockout_risk_days", "traffic_delta",
                 "sentiment", "first_response_p50", "csat", "breach_rate"],
        "units": ["sessions", "pct", "USD", "orders", "days", "pct", "score", "minutes", "score", "pct"],
        "scales": [50000.0, 5.0, 100000.0, 2000.0, 30.0, 50.0, 1.0, 60.0, 5.0, 10.0],
        "kinds": 10,
    },
    "decision_sync_event_logs": {
        "actions": ["approve", "reject", "send_draft", "hold_draft", "publish_fact", "expire"],
        "targets": ["agent-platform", "agent-platform", "chatwoot", "chatwoot", "dashboard", "agent-platform"],
        "kinds": 6,
    },
    "observability_logs": {
        "levels": list(LogLevel.values),
        "per_level": 4,
        "messages": [
            # DEBUG, INFO, WARN, ERROR, FATAL: four each, in LogLevel order
            "Resuming agent run %s from approval", "Cache hit for facts query %s", "Loaded run state (%s bytes)",
            "Tool lookup_order returned in %s ms",
            "Health check (%s ms)", "Approval %s decided", "Refreshed realtime aggregates in %s ms",
            "Exported training batch of %s rows",
            "Approval queue: %s s past the 5 minute SLA", "Chatwoot API rate limited; retry in %s ms",
            "Slow query: %s ms on agent_queries", "Decision sync retry for event %s",
            "Decision sync failed after %s ms", "Shopify webhook timed out (%s ms)",
            "Data quality violation in batch %s", "Backup upload failed (attempt %s)",
            "Worker lost connection to PostgreSQL (pid %s)", "Beat lock lost (pid %s)",
            "Out of memory in export worker (%s MB)", "Migration check failed (code %s)",
        ],
        "functions": ["occ-log", "approvals-api", "feedback-api", "metrics-refresh", "retention", "export"],
        "n_functions": 6,
    },
}

def _scale_sql(table: str) -> str:
    """The generator of one table, from demo/sql/scale_<table>.sql (read once)."""
    if table not in _SCALE_SQL:
        _SCALE_SQL[table] = (SQL_DIR / f"scale_{table}.sql").read_text()
    return _SCALE_SQL[table]


_SCALE_SQL: dict[str, str] = {}
SQL_DIR = Path(__file__).resolve().parent / "sql"

# The table's state before a run; table names are the constants above, never input.
_STATE_SQL = {table: f"SELECT coalesce(max(id), 0), count(*) FROM {table}" for table in SCALE_TABLES}  # noqa: S608

_TEMPLATE_TOKEN = "@@T@@"


def _template_ids(kind: str, n: int) -> str:
    # Replaced per row by md5(salt || row number): every generated approval gets ids of its own.
    return f"{ID_FORMATS[kind][0]}{_TEMPLATE_TOKEN}{n}"


def _approval_templates() -> dict[str, Any]:
    """The scenario states, with a per-row token in every provider id (see _APPROVALS_SQL)."""
    states, interruptions, call_ids = [], [], []
    for scenario in APPROVAL_SCENARIOS:
        state = scenario.state(ids=_template_ids)
        summary = run_state_read(state)
        states.append(json.dumps(state, separators=(",", ":")))
        interruptions.append(json.dumps([item.as_json() for item in summary.interruptions], separators=(",", ":")))
        call_ids.append(summary.call_key)
    return {
        "states": states,
        "interruptions": interruptions,
        "call_ids": call_ids,
        "kinds": len(states),
        "schema_version": summary.schema_version,
    }


def _chunk_seed(salt: str, first: int) -> float:
    """setseed() wants a number in [-1, 1]: 48 bits of a hash of the run and the chunk."""
    digest = hashlib.sha256(f"{salt}:{first}".encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48 * 2 - 1


@dataclass(frozen=True)
class ScaleReport:
    rows_per_table: int
    seed: int
    workers: int
    seconds_per_table: dict[str, float]  # wall-clock time of each table

    @property
    def total_rows(self) -> int:
        return self.rows_per_table * len(self.seconds_per_table)

    @property
    def seconds(self) -> float:
        return sum(self.seconds_per_table.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _scale_chunk(*, table: str, params: Mapping[str, Any], role: Role, first: int, last: int) -> int:
    """One chunk, one transaction: seed random() for this chunk, then generate its rows."""
    with acting_as(role), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [_chunk_seed(params["salt"], first)])
        cursor.execute(_scale_sql(table), {**params, "first": first, "last": last})
    return last - first + 1


def _scale_chunk_own_connection(**kwargs: Any) -> int:
    """_scale_chunk on a worker thread, which gets a connection of its own; closed again when the chunk is done."""
    try:
        return _scale_chunk(**kwargs)
    finally:
        connections.close_all()


def demo_data_scale(
    *,
    rows: int,
    role: Role,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
) -> ScaleReport:
    """Add `rows` generated rows to each large table, in chunks of `chunk_rows`, one transaction each as `role`.

    The same seed, chunk size, `now` and starting state give the same rows; with several workers the chunks
    commit in any order, so the same rows get other ids. `workers` > 1 runs that many chunks at once, each on a
    connection of its own: generating a row (JSON parsing, TOAST compression) costs server CPU, one core per
    connection. Chunks already committed stay if a later one fails; running again adds, it never replaces.
    """
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, got {rows}")
    if chunk_rows < 1 or workers < 1:
        raise ValueError("chunk_rows and workers must be 1 or more")
    if workers > 1 and connection.in_atomic_block:
        # Worker connections cannot join the caller's transaction: they would commit behind its back.
        raise RuntimeError("demo_data_scale(workers > 1) commits on its own connections: call it outside a transaction")
    now = now or timezone.now()
    seconds: dict[str, float] = {}
    for table in SCALE_TABLES:
        started = monotonic()
        params = dict(_SCALE_PARAMS[table], now=now, days=SCALE_DAYS, ttl=APPROVAL_TTL)
        if table == "agent_approvals":
            params.update(_approval_templates())
        with acting_as(role), connection.cursor() as cursor:
            cursor.execute(_STATE_SQL[table])
            max_id, count = cursor.fetchone()
        params["salt"] = f"{seed}:{table}:{max_id}:{count}"
        chunks = [
            {"table": table, "params": params, "role": role, "first": first, "last": min(first + chunk_rows - 1, rows)}
            for first in range(1, rows + 1, chunk_rows)
        ]
        if workers == 1:
            done = (_scale_chunk(**chunk) for chunk in chunks)
        else:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="seed_demo")
            done = (future.result() for future in as_completed(
                [pool.submit(_scale_chunk_own_connection, **chunk) for chunk in chunks]
            ))
        try:
            for chunk_done in done:
                if progress is not None:
                    progress(table, chunk_done)
        finally:
            if workers > 1:
                pool.shutdown(wait=True, cancel_futures=True)
        seconds[table] = monotonic() - started
    return ScaleReport(rows_per_table=rows, seed=seed, workers=workers, seconds_per_table=seconds)

