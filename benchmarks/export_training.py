"""Training-data export of N annotated drafts per format: rows/s and peak RSS, next to COPY of the same rows.

    make bench BENCH="export_training --rows 10000 100000"
    make bench BENCH="export_training --rows 10000 1000000"

For each size the table agent_feedback is filled with exactly that many annotated drafts (reused while the
count matches), then each measurement runs in a fresh process of its own, so its peak RSS (ru_maxrss) is its
own: the export service writing jsonl, csv and parquet (redaction on, as in production), and the baseline,
`COPY (SELECT <the export's columns> ... ORDER BY id) TO STDOUT` read by psycopg as the same service role and
thrown away.

The data is support text put together from parts (a greeting, a body, a closing; products, carriers, days and
countries from short lists; order numbers, prices, dates and times from the row number), so texts vary: 100k rows
hold about 45k distinct inputs and 69k distinct drafts, 66 and 158 characters long on average. Inputs (by i % 20):
order questions with dates in three forms, product questions without digits, an email (2 in 20), a phone number
(3 in 20: British, American and German forms), the customer's own name (2 in 20), a price, a street address, the
last four digits of a card, an app version and a time, discount codes, amounts in EUR. Drafts (by i % 9): a
tracking number, a refund with a price and a date-time, an IP address and a Luhn-valid card, a returns URL, an
invoice number and a file name, a Canadian phone number, a version string, or no digits at all; a greeting by the
customer's first name when meta names them (3 rows in 10 have a name in meta). Labels vary over five sets, one
row in four has one of four notes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")
# Redaction workers at every size, 10k included, so the peak memory of 10k and 1M rows compare like with like.
os.environ.setdefault("HOTDASH_EXPORT_WORKERS_MIN_ROWS", "0")

FORMATS = ("jsonl", "csv", "parquet")

# Bound with psycopg: every literal % (modulo, format()'s %s) is doubled. Texts are put together from parts chosen
# by different moduli of i (a greeting, a body, a closing; words from short lists; numbers from i), so no two
# neighbouring rows carry the same text and a draft's text repeats only after thousands of rows.
_ROWS_SQL = """
SELECT
    'cw-' || i,
    CASE i %% 20
        WHEN 0 THEN format('Where is my order #%%s? It was supposed to arrive on %%s.', 4000 + i %% 90000,
                           to_char(date '2026-01-01' + (i %% 300), 'YYYY-MM-DD'))
        WHEN 1 THEN format('Order #%%s still says "label created" since %%s, can you check with %%s?', 4000 + i %% 90000,
                           to_char(date '2026-01-01' + (i %% 300), 'DD.MM.YYYY'), w.carrier)
        WHEN 2 THEN format('Hi, I ordered the %%s last week and it still has not shipped. Can you check?', w.product)
        WHEN 3 THEN format('My email is customer%%s@example.com, please use it for order #%%s.', i, 4000 + i %% 90000)
        WHEN 4 THEN format('Please write to %%s.%%s@mail.example.co.uk instead, the old address bounces.',
                           lower(names.first), lower(names.last))
        WHEN 5 THEN format('Call me back on +44 20 7946 %%s about order #%%s please.',
                           lpad((i %% 10000)::text, 4, '0'), 4000 + i %% 90000)
        WHEN 6 THEN format('You can reach me at (415) 555-%%s or text me, I am home after 6pm.',
                           lpad((i %% 10000)::text, 4, '0'))
        WHEN 7 THEN format('Bitte rufen Sie mich unter 0151 2345%%s an, es geht um Bestellung #%%s.',
                           lpad((i %% 10000)::text, 4, '0'), 4000 + i %% 90000)
        WHEN 8 THEN format('Hi, I''m %%s; the parcel for order #%%s never came.', names.first || ' ' || names.last,
                           4000 + i %% 90000)
        WHEN 9 THEN format('This is %%s again, the %%s arrived broken. I want my %%s back.', names.first, w.product,
                           to_char((i %% 50000) / 100.0, 'FM$99990.00'))
        WHEN 10 THEN format('Can you send order #%%s to 221B Baker Street, London NW1 6XE instead?', 4000 + i %% 90000)
        WHEN 11 THEN format('My card ending in %%s was charged twice on %%s for the %%s.', lpad((i %% 10000)::text, 4, '0'),
                            to_char(date '2026-01-01' + (i %% 300), 'MM/DD/YYYY'), w.product)
        WHEN 12 THEN format('The app (version 3.%%s.%%s) crashes at checkout since this morning, around %%s.', i %% 12,
                            i %% 30, to_char(time '08:00' + (i %% 600) * interval '1 minute', 'HH24:MI'))
        WHEN 13 THEN format('Do you ship the %%s to %%s? And how long does it take?', w.product, w.country)
        WHEN 14 THEN format('How do I return the %%s? It is too small.', w.product)
        WHEN 15 THEN 'Thanks, that solved it!'
        WHEN 16 THEN format('The discount code SPRING%%s did not work on my cart of %%s items.', 10 + i %% 40, 1 + i %% 9)
        WHEN 17 THEN format('I was charged %%s EUR but the page said %%s EUR, why?', 20 + i %% 80, 15 + i %% 80)
        WHEN 18 THEN format('Is the %%s back in stock? I have been waiting since %%s.', w.product,
                            to_char(date '2026-01-01' + (i %% 300), 'FMMonth DD'))
        ELSE format('Where is my refund for order #%%s? You promised it %%s days ago.', 4000 + i %% 90000, 3 + i %% 20)
    END,
    concat_ws(' ',
        CASE WHEN i %% 5 = 0 OR i %% 20 IN (8, 9) THEN format('Hi %%s,', names.first)
             ELSE (ARRAY['Hi there,', 'Hello,', 'Thanks for reaching out!', 'Sorry for the trouble!'])[1 + i %% 4] END,
        CASE i %% 9
            WHEN 0 THEN format('Order #%%s left our warehouse on %%s and is with %%s; the latest scan shows it at your'
                               ' local depot, so it should arrive today. Tracking: 1Z999AA1%%s.', 4000 + i %% 90000,
                               w.day, w.carrier, lpad(i::text, 10, '0'))
            WHEN 1 THEN format('The refund of $%%s for order #%%s was issued on 2026-05-03 08:00; most banks show it'
                               ' within 5-10 business days.', to_char((i %% 50000) / 100.0, 'FM99990.00'),
                               4000 + i %% 90000)
            WHEN 2 THEN format('We saw a login from 203.0.113.%%s and locked the account; the card 4111 1111 1111 1111'
                               ' on file was removed.', i %% 255)
            WHEN 3 THEN format('I have passed your note about the %%s to our returns team; they will email you a'
                               ' prepaid label within two business days.', w.product)
            WHEN 4 THEN format('Your order #%%s was split into two parcels; the second one ships from our %%s warehouse'
                               ' on %%s.', 4000 + i %% 90000, w.country, to_char(date '2026-01-01' + (i %% 300), 'YYYY-MM-DD'))
            WHEN 5 THEN format('You can return the %%s within 30 days: print the label from'
                               ' https://shop.example/returns/%%s and drop it at any %%s point.', w.product, 4000 + i %% 90000,
                               w.carrier)
            WHEN 6 THEN format('I have updated the delivery address; the courier will call you on +1 604 555 %%s before'
                               ' delivering on %%s.', lpad((i %% 10000)::text, 4, '0'), w.day)
            WHEN 7 THEN format('We reissued invoice INV-2026-%%s; it is attached as invoice_%%s.pdf.',
                               lpad((i %% 1000000)::text, 6, '0'), 4000 + i %% 90000)
            ELSE format('The app update 3.%%s.%%s fixes the crash you saw; please update from the store and try again.',
                        i %% 12, 1 + i %% 30)
        END,
        (ARRAY['Best regards, the support team.', 'Let me know if there is anything else I can do!',
               'Kind regards, Alex from support.', NULL])[1 + (i / 7) %% 4]),
    i %% 3 <> 0,
    (ARRAY['{helpful,accurate}', '{unsafe,pii_leak}', '{helpful}', '{tone,too_long}', '{accurate,policy}',
           '{helpful,accurate}'])[1 + i %% 6]::text[],
    jsonb_build_object('clarity', 1 + i %% 5, 'accuracy', 1 + (i / 5) %% 5, 'tone', 1 + (i / 25) %% 5),
    'annotator',
    CASE WHEN i %% 4 = 0 THEN (ARRAY['Good tone, could be shorter.', 'Wrong carrier named.',
                                     'Promised a refund we cannot give.', 'Should ask for the order number first.'])
                              [1 + (i / 4) %% 4] END,
    CASE WHEN i %% 5 = 0 OR i %% 20 IN (8, 9)
         THEN jsonb_build_object('source', 'chatwoot', 'model', 'gpt-4.1-mini',
                                 'customer_name', names.first || ' ' || names.last)
         ELSE jsonb_build_object('source', 'chatwoot', 'model', 'gpt-4.1-mini') END,
    now() - (i %% 525600) * interval '1 minute'
