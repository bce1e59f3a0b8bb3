import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotdash.db_context import Role, acting_as
from hotdash.groups import MONITORING, OPERATORS, QA
from tests.metrics.factories import AgentQCFactory, AgentQueryFactory, ObservabilityLogFactory

pytestmark = pytest.mark.django_db


def console_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, is_staff=True, is_superuser=group is None)
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def monitoring_client(client):
    client.force_login(console_user("mona", MONITORING))
    return client


def test_an_unfiltered_big_list_takes_the_row_estimate_instead_of_counting(monitoring_client, monkeypatch):
    # given a log the statistics say holds 12 million lines
    with acting_as(Role.SERVICE):
        ObservabilityLogFactory.create_batch(3)
    monkeypatch.setattr("hotdash.admin.table_row_estimate", lambda table: 12_000_000)

    with CaptureQueriesContext(connection) as queries:
        response = monitoring_client.get("/admin/metrics/observabilitylog/")

    assert response.status_code == 200
    assert re.search(r"12000000\s+observability logs", response.text)
    assert "Show counts" not in response.text
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "observability_logs" in q["sql"]]
    assert counts == []


def test_a_filtered_big_list_is_counted_exactly(monitoring_client, monkeypatch):
    with acting_as(Role.SERVICE):
        ObservabilityLogFactory.create_batch(3)
        ObservabilityLogFactory(level="ERROR")
    monkeypatch.setattr("hotdash.admin.table_row_estimate", lambda table: 12_000_000)

    response = monitoring_client.get("/admin/metrics/observabilitylog/?level__exact=ERROR")

    assert response.status_code == 200
    assert re.search(r"1\s+observability log\b", response.text)


def test_a_log_line_shows_its_metadata_as_indented_json_and_offers_no_save(monitoring_client):
    with acting_as(Role.SERVICE):
        line = ObservabilityLogFactory(metadata={"queue": "approvals", "depth": 51})

    response = monitoring_client.get(f"/admin/metrics/observabilitylog/{line.pk}/change/")

    assert response.status_code == 200
    # jsonb keeps keys ordered by length, then bytes
    assert "{\n  &quot;depth&quot;: 51,\n  &quot;queue&quot;: &quot;approvals&quot;\n}</pre>" in response.text
    assert 'name="_save"' not in response.text


def test_an_operator_judges_a_query_through_the_admin(client):
    with acting_as(Role.SERVICE):
        query = AgentQueryFactory()
    client.force_login(console_user("otto", OPERATORS))

    response = client.post(
        f"/admin/metrics/agentquery/{query.pk}/change/",
        {"approved": "true", "human_edited": "on", "query": "ignored: read-only", "_save": "Save"},
    )

    assert response.status_code == 302
    with acting_as(Role.QA):
        stored = type(query).objects.get(pk=query.pk)
    assert (stored.approved, stored.human_edited, stored.query) == (True, True, query.query)


def test_qa_reads_runs_with_their_qc_checks_and_cannot_change_them(client):
    with acting_as(Role.SERVICE):
        check = AgentQCFactory(check_name="tone", run__run_id="run-77")
    client.force_login(console_user("quinn", QA))

    run_page = client.get(f"/admin/metrics/agentrun/{check.run_id}/change/")
    qc_list = client.get("/admin/metrics/agentqc/")
    post = client.post(f"/admin/metrics/agentrun/{check.run_id}/change/", {"run_id": "run-78"})

    assert run_page.status_code == 200
    assert "run-77" in run_page.text and "tone" in run_page.text
    assert 'name="_save"' not in run_page.text
    assert qc_list.status_code == 200 and "support run run-77" in qc_list.text
    assert post.status_code == 403
    with acting_as(Role.QA):
        assert type(check.run).objects.get(pk=check.run_id).run_id == "run-77"


def test_agent_accuracy_and_kpis_by_day_are_listed_for_the_roles_that_read_them(client):
    # Their key is (agent, day): Django's changelist cannot list such rows, so two plain admin pages do.
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        AgentQueryFactory(agent="support", approved=True, latency_ms=80)
        AgentQCFactory(check_name="tone", run__run_id="run-9", run__agent_name="support")
        cursor.execute("REFRESH MATERIALIZED VIEW mv_daily_agent_metrics")
    client.force_login(console_user("mona", MONITORING))

    accuracy = client.get("/admin/metrics/metricsrefresh/agent-accuracy/", {"agent": "support"})
    kpis = client.get("/admin/metrics/metricsrefresh/agent-kpis/")
    hostile = client.get("/admin/metrics/metricsrefresh/agent-accuracy/", {"agent": "a\x00"})
    client.force_login(User.objects.create_user("nobody", is_staff=True))

    assert accuracy.status_code == 200 and "quality_score" in accuracy.text and "support" in accuracy.text
    assert "1 rows." in accuracy.text
    assert kpis.status_code == 200 and "qc_pass_rate" in kpis.text and "support" in kpis.text
    assert hostile.status_code == 200 and "must not contain NUL" in hostile.text
    assert client.get("/admin/metrics/metricsrefresh/agent-kpis/").status_code == 403
