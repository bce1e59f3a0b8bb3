"""The annotator's workbench at volume: 1M drafts of which 900k are annotated (the issue's state).

    make bench BENCH="annotation_workbench"                    # 1M drafts, 10 % of them open
    make bench BENCH="annotation_workbench --drafts 100000"    # a smaller data set, same shape

Server time in-process (Django's test client as an annotator or QA, no network in the figure) of:
- "annotate next" (the service: candidate query, SKIP LOCKED row lock, lease), next to its baseline, the bare
  SQL claim through psycopg in the same run;
- the annotator loop, next + save, for one annotator: items per second;
- the progress page (annotator and QA), the admin's home page with the annotator's tile, the drafts list, and
  GET /api/v1/feedback/agreement/;
- baselines of the last two in the same run: the team's figures and the agreement computed per request from the
  raw tables, as before the aggregates (feedback/sql/0012_annotation_rollups.sql) existed.
Each draft the run annotates is put back to open (its annotations and leases removed) at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django
import psycopg

from benchmarks.figures import Figures, arguments

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")

BENCH_ANNOTATOR = "bench-annotator"
OVERLAP_SHARE = 0.1

INSERT_SQL = """
INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric, annotator,
                            annotation_state, annotations_needed, meta, created_at)
SELECT 'bench-' || i,
       'Where is my order #' || i || '? It was due last week and the tracking page says nothing.',
       'Sorry for the wait: order #' || i || ' left our warehouse yesterday; here is the tracking link.',
       CASE WHEN i > %(open)s::bigint THEN i %% 5 <> 0 END,
       CASE WHEN i > %(open)s::bigint THEN ARRAY['helpful', (ARRAY['refund', 'shipping', 'polite'])[1 + i %% 3]]
            ELSE '{}'::text[] END,
       CASE WHEN i > %(open)s::bigint THEN jsonb_build_object('clarity', 1 + i %% 5, 'accuracy', 1 + i %% 4, 'tone', 2 + i %% 4)
            ELSE '{}'::jsonb END,
       CASE WHEN i > %(open)s::bigint THEN 'annotator-' || (i %% 12) END,
       CASE WHEN i > %(open)s::bigint THEN 'done' ELSE 'open' END,
       CASE WHEN i %% 10 = 0 THEN 2 ELSE 1 END,
       jsonb_build_object('model', 'gpt-4.1-mini', 'message_id', 'bench-msg-' || i),
       now() - (%(total)s::bigint - i) * interval '2 seconds'
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) i
"""
# The overlap drafts among the annotated ones: two annotators each, who disagree on every fifth.
ANNOTATIONS_SQL = """
INSERT INTO feedback_annotations (feedback_id, annotator, safe_to_send, labels, rubric, seconds_spent, created_at)
SELECT f.id, a.annotator,
       CASE WHEN a.n = 2 AND f.id %% 5 = 0 THEN NOT f.safe_to_send ELSE f.safe_to_send END,
       f.labels, f.rubric, 20 + f.id %% 40, f.created_at + interval '1 hour'
