"""Reads of the feedback tables, shared by the annotator's workbench, QA's pages and the API."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from feedback.agreement import Vote, agreement_from_totals
from feedback.models import (
    AgentFeedback,
    AnnotationLabel,
    AnnotationLease,
    AnnotationReview,
    AnnotationRework,
    AnnotationState,
    FeedbackAnnotation,
)


def feedback_list() -> QuerySet[AgentFeedback]:
    return AgentFeedback.objects.all()


def labels_active() -> list[AnnotationLabel]:
    """The vocabulary offered on the workbench, by name."""
    return list(AnnotationLabel.objects.filter(active=True).order_by("name"))


def rework_for(*, feedback_id: int, annotator: str) -> AnnotationRework | None:
    """QA's comment when this draft was sent back to this annotator and they have not saved it again."""
    return AnnotationRework.objects.filter(feedback_id=feedback_id, annotator=annotator).first()


def annotation_latest(*, feedback_id: int, annotator: str) -> FeedbackAnnotation | None:
    """The annotator's own latest annotation of a draft (what a rework starts from)."""
    return FeedbackAnnotation.objects.filter(feedback_id=feedback_id, annotator=annotator).order_by("-id").first()


def lease_of(feedback_id: int) -> AnnotationLease | None:
    return AnnotationLease.objects.filter(feedback_id=feedback_id).first()


def annotations_of(feedback_id: int) -> list[FeedbackAnnotation]:
    """Every annotation of a draft the caller may read (QA: all), oldest first, each with its reviews."""
    return list(
        FeedbackAnnotation.objects.filter(feedback_id=feedback_id)
        .prefetch_related("annotationreview_set").order_by("id")
    )


def reviews_of(feedback_id: int) -> list[AnnotationReview]:
    return list(AnnotationReview.objects.filter(feedback_id=feedback_id).order_by("created_at", "id"))


def adjudication_count() -> int:
    """Drafts whose annotators disagree, waiting for QA (from the partial index)."""
    return AgentFeedback.objects.filter(annotation_state=AnnotationState.ADJUDICATION).count()


def agreement_votes() -> list[Vote]:
    """Each annotator's latest annotation of every draft two or more annotators labelled (QA reads them all)."""
    rows = (
        FeedbackAnnotation.objects.filter(feedback__annotations_needed__gte=2)
        .order_by("feedback_id", "annotator", "-id")
        .distinct("feedback_id", "annotator")
        .values_list("feedback_id", "annotator", "safe_to_send", "labels", "rubric")
    )
    return [Vote(feedback_id=f, annotator=a, safe_to_send=s, labels=tuple(labels), rubric=rubric)
            for f, a, s, labels, rubric in rows]


def agreement_report() -> dict:
    """The agreement report (feedback.agreement) from the totals the database keeps: a few hundred rows at most,
    however many drafts and annotations there are. QA and supervisors read them."""
    return agreement_from_totals(
        coincidences=_all("SELECT field, annotators, value_a, value_b, pairs FROM annotation_agreement_coincidences"
                          " WHERE pairs <> 0"),
        labels=_all("SELECT label, annotators, applied, drafts FROM annotation_agreement_labels WHERE drafts <> 0"),
        pairs=_all("SELECT annotator_a, annotator_b, items, agree, safe_a, safe_b FROM annotation_agreement_pairs"
                   " WHERE items > 0"),
    )


# --- progress ------------------------------------------------------------------------------------------------

