"""Stored health reports: the daily job, new critical findings as alerts, who may read them, the admin page."""

import copy
import json
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from hotdash.db_context import Role, acting_as
from hotdash.groups import MONITORING, OPERATORS, QA
from metrics.models import DbHealthReport, ObservabilityLog
from metrics.realtime import PERFORMANCE_ALERT_CHANNEL
from metrics.services import dbhealth_report_store
from metrics.tasks import dbhealth_report_task

pytestmark = pytest.mark.django_db

CLEAN = {
    "generated_at": "2026-01-04T03:30:00+00:00",
    "database": "hotdash",
    "summary": {"ok": 1, "warning": 0, "critical": 0},
    "sections": [
        {"name": "rls", "findings": [
            {"check": "rls", "level": "ok", "object": "facts", "detail": "enabled, forced", "remediation": ""},
        ]},
    ],
}


def with_critical(report: dict, obj: str, generated_at: str) -> dict:
    report = copy.deepcopy(report)
    report["generated_at"] = generated_at
    report["sections"][0]["findings"].append(
        {"check": "rls enabled", "level": "critical", "object": obj, "detail": "row-level security is disabled",
         "remediation": f"ALTER TABLE {obj} ENABLE ROW LEVEL SECURITY;"}
    )
    report["summary"] = {"ok": 1, "warning": 0, "critical": len(report["sections"][0]["findings"]) - 1}
    return report


def error_lines() -> list[str]:
    with acting_as(Role.SERVICE):
        return list(ObservabilityLog.objects.filter(level="ERROR").order_by("id").values_list("message", flat=True))


def test_a_new_critical_finding_logs_an_error_and_fires_the_performance_alert_stream(
    django_capture_on_commit_callbacks,
):
    listener = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(PERFORMANCE_ALERT_CHANNEL)
    try:
        first = with_critical(CLEAN, "facts_copy", "2026-01-05T03:30:00+00:00")
        second = with_critical(first, "leaky", "2026-01-06T03:30:00+00:00")  # facts_copy again, and a new one
        with acting_as(Role.SERVICE), django_capture_on_commit_callbacks(execute=True):
            dbhealth_report_store(CLEAN)
        assert error_lines() == []

        with acting_as(Role.SERVICE), django_capture_on_commit_callbacks(execute=True):
            _, new = dbhealth_report_store(first)
        with acting_as(Role.SERVICE), django_capture_on_commit_callbacks(execute=True):
            _, new_again = dbhealth_report_store(second)

        messages = []
        deadline = time.monotonic() + 5
        while len(messages) < 2 and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
            if message:
                messages.append(json.loads(message["data"]))
    finally:
        listener.close()

    assert [f["object"] for f in new] == ["facts_copy"]
    assert [f["object"] for f in new_again] == ["leaky"]  # what the previous report had alerts nobody again
    assert len(error_lines()) == 2
    assert error_lines()[1].startswith("dbhealth: new critical finding in rls: rls enabled leaky")
    assert [[f["object"] for f in m["findings"]] for m in messages] == [["facts_copy"], ["leaky"]]
    assert messages[0]["source"] == "dbhealth"


def test_the_daily_job_runs_the_report_and_stores_it_as_the_service_role():
    summary = dbhealth_report_task()

    with acting_as(Role.MONITORING):
        (stored,) = DbHealthReport.objects.all()
    assert (stored.ok, stored.warning, stored.critical) == (summary["ok"], summary["warning"], summary["critical"])
    assert [s["name"] for s in stored.report["sections"]][:2] == ["migrations", "rls"]
    task = PeriodicTask.objects.get(task="metrics.tasks.dbhealth_report_task")
    assert (task.enabled, task.crontab.hour, task.crontab.minute) == (True, "3", "30")


@pytest.mark.parametrize("role", [Role.TENANT, Role.OPERATOR, Role.ANNOTATOR, Role.QA])
def test_reports_are_refused_to_every_role_but_the_service_monitoring_and_supervisors(role):
    with acting_as(Role.SERVICE):
        dbhealth_report_store(CLEAN)

    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        with acting_as(role):
            DbHealthReport.objects.count()
    with acting_as(Role.SUPERVISOR):
        assert DbHealthReport.objects.count() == 1


# --- the admin page ---------------------------------------------------------------------------------


def console_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, is_staff=True, is_superuser=group is None)
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


def store_reports() -> None:
    with acting_as(Role.SERVICE):
        start = timezone.now() - timedelta(days=3)
        for day, critical in enumerate([0, 1, 0]):
            report = with_critical(CLEAN, "leaky", (start + timedelta(days=day)).isoformat()) if critical else {
                **CLEAN, "generated_at": (start + timedelta(days=day)).isoformat(),
            }
            dbhealth_report_store(report)


@pytest.mark.parametrize("group", [MONITORING, None], ids=["monitoring", "superuser"])
def test_the_admin_page_shows_the_latest_report_and_the_trend(client, group):
    store_reports()
    client.force_login(console_user("mona", group))

    response = client.get("/admin/metrics/dbhealthreport/")

    assert response.status_code == 200
    page = response.text
    assert "Database health: the latest report" in page
    assert 'data-count="critical">0 critical' in page  # the latest report
    assert page.count('<td class="dbhealth-critical">') == 3  # one trend row per stored report
    assert "1. Row-level security" in page
    with acting_as(Role.MONITORING):
        older = DbHealthReport.objects.filter(critical=1).get()
    detail = client.get(f"/admin/metrics/dbhealthreport/{older.pk}/change/")
    assert detail.status_code == 200
    assert "ALTER TABLE leaky ENABLE ROW LEVEL SECURITY;" in detail.text


@pytest.mark.parametrize("group", [OPERATORS, QA])
def test_the_admin_page_is_refused_to_other_staff(client, group):
    store_reports()
    client.force_login(console_user("olga", group))

    assert client.get("/admin/metrics/dbhealthreport/").status_code == 403
    assert "dbhealthreport" not in client.get("/admin/").text


def test_the_admin_page_is_refused_to_a_monitoring_user_who_is_not_staff(client):
    user = console_user("mona", MONITORING)
    user.is_staff = False
    user.save()
    client.force_login(user)

    response = client.get("/admin/metrics/dbhealthreport/")

    assert response.status_code == 302  # to the admin login: the admin is for staff only
    assert connection.settings_dict["USER"] == "hotdash_app"
