"""Training-data export of N annotated drafts per format: rows/s and peak RSS, next to COPY of the same rows.

    make bench BENCH="export_training --rows 10000 100000"
    make bench BENCH="export_training --rows 10000 1000000"

For each size the table agent_feedback is filled with exactly that many annotated drafts (reused while the
count matches), then each measurement runs in a fresh process of its own, so its peak RSS (ru_maxrss) is its
own: the export service writing jsonl, csv and parquet (redaction on, as in production), and the baseline,
`COPY (SELECT <the export's columns> ... ORDER BY id) TO STDOUT` read by psycopg as the same service role and
thrown away. The drafts are varied the way support text is: order numbers, dates, prices and tracking numbers on
every row; an email in one input of ten, a phone number in one of ten, a name from meta in one of five rows,
an IP address and a card number in one draft of seven.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

FORMATS = ("jsonl", "csv", "parquet")

# Bound with psycopg: every literal % (modulo, format()'s %s) is doubled.
_LOAD_SQL = """
INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric, annotator,
                            notes, meta, created_at)
SELECT
    'cw-' || i,
    CASE i %% 10
        WHEN 6 THEN format('My email is customer%%s@example.com, please use it for order #%%s.', i, 4000 + i %% 90000)
        WHEN 7 THEN format('Call me back on +44 20 7946 %%s about order #%%s please.',
                           lpad((i %% 10000)::text, 4, '0'), 4000 + i %% 90000)
        WHEN 8 THEN format('Hi, I''m %%s; the parcel for order #%%s never came.', names.first || ' ' || names.last,
                           4000 + i %% 90000)
        ELSE format('Where is my order #%%s? It was supposed to arrive on %%s.', 4000 + i %% 90000,
                    to_char(date '2026-01-01' + (i %% 300), 'YYYY-MM-DD'))
    END,
    CASE i %% 7
        WHEN 5 THEN format('The refund of $%%s for order #%%s was issued on 2026-05-03 08:00; most banks show it'
                           ' within 5-10 business days.', to_char((i %% 50000) / 100.0, 'FM99990.00'), 4000 + i %% 90000)
        WHEN 6 THEN format('We saw a login from 203.0.113.%%s and locked the account; the card 4111 1111 1111 1111'
                           ' on file was removed.', i %% 255)
        ELSE format('Sorry for the wait! Order #%%s left our warehouse on Monday and is with UPS; the latest scan'
                    ' shows it at your local depot, so it should arrive today. Tracking: 1Z999AA1%%s.',
                    4000 + i %% 90000, lpad(i::text, 10, '0'))
    END,
    i %% 3 <> 0,
    CASE WHEN i %% 3 <> 0 THEN '{helpful,accurate}'::text[] ELSE '{unsafe,pii_leak}'::text[] END,
    jsonb_build_object('clarity', 1 + i %% 5, 'accuracy', 1 + (i / 5) %% 5, 'tone', 1 + (i / 25) %% 5),
    'annotator',
    CASE WHEN i %% 4 = 0 THEN 'Good tone, could be shorter.' END,
    CASE WHEN i %% 5 = 0 OR i %% 10 = 8
         THEN jsonb_build_object('source', 'chatwoot', 'model', 'gpt-4.1-mini',
                                 'customer_name', names.first || ' ' || names.last)
         ELSE jsonb_build_object('source', 'chatwoot', 'model', 'gpt-4.1-mini') END,
    now() - (i %% 525600) * interval '1 minute'
FROM generate_series(%(first)s::int, %(last)s::int) AS i,
     LATERAL (SELECT (ARRAY['Jane', 'Tomás', 'Priya', 'Lena', 'Marcus'])[1 + i %% 5] AS first,
                     (ARRAY['Whitaker', 'Hoffmann', 'Okafor', 'Santos', 'Lee'])[1 + (i / 5) %% 5] AS last) AS names
