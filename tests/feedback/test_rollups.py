"""The aggregates the triggers keep (feedback/sql/0012_annotation_rollups.sql) give the figures the direct
computation gives: agreement (alpha, kappa, percent) and the team's progress, after new annotations, reworks,
send-backs, adjudications and deletions. Nothing is scheduled, so nothing is ever stale: each check runs right
after the change, in the same transaction or the next one."""

import random
import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from feedback.agreement import agreement_compute
from feedback.models import AgentFeedback, FeedbackAnnotation, ReviewOutcome
from feedback.selectors import agreement_report, agreement_votes, progress_mine, progress_team, training_quality_rows
from feedback.services import annotation_review, feedback_adjudicate
from hotdash.db_context import Role, acting_as
from tests.feedback.factories import AgentFeedbackFactory
from tests.feedback.test_annotation_queue import drafts, next_for, save_as, vocabulary  # noqa: F401

LABELS = ("refund", "polite", "wrong-order")
ANNOTATORS = ("ann", "Bob", "carl", "dee")  # "Bob" sorts before "ann" by code point, after it in most collations


def _random_vote(rng: random.Random) -> dict:
    return {
        "safe_to_send": rng.random() < 0.7,
        "labels": rng.sample(LABELS, rng.randint(0, 2)),
        "rubric": {key: rng.randint(1, 5) for key in ("clarity", "accuracy", "tone")},
        "seconds_spent": rng.randint(3, 90),
    }


def _annotate(rng: random.Random, draft: AgentFeedback, annotators, *, days_ago: int = 0) -> None:
    with acting_as(Role.SERVICE):
        FeedbackAnnotation.objects.bulk_create(
            FeedbackAnnotation(feedback=draft, annotator=name, created_at=timezone.now() - timedelta(days=days_ago),
                               **_random_vote(rng))
            for name in annotators
        )


def _overlap_sample(rng: random.Random, count: int = 40) -> list[AgentFeedback]:
    """Drafts of 1, 2 or 3 annotators (of four), some annotated by fewer than they need, over ten days."""
    made = []
    for _ in range(count):
        needed = rng.choice((1, 2, 2, 3))
        with acting_as(Role.SERVICE):
            draft = AgentFeedbackFactory(annotations_needed=needed,
                                         created_at=timezone.now() - timedelta(days=rng.randint(0, 9)))
        _annotate(rng, draft, rng.sample(ANNOTATORS, rng.randint(1, needed)), days_ago=rng.randint(0, 9))
        made.append(draft)
    return made


def direct_and_kept() -> tuple[dict, dict]:
    with acting_as(Role.QA, user="quinn"):
        return agreement_compute(agreement_votes()), agreement_report()


# The team's page as it was computed before the rollups, from the raw tables (with the rollups' UTC days).
DIRECT_TEAM_SQL = """
SELECT annotator,
       count(*) FILTER (WHERE (created_at AT TIME ZONE 'UTC')::date = (now() AT TIME ZONE 'UTC')::date),
       count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_spent)::numeric, 1)
FROM feedback_annotations WHERE (created_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 7
GROUP BY annotator ORDER BY 3 DESC, 1
"""
DIRECT_LABELS_SQL = """
SELECT label, count(*) FROM agent_feedback, unnest(labels) AS label
WHERE annotation_state = 'done' AND (created_at AT TIME ZONE 'UTC')::date >= (now() AT TIME ZONE 'UTC')::date - 30
GROUP BY label ORDER BY 2 DESC, 1
"""
DIRECT_FINAL_SQL = """
SELECT count(*), count(*) FILTER (WHERE safe_to_send), count(*) FILTER (WHERE NOT safe_to_send),
       avg((rubric ->> 'clarity')::numeric)::numeric(4, 2), avg((rubric ->> 'accuracy')::numeric)::numeric(4, 2),
       avg((rubric ->> 'tone')::numeric)::numeric(4, 2)
FROM agent_feedback
WHERE annotation_state = 'done' AND (created_at AT TIME ZONE 'UTC')::date >= (now() AT TIME ZONE 'UTC')::date - 30
"""
DIRECT_QUALITY_SQL = """
SELECT (created_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE annotation_state = 'done'),
       count(*) FILTER (WHERE annotation_state = 'open'), count(*) FILTER (WHERE annotation_state = 'adjudication'),
       count(*) FILTER (WHERE annotations_needed > 1)
FROM agent_feedback GROUP BY 1 ORDER BY 1 DESC
"""


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_progress_matches() -> None:
    with acting_as(Role.QA, user="quinn"):
        team = progress_team()
        direct = _rows(DIRECT_TEAM_SQL)
        labels = _rows(DIRECT_LABELS_SQL)
        final = _rows(DIRECT_FINAL_SQL)[0]
        days = _rows(DIRECT_QUALITY_SQL)
        kept_days = training_quality_rows()
    assert [(r["annotator"], r["today"], r["last_7_days"], r["median_seconds"]) for r in team["annotators"]] == [
        (a, today, week, float(median)) for a, today, week, median in direct
    ]
    assert [(r["label"], r["drafts"]) for r in team["labels"]] == labels
    figures = team["final_last_30_days"]
    assert (figures["drafts"], figures["safe"], figures["unsafe"]) == final[:3]
    assert tuple(figures["rubric"].values()) == final[3:]
    assert [(r["day"], r["drafts"], r["final"], r["open"], r["adjudication"], r["overlap"]) for r in kept_days] == days