FROM agent_feedback f
CROSS JOIN LATERAL (VALUES (1, 'annotator-' || (f.id %% 12)), (2, 'annotator-' || ((f.id + 1) %% 12))) AS a(n, annotator)
WHERE f.annotation_state = 'done' AND f.annotations_needed = 2
"""


def prepare(owner: psycopg.Connection, total: int) -> None:
    open_drafts = total // 10
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        owner.execute("INSERT INTO annotation_labels (name) SELECT unnest(ARRAY['helpful', 'refund', 'shipping',"
                      " 'polite']) ON CONFLICT DO NOTHING")
    (present,) = owner.execute("SELECT count(*) FROM agent_feedback").fetchone()
    (annotated,) = owner.execute("SELECT count(*) FROM feedback_annotations").fetchone()
    if present == total and annotated:
        print(f"data set: {total:,} drafts ({open_drafts:,} open), reused")
        return
    started = time.perf_counter()
    owner.execute("TRUNCATE agent_feedback, feedback_annotations, annotation_leases, annotation_rework,"
                  " annotation_reviews, annotation_skips, feedback_redactions, support_curated_replies")
    chunk = 100_000
    for first in range(1, total + 1, chunk):
        with owner.transaction():
            owner.execute("SET LOCAL ROLE hotdash_service")
            owner.execute(INSERT_SQL, {"open": open_drafts, "total": total, "start": first,
                                       "stop": min(first + chunk - 1, total)})
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        owner.execute(ANNOTATIONS_SQL, {})
    owner.execute("VACUUM ANALYZE agent_feedback")
    owner.execute("VACUUM ANALYZE feedback_annotations")
    print(f"data set: {total:,} drafts ({open_drafts:,} open) loaded in {time.perf_counter() - started:.0f}s")


def timed(samples: list[float], started: float) -> None:
    samples.append((time.perf_counter() - started) * 1000)


# What row() printed, for --json (benchmarks/figures.py): {name: (samples, target[, unit])}.
ROWS: dict[str, tuple] = {}


def row(name: str, samples: list[float], target: str = "") -> None:
    ROWS[name] = (list(samples), target)
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(f"| {name} | {statistics.median(samples):.1f} | {p95:.1f} | {target} |")


def bare_claim(owner_url: str, repeat: int) -> list[float]:
    """The baseline: the candidate query and the lease insert alone, as the annotator role, rolled back."""
    from feedback.services import _LEASE_INSERT_SQL, _NEXT_OPEN_SQL

    samples = []
    with psycopg.connect(owner_url) as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            with conn.transaction(force_rollback=True):
                conn.execute("SELECT set_config('role', 'hotdash_annotator', true),"
                             " set_config('app.user', %s, true)", [BENCH_ANNOTATOR])
                (feedback_id,) = conn.execute(_NEXT_OPEN_SQL, {"holder": BENCH_ANNOTATOR, "exclude": []}).fetchone()
                conn.execute(_LEASE_INSERT_SQL, {"id": feedback_id, "holder": BENCH_ANNOTATOR, "seconds": 300})
            timed(samples, started)
    return samples


# The team page's queries as they were before the aggregates: over the raw drafts and annotations.
DIRECT_TEAM_SQL = (
    """SELECT annotator,
       count(*) FILTER (WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
       count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_spent)
    FROM feedback_annotations WHERE created_at >= now() - interval '7 days' GROUP BY annotator ORDER BY 3 DESC, 1""",
    """SELECT label, count(*) FROM agent_feedback, unnest(labels) AS label
    WHERE annotation_state = 'done' AND created_at >= now() - interval '30 days' GROUP BY label ORDER BY 2 DESC, 1""",
    """SELECT count(*) FILTER (WHERE annotation_state = 'done'), avg((rubric ->> 'clarity')::numeric)
    FILTER (WHERE annotation_state = 'done') FROM agent_feedback WHERE created_at >= now() - interval '30 days'""",
)


def direct_baselines(repeat: int) -> None:
    """The same figures computed per request from the raw tables (QA's role), as before the aggregates."""
    from django.db import connection

    from feedback.agreement import agreement_compute
    from feedback.selectors import agreement_votes
    from hotdash.db_context import Role, acting_as

    # No warm-up: the pages before read the same tables; each call takes seconds.
    team, agreement = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        with acting_as(Role.QA, user="bench-qa"), connection.cursor() as cursor:
            for sql in DIRECT_TEAM_SQL:
                cursor.execute(sql)
                cursor.fetchall()
        timed(team, started)
        started = time.perf_counter()
        with acting_as(Role.QA, user="bench-qa"):
            agreement_compute(agreement_votes())
        timed(agreement, started)
    row(f"baseline: the team's figures from the raw tables ({repeat} calls)", team)
    row(f"baseline: agreement from every vote, `krippendorff` package ({repeat} calls)", agreement)


def bench(owner: psycopg.Connection, repeat: int) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from feedback.services import annotation_lease_release, annotation_next_claim, annotation_save
    from hotdash.db_context import Role, acting_as

    annotator, _ = User.objects.get_or_create(username=BENCH_ANNOTATOR, defaults={"is_staff": True})
    annotator.groups.set([Group.objects.get(name="Annotators")])
    reviewer, _ = User.objects.get_or_create(username="bench-qa", defaults={"is_staff": True})
    reviewer.groups.set([Group.objects.get(name="QA")])

    print("\n### Annotator's workbench: server time, in-process\n")
    print(f"{repeat} calls each after 3 warm-ups.\n")
    print("| what | median ms | p95 ms | target |")
    print("|---|---|---|---|")

    next_samples = []
    for i in range(repeat + 3):
        started = time.perf_counter()
        with acting_as(Role.ANNOTATOR, user=BENCH_ANNOTATOR):
            draft = annotation_next_claim(annotator=BENCH_ANNOTATOR)
        if i >= 3:
            timed(next_samples, started)
        with acting_as(Role.ANNOTATOR, user=BENCH_ANNOTATOR):
            annotation_lease_release(feedback_id=draft.pk, holder=BENCH_ANNOTATOR)
    row('"annotate next" (service: query, SKIP LOCKED, lease)', next_samples, "< 20 ms")
    row("baseline: the bare SQL claim (psycopg)", bare_claim(os.environ["DATABASE_OWNER_URL"], repeat))

    loop_started = time.perf_counter()
    for _ in range(repeat):
        with acting_as(Role.ANNOTATOR, user=BENCH_ANNOTATOR):
            draft = annotation_next_claim(annotator=BENCH_ANNOTATOR)
            annotation_save(feedback_id=draft.pk, annotator=BENCH_ANNOTATOR, safe_to_send=True,
                            labels=["helpful"], rubric={"clarity": 4, "accuracy": 4, "tone": 4}, notes="")
    per_second = repeat / (time.perf_counter() - loop_started)
    ROWS["annotator loop (next + save), one annotator"] = ([per_second], "≥ 10", "items/s")
    print(f"| annotator loop (next + save), one annotator | {1000 / per_second:.1f} per item | |"
          f" ≥ 10 items/s: **{per_second:.1f} items/s** |")

    pages = [
        (annotator, "progress page (annotator)", "/admin/feedback/agentfeedback/progress/", "< 100 ms"),
        (reviewer, "progress page (QA, the team)", "/admin/feedback/agentfeedback/progress/", "< 100 ms"),
        (annotator, "admin home page with the annotator's tile", "/admin/", ""),
        (annotator, "drafts list", "/admin/feedback/agentfeedback/", ""),
        (reviewer, "GET /api/v1/feedback/agreement/ (session)", "/api/v1/feedback/agreement/", "< 200 ms"),
    ]
    for user, name, url, target in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        samples = []
        for i in range(min(repeat, 20) + 3):
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            if i >= 3:
                timed(samples, started)
        row(name, samples, target)

    direct_baselines(min(repeat, 2))

    # Put the drafts this run annotated back to open.
    with owner.transaction():
        owner.execute("SET LOCAL ROLE hotdash_service")
        owner.execute("UPDATE agent_feedback SET annotation_state = 'open', safe_to_send = NULL, labels = '{}',"
                      " rubric = '{}', annotator = NULL, notes = NULL"
                      " WHERE id IN (SELECT feedback_id FROM feedback_annotations WHERE annotator = %s)",
                      [BENCH_ANNOTATOR])
        owner.execute("DELETE FROM feedback_annotations WHERE annotator = %s", [BENCH_ANNOTATOR])
        owner.execute("DELETE FROM annotation_leases")


def main() -> None:
    parser = arguments(argparse.ArgumentParser())
    parser.add_argument("--drafts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    args.drafts = args.scale or args.drafts
    args.repeat = 3 if args.quick else args.repeat
    owner = psycopg.connect(os.environ["DATABASE_OWNER_URL"], autocommit=True)
    prepare(owner, args.drafts)
    bench(owner, args.repeat)
    figures = Figures("annotation_workbench", args, scale={"drafts": args.drafts})
    figures.add_rows(ROWS, baselines={'"annotate next" (service: query, SKIP LOCKED, lease)': "baseline: the bare SQL claim (psycopg)"})
    figures.write()


if __name__ == "__main__":
    main()