"""

COPY_SQL = (
    "COPY (SELECT id, conversation_id, created_at, input_text, model_draft, safe_to_send, labels, rubric, notes, meta"
    " FROM agent_feedback WHERE safe_to_send IS NOT NULL ORDER BY id) TO STDOUT"
)


def load(owner: psycopg.Connection, rows: int) -> None:
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        (present,) = owner.execute("SELECT count(*) FROM agent_feedback WHERE safe_to_send IS NOT NULL").fetchone()
        (everything,) = owner.execute("SELECT count(*) FROM agent_feedback").fetchone()
    if present == everything == rows:
        print(f"agent_feedback: {rows:,} annotated drafts present, reused", flush=True)
        return
    started = time.perf_counter()
    owner.execute("TRUNCATE agent_feedback CASCADE")  # the gold set and annotations refer to drafts
    chunk = 200_000
    for first in range(1, rows + 1, chunk):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(_LOAD_SQL, {"first": first, "last": min(first + chunk - 1, rows)})
    owner.execute("VACUUM ANALYZE agent_feedback")
    print(f"agent_feedback: loaded {rows:,} annotated drafts in {time.perf_counter() - started:.1f}s", flush=True)


def child(kind: str) -> None:
    """One measurement, in this process; prints {rows, seconds, bytes, peak_rss_mb} as JSON."""
    if kind == "copy":
        started = time.perf_counter()
        size = 0
        with psycopg.connect(os.environ["DATABASE_URL"]) as connection, connection.transaction():
            connection.execute("SELECT set_config('role', 'hotdash_service', true)")
            with connection.cursor().copy(COPY_SQL) as copy:
                lines = 0
                for block in copy:
                    size += len(block)
                    lines += bytes(block).count(b"\n")
        rows = lines
    else:
        import django

        django.setup()
        from feedback.exports.filters import ExportFilters
        from feedback.exports.services import redactor_from_settings, training_export_write

        started = time.perf_counter()  # the export itself, not Django's start-up
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"bench.{kind}"
            manifest = training_export_write(
                export_format=kind, filters=ExportFilters(), path=path, redactor=redactor_from_settings()
            )
            rows, size = manifest["rows"], manifest["bytes"]
            redactions = manifest["redactions"]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "bytes": size, "peak_rss_mb": peak,
                      **({"redactions": redactions} if kind != "copy" else {})}))


def measure(kind: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_training", "--child", kind], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from benchmarks.figures import Figures, arguments

    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", choices=["copy", *FORMATS], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.scale:
        # A tenth of the scale: every annotated draft of a million-row table is what an export reads.
        args.rows = [max(args.scale // 10, 100)]
    figures = Figures("export_training", args, scale={"drafts": args.rows})

    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    print("| drafts | what | rows/s | % of COPY's rate | seconds | file MB | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    lines = []
    for rows in sorted(args.rows):
        load(owner, rows)
        copy = measure("copy")
        copy_rate = copy["rows"] / copy["seconds"]
        lines.append(f"| {rows:,} | COPY (SELECT ...) TO STDOUT | {copy_rate:,.0f} | 100 % | {copy['seconds']:.1f}"
                     f" | {copy['bytes'] / 1e6:.1f} | {copy['peak_rss_mb']:.0f} |")
        print(lines[-1], flush=True)
        for kind in FORMATS:
            result = measure(kind)
            assert result["rows"] == rows, result
            rate = result["rows"] / result["seconds"]
            lines.append(f"| {rows:,} | export {kind} (redacted) | {rate:,.0f} | {100 * rate / copy_rate:.0f} %"
                         f" | {result['seconds']:.1f} | {result['bytes'] / 1e6:.1f} | {result['peak_rss_mb']:.0f} |")
            print(lines[-1], flush=True)
            figures.add(f"export {kind} of {rows:,} drafts (redacted)", rate, unit="rows/s", baseline=copy_rate,
                        baseline_name="COPY (SELECT ...) TO STDOUT")
            figures.add(f"export {kind} of {rows:,} drafts: peak RSS", result["peak_rss_mb"], unit="MB",
                        baseline=copy["peak_rss_mb"], baseline_name="COPY")
        print(f"redactions at {rows:,}: {result['redactions']}", flush=True)
    figures.write()


if __name__ == "__main__":
    main()