@pytest.mark.django_db
def test_the_kept_agreement_equals_the_direct_computation_on_a_random_sample(vocabulary):  # noqa: F811
    for seed in range(3):
        rng = random.Random(seed)
        sample = _overlap_sample(rng)

        direct, kept = direct_and_kept()
        assert kept == direct
        assert kept["overall"]["safe_to_send"]["items"] > 0 and kept["pairs"]

        # reworks: an annotator's new annotation replaces their vote
        for draft in rng.sample(sample, 10):
            with acting_as(Role.SERVICE):
                voters = sorted(set(FeedbackAnnotation.objects.filter(feedback=draft)
                                    .values_list("annotator", flat=True)))
            _annotate(rng, draft, voters[:1])
        direct, kept = direct_and_kept()
        assert kept == direct

        # deletions (retention, as the service): a draft's annotations go, then one draft itself
        with acting_as(Role.SERVICE):
            FeedbackAnnotation.objects.filter(feedback__in=sample[:5]).delete()
            AgentFeedback.objects.filter(pk=sample[5].pk).delete()
        direct, kept = direct_and_kept()
        assert kept == direct
        with acting_as(Role.SERVICE):
            AgentFeedback.objects.all().delete()
        direct, kept = direct_and_kept()
        assert kept == direct
        assert kept["pairs"] == [] and kept["overall"]["safe_to_send"] == {"krippendorff_alpha": None, "items": 0}


@pytest.mark.django_db
def test_the_kept_agreement_follows_saves_send_backs_and_adjudications_through_the_services(vocabulary):  # noqa: F811
    first, second, third = drafts(3, needed=2)
    for user, verdict in (("ann", True), ("bob", False)):
        for draft in (first, second, third):
            assert next_for(user).pk == draft.pk
            save_as(user, draft.pk, safe_to_send=verdict if draft is first else True)
    direct, kept = direct_and_kept()
    assert kept == direct
    assert kept["pairs"] == [{"annotators": ["ann", "bob"], "items": 3,
                              "safe_to_send": {"percent": 66.67, "cohen_kappa": 0.0}}]

    # QA sends bob's annotation of the first draft back; bob changes his verdict
    with acting_as(Role.SERVICE):
        bobs = FeedbackAnnotation.objects.get(feedback=first, annotator="bob")
    with acting_as(Role.QA, user="quinn"):
        annotation_review(annotation_id=bobs.pk, reviewer="quinn", outcome=ReviewOutcome.SENT_BACK, comment="safe")
    assert direct_and_kept()[1] == kept  # a send-back alone changes no vote
    assert next_for("bob").pk == first.pk
    save_as("bob", first.pk, safe_to_send=True, labels=["polite"])
    direct, kept = direct_and_kept()
    assert kept == direct
    assert kept["pairs"][0]["safe_to_send"]["percent"] == 100.0

    # QA adjudicates the disagreement on labels: the final values change, the annotators' votes do not
    with acting_as(Role.QA, user="quinn"):
        feedback_adjudicate(feedback_id=first.pk, reviewer="quinn", safe_to_send=True, labels=["refund"],
                            rubric={"clarity": 5, "accuracy": 5, "tone": 5})
    assert direct_and_kept() == (direct, kept)
    assert_progress_matches()