# Days are UTC days, as the rollups count them: "today", "this week" (from Monday), "the last 7 days" (today
# and the six before), "the last 30 days" (drafts created since the day 30 days ago). Medians come from the
# histogram of seconds per annotator and day (annotation_work_daily), so they are exact: the two middle values'
# mean, as percentile_cont(0.5) gives it.
_MY_PROGRESS_SQL = """
SELECT
    coalesce(sum(annotations) FILTER (WHERE day = (now() AT TIME ZONE 'UTC')::date), 0),
    coalesce(sum(annotations) FILTER (WHERE day >= date_trunc('week', now() AT TIME ZONE 'UTC')::date), 0)
FROM annotation_work_daily WHERE annotator = %(me)s AND day >= (now() AT TIME ZONE 'UTC')::date - 7
"""
# The median of the rows in `histogram` (annotator, seconds_spent, n, today) per annotator: value number
# floor((N - 1) / 2) and number floor(N / 2) (from 0) are the first whose running count exceeds the number.
_MEDIAN_SQL = """
WITH histogram AS ({histogram}),
running AS (
    SELECT annotator, seconds_spent, today,
           sum(n) OVER (PARTITION BY annotator ORDER BY seconds_spent) AS below,
           sum(n) OVER (PARTITION BY annotator) AS total
    FROM histogram
)
SELECT annotator, sum(today), max(total),
       (min(seconds_spent) FILTER (WHERE below > (total - 1) / 2)
        + min(seconds_spent) FILTER (WHERE below > total / 2)) / 2.0
FROM running GROUP BY annotator ORDER BY 3 DESC, 1
"""
_WEEK_HISTOGRAM = """
SELECT annotator, seconds_spent, sum(annotations) AS n,
       coalesce(sum(annotations) FILTER (WHERE day = (now() AT TIME ZONE 'UTC')::date), 0) AS today
FROM annotation_work_daily
WHERE day > (now() AT TIME ZONE 'UTC')::date - 7 {mine}
GROUP BY annotator, seconds_spent HAVING sum(annotations) > 0
"""
_MY_MEDIAN_SQL = _MEDIAN_SQL.format(histogram=_WEEK_HISTOGRAM.format(mine="AND annotator = %(me)s"))
_MY_REMAINING_SQL = """
SELECT count(*) FROM agent_feedback f
WHERE f.annotation_state = 'open'
  AND NOT EXISTS (SELECT 1 FROM feedback_annotations a WHERE a.feedback_id = f.id AND a.annotator = %(me)s)
"""
_TEAM_SQL = _MEDIAN_SQL.format(histogram=_WEEK_HISTOGRAM.format(mine=""))
_LABELS_SQL = """
SELECT label, sum(drafts) FROM annotation_labels_daily
WHERE day >= (now() AT TIME ZONE 'UTC')::date - 30
GROUP BY label HAVING sum(drafts) > 0 ORDER BY 2 DESC, 1
"""
_QUALITY_SQL = """
SELECT coalesce(sum(final), 0), coalesce(sum(safe), 0), coalesce(sum(unsafe), 0),
       (sum(clarity_sum) / nullif(sum(clarity_count), 0))::numeric(4, 2),
       (sum(accuracy_sum) / nullif(sum(accuracy_count), 0))::numeric(4, 2),
       (sum(tone_sum) / nullif(sum(tone_count), 0))::numeric(4, 2)
FROM annotation_quality_daily WHERE day >= (now() AT TIME ZONE 'UTC')::date - 30
"""
_BACKLOG_SQL = """
SELECT count(*) FILTER (WHERE created_at >= now() - interval '1 hour'),
       count(*) FILTER (WHERE created_at < now() - interval '1 hour' AND created_at >= now() - interval '1 day'),
       count(*) FILTER (WHERE created_at < now() - interval '1 day' AND created_at >= now() - interval '7 days'),
       count(*) FILTER (WHERE created_at < now() - interval '7 days')
FROM agent_feedback WHERE annotation_state = 'open'
"""
BACKLOG_BUCKETS = ("under 1 hour", "1 hour to 1 day", "1 to 7 days", "over 7 days")


def _one(sql: str, params: dict | None = None) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchone()


def _all(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def progress_mine(annotator: str) -> dict:
    """The annotator's tile: done today and this week, what is left for them, their median seconds per draft."""
    today, week = _one(_MY_PROGRESS_SQL, {"me": annotator})
    median = next((float(row[3]) for row in _all(_MY_MEDIAN_SQL, {"me": annotator})), None)
    (remaining,) = _one(_MY_REMAINING_SQL, {"me": annotator})
    rework = AnnotationRework.objects.filter(annotator=annotator).count()
    return {
        "annotator": annotator, "today": int(today), "this_week": int(week), "remaining": remaining + rework,
        "sent_back": rework, "median_seconds": round(median, 1) if median is not None else None,
    }


def progress_team() -> dict:
    """The team's page (QA, supervisors): per annotator over 7 days, per label and average rubric over 30 days
    (from the rollups the triggers keep), and the backlog of open drafts by age (the open drafts' index)."""
    final, safe, unsafe, clarity, accuracy, tone = _one(_QUALITY_SQL)
    return {
        "annotators": [
            {"annotator": a, "today": int(today), "last_7_days": int(week), "median_seconds": round(float(median), 1)}
            for a, today, week, median in _all(_TEAM_SQL)
        ],
        "labels": [{"label": label, "drafts": count} for label, count in _all(_LABELS_SQL)],
        "final_last_30_days": {
            "drafts": int(final), "safe": int(safe), "unsafe": int(unsafe),
            "rubric": {"clarity": clarity, "accuracy": accuracy, "tone": tone},
        },
        "backlog": dict(zip(BACKLOG_BUCKETS, _one(_BACKLOG_SQL), strict=True)),
    }


def annotation_progress_rows(*, since=None) -> list[dict]:
    """v_annotation_progress as the caller may read it (an annotator: their own rows), newest day first."""
    where = "WHERE day >= %(since)s" if since else ""
    rows = _all(
        "SELECT annotator, day, annotations, drafts, median_seconds, mean_seconds, unsafe"  # noqa: S608 - fixed SQL
        f" FROM v_annotation_progress {where} ORDER BY day DESC, annotator LIMIT 1000",
        {"since": since},
    )
    names = ("annotator", "day", "annotations", "drafts", "median_seconds", "mean_seconds", "unsafe")
    return [dict(zip(names, row, strict=True)) for row in rows]


def training_quality_rows(*, since=None) -> list[dict]:
    """v_training_data_quality, newest day first."""
    where = "WHERE day >= %(since)s" if since else ""
    names = ("day", "drafts", "final", "open", "adjudication", "overlap", "safe", "unsafe", "clarity", "accuracy",
             "tone")
    rows = _all(
        f"SELECT {', '.join(names)} FROM v_training_data_quality {where}"  # noqa: S608 - fixed SQL
        " ORDER BY day DESC LIMIT 1000",
        {"since": since},
    )
    return [dict(zip(names, row, strict=True)) for row in rows]
