"""The metrics refreshes: daily history that outlives retention, timed refreshes, the data-quality check,
the command, and the beat schedule through a real worker."""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from hotdash.db_context import Role, acting_as
from hotdash.errors import Invalid
from metrics.models import AgentDailyMetrics, MetricsRefresh, ObservabilityLog
from metrics.realtime import PERFORMANCE_ALERT_CHANNEL
from metrics.selectors import metrics_freshness
from metrics.services import (
    REALTIME_VIEWS,
    daily_metrics_refresh,
    daily_metrics_rollup,
    data_quality_check,
    materialized_view_refresh,
)


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def query_on(day_offset: int, agent: str = "support", approved=True, latency=100) -> None:
    """An agent query `day_offset` days ago (0 = today, UTC), at 10:00 or a minute ago for today."""
    execute(
        "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, latency_ms, created_at)"
        " VALUES ('q', '{}', 'c', %s, %s, %s,"
        " CASE WHEN %s = 0 THEN now() - interval '1 minute'"
        " ELSE (current_date - %s)::timestamp AT TIME ZONE 'UTC' + interval '10 hours' END)",
        [agent, approved, latency, day_offset, day_offset],
    )


def daily_history() -> list[tuple]:
    with acting_as(Role.MONITORING), connection.cursor() as cursor:
        cursor.execute(
            "SELECT agent, day, queries, judged, approved, avg_latency_ms, p95_latency_ms, quality_score"
            " FROM mv_daily_agent_metrics ORDER BY day, agent"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_daily_history_is_unchanged_after_retention_deletes_the_raw_rows():
    # given queries 100, 70 and 1 days ago and today
    with acting_as(Role.SERVICE):
        for offset, approved, latency in [(100, True, 90), (100, False, 110), (70, True, 200), (1, True, 50), (0, True, 10)]:
            query_on(offset, approved=approved, latency=latency)
        daily_metrics_refresh()
    before = daily_history()

    # when retention deletes raw queries older than 60 days and the nightly job runs again
    with acting_as(Role.SERVICE):
        execute("DELETE FROM agent_queries WHERE created_at < now() - interval '60 days'")
        daily_metrics_refresh()
    after = daily_history()

    # then every past day is still there, as it was; today is read from the raw rows
    assert after == before
    assert [row[2] for row in after] == [2, 1, 1, 1]
    assert after[0][4] == 1 and after[0][5] == 100  # one of two approved, average 100 ms
    with acting_as(Role.SERVICE):
        assert AgentDailyMetrics.objects.count() == 3  # the closed days, not today


@pytest.mark.django_db
def test_the_rollup_catches_up_every_missed_day_and_never_recomputes_one():
    today = datetime.now(UTC).date()
    with acting_as(Role.SERVICE):
        for offset in (5, 4, 3, 2, 1):
            query_on(offset)
        # the last nightly run, five days ago: rolled up to six days ago (nothing then)
        daily_metrics_rollup(today=today - timedelta(days=5))
        assert AgentDailyMetrics.objects.count() == 0
        # a run four days ago, then an outage
        daily_metrics_rollup(today=today - timedelta(days=4))
        first = AgentDailyMetrics.objects.get()
        query_on(5, latency=9000)  # a late row for a day already rolled up
        daily_metrics_rollup()
        days = list(AgentDailyMetrics.objects.order_by("day").values_list("day", "queries", "latency_sum_ms"))
    assert [d for d, _, _ in days] == [today - timedelta(days=n) for n in (5, 4, 3, 2, 1)]
    assert days[0] == (first.day, 1, 100)  # rolled up once, never recomputed


@pytest.mark.django_db
def test_each_refresh_is_timed_and_freshness_shows_the_latest():
    with acting_as(Role.SERVICE):
        query_on(0)
        first = materialized_view_refresh("mv_agent_performance_realtime")  # the first: not concurrent
        second = materialized_view_refresh("mv_agent_performance_realtime")  # concurrent
        with pytest.raises(Invalid) as bad:
            materialized_view_refresh("agent_queries; DROP TABLE facts")
    with acting_as(Role.MONITORING):
        freshness = {row["view"]: row for row in metrics_freshness()}
        refreshes = MetricsRefresh.objects.filter(view="mv_agent_performance_realtime").count()

    assert bad.value.field == "view"
    assert refreshes == 2 and second.started_at >= first.started_at
    realtime = freshness["mv_agent_performance_realtime"]
    assert (realtime["refreshed_at"], realtime["duration_ms"]) == (second.started_at, second.duration_ms)
    assert 0 <= realtime["age_seconds"] < 60
    assert freshness["mv_daily_agent_metrics"] == {
        "view": "mv_daily_agent_metrics", "refreshed_at": None, "duration_ms": None, "age_seconds": None
    }


@pytest.mark.django_db
def test_the_data_quality_check_logs_violations_at_warn_and_alerts_on_critical_ones(
    django_capture_on_commit_callbacks,
):
    listener = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(PERFORMANCE_ALERT_CHANNEL)
    try:
        with acting_as(Role.SERVICE), django_capture_on_commit_callbacks(execute=True):
            # a pending approval past its TTL (critical) and a query without a latency (warning)
            execute(
                "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, expires_at)"
                " VALUES ('c', '{}', '[{\"agent\": \"a\"}]', now() - interval '1 second')"
            )
            execute("INSERT INTO agent_queries (query, result, conversation_id, agent) VALUES ('q', '{}', 'c', 'a')")
            violated = data_quality_check()
        message = None
        deadline = time.monotonic() + 5
        while message is None and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
    finally:
        listener.close()

    assert [(r["rule"], r["violations"]) for r in violated] == [("pending_past_ttl", 1), ("queries_missing_latency", 1)]
    with acting_as(Role.MONITORING):
        lines = list(ObservabilityLog.objects.order_by("id").values_list("level", "message"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT violations FROM mv_data_quality_report WHERE rule = 'pending_past_ttl'")
            stored = cursor.fetchone()
    assert [level for level, _ in lines] == ["WARN", "WARN"]
    assert lines[0][1].startswith("data quality: pending_past_ttl (critical): 1 pending approvals past their expiry")
    assert stored == (1,)
    alert = json.loads(message["data"])
    assert (alert["source"], [r["rule"] for r in alert["rules"]]) == ("data_quality", ["pending_past_ttl"])


@pytest.mark.django_db
def test_refresh_metrics_runs_the_same_services_by_hand(capsys):
    call_command("refresh_metrics", "--view", "mv_approval_queue_depth")
    call_command("refresh_metrics")
    with pytest.raises(CommandError, match="--view must be one of mv_agent_performance_realtime, .*not 'facts'"):
        call_command("refresh_metrics", "--view", "facts")

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("mv_approval_queue_depth: ") and out[0].endswith(" ms")
    assert [line.split(":")[0] for line in out[1:]] == [
        "mv_agent_performance_realtime", "mv_approval_queue_depth", "mv_approval_queue_status", "agent_daily_metrics",
        "mv_daily_agent_metrics", "mv_data_quality_report",
    ]
    with acting_as(Role.MONITORING):
        assert MetricsRefresh.objects.filter(view="mv_approval_queue_depth").count() == 2


@pytest.mark.django_db
def test_the_metrics_schedules_are_installed_by_migrate_and_name_their_views():
    tasks = {task.task: task for task in PeriodicTask.objects.filter(task__startswith="metrics.tasks.")}
    realtime = tasks["metrics.tasks.realtime_metrics_refresh_task"]
    daily = tasks["metrics.tasks.daily_metrics_refresh_task"]
    quality = tasks["metrics.tasks.data_quality_check_task"]
    assert (realtime.interval.every, realtime.interval.period, realtime.enabled) == (30, "seconds", True)
    assert (daily.crontab.minute, daily.crontab.hour) == ("15", "0")
    assert (quality.crontab.minute, quality.crontab.hour) == ("5", "*")
    assert all(view in realtime.description for view in REALTIME_VIEWS)
    assert "mv_daily_agent_metrics" in daily.description and "mv_data_quality_report" in quality.description


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_refresh_the_realtime_views(celery_worker):
    # given an operator who made the realtime job run every second (as the admin's Periodic tasks page allows)
    task = PeriodicTask.objects.get(task="metrics.tasks.realtime_metrics_refresh_task")
    installed = task.interval
    task.interval, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    task.save()
    with acting_as(Role.SERVICE):
        query_on(0, agent="data")

    def refreshed() -> int:
        with acting_as(Role.MONITORING):
            return MetricsRefresh.objects.filter(view="mv_agent_performance_realtime").count()

    # when beat runs next to the worker
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hotdash", "beat", "--loglevel", "WARNING",
         "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile="],
        env=celery_worker.env,
    )
    try:
        deadline = time.monotonic() + 30
        while refreshed() < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        task.interval = installed  # schedules outlive a test: leave it as migrate installed it
        task.save()

    # then the worker refreshed the view (twice: the second one concurrently) and the dashboard reads it
    assert refreshed() >= 2
    with acting_as(Role.OPERATOR), connection.cursor() as cursor:
        cursor.execute("SELECT agent, queries_last_hour, health FROM mv_agent_performance_realtime")
        assert cursor.fetchall() == [("data", 1, "healthy")]