@pytest.mark.django_db
def test_the_hand_computed_fixture_through_the_kept_totals():
    from tests.feedback.test_agreement import ALPHA, ANN, BOB, KAPPA

    with acting_as(Role.SERVICE):
        sample = [AgentFeedbackFactory(annotations_needed=2) for _ in range(10)]
        for annotator, verdicts in (("ann", ANN), ("bob", BOB)):
            FeedbackAnnotation.objects.bulk_create(
                FeedbackAnnotation(feedback=draft, annotator=annotator, safe_to_send=verdict,
                                   labels=["refund"] if verdict else [],
                                   rubric={"clarity": 5, "accuracy": 4, "tone": 4}, seconds_spent=10)
                for draft, verdict in zip(sample, verdicts, strict=True)
            )
    with acting_as(Role.QA, user="quinn"):
        report = agreement_report()

    assert report["overall"]["safe_to_send"] == {"krippendorff_alpha": ALPHA, "items": 10}
    assert report["overall"]["labels"] == {"krippendorff_alpha": ALPHA, "items": 10}
    assert report["overall"]["accuracy"] == {"krippendorff_alpha": None, "items": 10}
    assert report["pairs"] == [
        {"annotators": ["ann", "bob"], "items": 10, "safe_to_send": {"percent": 80.0, "cohen_kappa": KAPPA}},
    ]


@pytest.mark.django_db
def test_the_team_page_from_the_rollups_equals_the_direct_computation(vocabulary):  # noqa: F811
    rng = random.Random(7)
    sample = _overlap_sample(rng, count=60)
    with acting_as(Role.SERVICE):
        # final values on some drafts, as settling and adjudication write them
        for draft in sample[:30]:
            vote = _random_vote(rng)
            AgentFeedback.objects.filter(pk=draft.pk).update(
                annotation_state=rng.choice(("done", "done", "adjudication")), safe_to_send=vote["safe_to_send"],
                labels=vote["labels"], rubric=vote["rubric"],
            )
    assert_progress_matches()

    with acting_as(Role.SERVICE):
        AgentFeedback.objects.filter(pk__in=[d.pk for d in sample[:3]]).update(annotation_state="open")
        FeedbackAnnotation.objects.filter(feedback__in=sample[10:15]).delete()
        AgentFeedback.objects.filter(pk__in=[d.pk for d in sample[10:15]]).delete()
    assert_progress_matches()


@pytest.mark.django_db
def test_an_annotator_reads_only_their_own_work_and_none_of_the_agreement_totals(vocabulary):  # noqa: F811
    first, second = drafts(2, needed=2)
    for user in ("ann", "bob"):
        for draft in (first, second):
            assert next_for(user).pk == draft.pk
            save_as(user, draft.pk)

    with acting_as(Role.ANNOTATOR, user="ann"):
        assert _rows("SELECT DISTINCT annotator FROM annotation_work_daily") == [("ann",)]
        assert progress_mine("ann")["today"] == 2
    for table in ("annotation_agreement_units", "annotation_agreement_pairs", "annotation_quality_daily"):
        with pytest.raises(DatabaseError, match="permission denied"), acting_as(Role.ANNOTATOR, user="ann"):
            _rows(f"SELECT 1 FROM {table}")  # noqa: S608 - fixed names
    with acting_as(Role.MONITORING):
        assert sum(row["drafts"] for row in training_quality_rows()) == 2
    with pytest.raises(DatabaseError, match="permission denied"), acting_as(Role.MONITORING):
        _rows("SELECT 1 FROM annotation_agreement_pairs")


@pytest.mark.django_db(transaction=True)
def test_two_annotations_of_one_overlap_draft_stored_at_once_are_both_counted():
    # The lease keeps two annotators off one draft; writers that bypass it (the service, imports) are serialized
    # by the trigger's lock on the draft, so the second sees the first's vote once it commits.
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(annotations_needed=2)
    barrier = threading.Barrier(2)
    errors = []

    def store(user: str, verdict: bool) -> None:
        try:
            with acting_as(Role.SERVICE):
                barrier.wait()
                FeedbackAnnotation.objects.create(feedback=draft, annotator=user, safe_to_send=verdict, labels=[],
                                                  rubric={"clarity": 3, "accuracy": 3, "tone": 3}, seconds_spent=5)
                time.sleep(0.3)  # both inserts are in flight before either commits
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=store, args=args) for args in (("ann", True), ("bob", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    direct, kept = direct_and_kept()
    assert kept == direct
    assert kept["pairs"] == [{"annotators": ["ann", "bob"], "items": 1,
                              "safe_to_send": {"percent": 0.0, "cohen_kappa": 0.0}}]
