import pytest
from django.test import Client

from hotdash.db_context import Role, acting_as
from hotdash.tokens import machine_token_issue
from metrics.models import Fact

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


def test_every_response_carries_a_request_id_and_keeps_a_well_formed_one_from_the_caller(tenant_client):
    given = tenant_client.get("/api/async", headers={"X-Request-ID": "upstream-123"})
    garbage = tenant_client.get("/api/async", headers={"X-Request-ID": "bad id; DROP"})

    assert given["X-Request-ID"] == "upstream-123"
    assert len(garbage["X-Request-ID"]) == 32 and garbage["X-Request-ID"] != "bad id; DROP"