FROM generate_series(%(first)s::int, %(last)s::int) AS i,
     LATERAL (SELECT (ARRAY['Jane', 'Tomás', 'Priya', 'Lena', 'Marcus', 'Chloé', 'Kenji'])[1 + i %% 7] AS first,
                     (ARRAY['Whitaker', 'Hoffmann', 'Okafor', 'Santos', 'Lee', 'Dubois'])[1 + (i / 7) %% 6] AS last)
         AS names,
     LATERAL (SELECT (ARRAY['blue hoodie', 'running shoes', 'coffee grinder', 'desk lamp', 'phone case',
                            'wool blanket', 'water bottle', 'backpack'])[1 + (i / 3) %% 8] AS product,
                     (ARRAY['UPS', 'DHL', 'FedEx', 'Royal Mail', 'La Poste'])[1 + (i / 11) %% 5] AS carrier,
                     (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])[1 + (i / 13) %% 5] AS day,
                     (ARRAY['Germany', 'Canada', 'France', 'Brazil', 'UK'])[1 + (i / 17) %% 5] AS country) AS w
"""
_LOAD_SQL = (
    "INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric, annotator,"
    " notes, meta, created_at)" + _ROWS_SQL
)
# How many of the first rows hold the texts this file's loader writes: a table that an older version of the
# loader filled is loaded again.
_SAME_DATA_SQL = (
    "SELECT count(*) FROM (" + _ROWS_SQL + ") AS wanted (conversation_id, input_text, model_draft)"  # noqa: S608 - constant text, values bound
    " JOIN agent_feedback AS present USING (conversation_id)"
    " WHERE present.input_text = wanted.input_text AND present.model_draft = wanted.model_draft"
)

COPY_SQL = (
    "COPY (SELECT id, conversation_id, created_at, input_text, model_draft, safe_to_send, labels, rubric, notes, meta"
    " FROM agent_feedback WHERE safe_to_send IS NOT NULL ORDER BY id) TO STDOUT"
)


def load(owner: psycopg.Connection, rows: int) -> None:
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        (present,) = owner.execute("SELECT count(*) FROM agent_feedback WHERE safe_to_send IS NOT NULL").fetchone()
        (everything,) = owner.execute("SELECT count(*) FROM agent_feedback").fetchone()
        (same,) = owner.execute(_SAME_DATA_SQL, {"first": 1, "last": 50}).fetchone()
    if present == everything == rows and same == min(rows, 50):
        print(f"agent_feedback: {rows:,} annotated drafts present, reused", flush=True)
        return
    started = time.perf_counter()
    owner.execute("TRUNCATE agent_feedback CASCADE")  # the gold set and annotations refer to it
    chunk = 200_000
    for first in range(1, rows + 1, chunk):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(_LOAD_SQL, {"first": first, "last": min(first + chunk - 1, rows)})
    owner.execute("VACUUM ANALYZE agent_feedback")
    print(f"agent_feedback: loaded {rows:,} annotated drafts in {time.perf_counter() - started:.1f}s", flush=True)


def _children_peak_rss(peaks: dict[int, int], stop) -> None:
    """Until `stop` is set, the peak RSS (VmHWM, kB) of each child process (the redaction workers), by pid.

    A worker's own ru_maxrss would count the parent's pages it held between fork and exec; VmHWM is its
    image's alone.
    """
    while not stop.wait(0.2):
        for children in Path("/proc/self/task").glob("*/children"):
            for pid in children.read_text().split():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[int(pid)] = max(peaks.get(int(pid), 0), int(line.split()[1]))


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
    elif kind == "store":
        import django

        django.setup()
        from feedback.exports.services import redactor_from_settings
        from feedback.exports.stored_redactions import stored_redactions_fill

        started = time.perf_counter()
        rows = stored_redactions_fill(redactor=redactor_from_settings(), limit=10**9, batch_rows=5000)
        size = 0
    else:
        import django

        django.setup()
        from feedback.exports.filters import ExportFilters
        from feedback.exports.services import redactor_from_settings, training_export_write

        peaks: dict[int, int] = {}
        stop = threading.Event()
        sampler = threading.Thread(target=_children_peak_rss, args=(peaks, stop), daemon=True)
        sampler.start()
        started = time.perf_counter()  # the export itself, not Django's start-up
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"bench.{kind}"
            manifest = training_export_write(
                export_format=kind, filters=ExportFilters(), path=path, redactor=redactor_from_settings()
            )
            rows, size = manifest["rows"], manifest["bytes"]
            redactions = manifest["redactions"]
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - started
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "rows": rows, "seconds": seconds, "bytes": size, "peak_rss_mb": own.ru_maxrss / 1024,
        # The redaction workers, if any: the largest one's peak, and the CPU all of them used.
        "worker_peak_rss_mb": max(peaks.values(), default=0) / 1024 if kind in FORMATS else 0,
        "cpu_seconds": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
        **({"redactions": redactions} if kind in FORMATS else {}),
    }))


def measure(kind: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_training", "--child", kind], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def export_measured(figures, rows: int, kind: str, copy: dict, how: str, target: str | None = None) -> dict:
    """One export in a process of its own: a line of the table, its rate and peak RSS as figures."""
    result = measure(kind)
    assert result["rows"] == rows, result
    rate, copy_rate = result["rows"] / result["seconds"], copy["rows"] / copy["seconds"]
    worker = f" (+ {result['worker_peak_rss_mb']:.0f})" if result["worker_peak_rss_mb"] else ""
    print(f"| {rows:,} | export {kind} ({how}) | {rate:,.0f} | {100 * rate / copy_rate:.0f} %"
          f" | {result['seconds']:.1f} | {result['cpu_seconds']:.1f} | {result['bytes'] / 1e6:.1f}"
          f" | {result['peak_rss_mb']:.0f}{worker} | {os.getloadavg()[0]:.1f} |", flush=True)
    share = 100 * rate / copy_rate
    figures.add(f"export {kind} of {rows:,} drafts ({how})", rate, unit="rows/s", baseline=copy_rate,
                baseline_name="COPY (SELECT ...) TO STDOUT", target=target,
                met=None if target is None else share >= 30, note=f"{share:.0f}% of COPY's rate")
    figures.add(f"export {kind} of {rows:,} drafts ({how}): peak RSS", result["peak_rss_mb"], unit="MB",
                baseline=copy["peak_rss_mb"], baseline_name="COPY")
    return result


def main() -> None:
    from benchmarks.figures import Figures, arguments

    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--child", choices=["copy", "store", *FORMATS], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.scale:
        # A tenth of the scale: every annotated draft of a million-row table is what an export reads.
        args.rows = [max(args.scale // 10, 100)]
    figures = Figures("export_training", args, scale={"drafts": args.rows})

    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    workers = os.environ.get("HOTDASH_EXPORT_WORKERS", "one per CPU")
    print(f"{os.cpu_count()} CPUs; redaction workers: {workers}; every size uses them"
          f" (HOTDASH_EXPORT_WORKERS_MIN_ROWS={os.environ['HOTDASH_EXPORT_WORKERS_MIN_ROWS']})")
    print("| drafts | what | rows/s | % of COPY's rate | seconds | client CPU s | file MB | peak RSS MB (+ each worker)"
          " | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for rows in sorted(args.rows):
        load(owner, rows)
        copy = measure("copy")
        copy_rate = copy["rows"] / copy["seconds"]
        print(f"| {rows:,} | COPY (SELECT ...) TO STDOUT | {copy_rate:,.0f} | 100 % | {copy['seconds']:.1f}"
              f" | {copy['cpu_seconds']:.1f} | {copy['bytes'] / 1e6:.1f} | {copy['peak_rss_mb']:.0f}"
              f" | {os.getloadavg()[0]:.1f} |", flush=True)
        owner.execute("TRUNCATE feedback_redactions")  # the first exports redact every row themselves
        for kind in args.formats:
            result = export_measured(figures, rows, kind, copy, "redacted during the export")
        print(f"redactions at {rows:,}: {result['redactions']}", flush=True)
        stored = measure("store")
        assert stored["rows"] == rows, stored
        # What autovacuum does to a table filled over days; right after a bulk fill the planner would not yet
        # know the table and could sort it instead of reading it in key order.
        owner.execute("ANALYZE feedback_redactions")
        store_rate = stored["rows"] / stored["seconds"]
        print(f"| {rows:,} | redacting ahead (the beat task's service, one process) | {store_rate:,.0f} | |"
              f" {stored['seconds']:.1f} | {stored['cpu_seconds']:.1f} | | {stored['peak_rss_mb']:.0f}"
              f" | {os.getloadavg()[0]:.1f} |", flush=True)
        figures.add(f"redacting {rows:,} drafts ahead of exports (one process)", store_rate, unit="rows/s")
        # What storing the lines costs on disk, next to the drafts they are made from.
        (stored_mb, drafts_mb), = owner.execute(
            "SELECT pg_total_relation_size('feedback_redactions') / 1e6, pg_total_relation_size('agent_feedback') / 1e6"
        ).fetchall()
        print(f"feedback_redactions: {stored_mb:,.0f} MB on disk, agent_feedback {drafts_mb:,.0f} MB", flush=True)
        figures.add(f"feedback_redactions holding {rows:,} drafts' lines: size on disk", stored_mb, unit="MB",
                    baseline=drafts_mb, baseline_name="agent_feedback")
        for kind in args.formats:
            export_measured(figures, rows, kind, copy, "redacted ahead", target=">= 30% of COPY")
    figures.write()


if __name__ == "__main__":
    main()
