import re

import pytest
from django.test import Client

from hotdash.db_context import Role, acting_as
from hotdash.tokens import machine_token_issue
from metrics.models import Fact
from metrics.services import observability_log_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.hotdash.urls_context")]


@pytest.fixture
def tenant_client():
    with acting_as(Role.SERVICE):
        Fact.objects.create(project="occ", topic="t", key="a", value=1)
        Fact.objects.create(project="chatwoot", topic="t", key="b", value=2)
        Fact.objects.create(project="occ", topic="t", key="c", value=3)
    token = machine_token_issue(role=Role.TENANT, client="test", project="occ")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_streaming_response_reads_with_the_request_s_role_and_tenant_to_the_end(tenant_client):
    response = tenant_client.get("/api/streamed")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"project,key\nocc,a\nocc,c\n"


def test_an_async_view_reads_with_the_request_s_role_and_tenant(tenant_client):
    response = tenant_client.get("/api/async")

    assert response.status_code == 200
    assert response.json() == {"projects": ["occ", "occ"]}


def test_every_request_gets_an_id_of_ours_and_a_well_formed_one_from_the_caller_is_only_echoed(tenant_client):
    given = tenant_client.get("/api/logs", headers={"X-Request-ID": "upstream-123"})
    garbage = tenant_client.get("/api/logs", headers={"X-Request-ID": "bad id; DROP"})
    again = tenant_client.get("/api/logs", headers={"X-Request-ID": "upstream-123"})

    ours = given["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", ours) and ours != again["X-Request-ID"]
    assert given.json()["app.request_id"] == ours
    assert given["X-Client-Request-ID"] == "upstream-123"
    assert re.fullmatch(r"[0-9a-f]{32}", garbage["X-Request-ID"]) and "X-Client-Request-ID" not in garbage


def test_a_tenant_that_sends_another_tenant_s_request_id_reads_none_of_its_log_lines(tenant_client):
    # given log lines of another tenant (one of them an error of a request whose id the tenant has learnt),
    # lines of its own project and scope, and a line of nobody's
    with acting_as(Role.INGEST):
        for level, message, project, scope, request_id in [
            ("ERROR", "chatwoot: card declined for jane@example.com", "chatwoot", None, "req-of-chatwoot"),
            ("INFO", "chatwoot: sync done", "chatwoot", None, None),
            ("WARN", "occ: slow query", "occ", None, None),
            ("INFO", "ops: scope note", None, "ops", None),
            ("INFO", "worker restarted", None, None, None),
        ]:
            observability_log_create(level=level, message=message, project=project, scope=scope, request_id=request_id)
    token = machine_token_issue(role=Role.TENANT, client="test", project="occ", scope="ops")

    # when the tenant sends that request id as its own
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/logs", headers={"X-Request-ID": "req-of-chatwoot"})

    # then it reads its own lines only, and the database was given the console's id, not the header
    assert response.json()["messages"] == ["occ: slow query", "ops: scope note"]
    assert response.json()["app.request_id"] == response["X-Request-ID"] != "req-of-chatwoot"
