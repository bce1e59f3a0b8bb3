"""The facts API over real HTTP: a token's project is the only project it reads or writes."""

import time

import pytest
import requests

from hotdash.db_context import Role, acting_as
from metrics.models import Fact
from tests.api_client import issue_token

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def facts_of_two_projects():
    with acting_as(Role.SERVICE):
        a = Fact.objects.create(project="occ", topic="sales", key="daily", value={"total": 10})
        b = Fact.objects.create(project="chatwoot", topic="sales", key="daily", value={"total": 99})
    return a, b


@pytest.fixture
def api(live_server):
    return f"{live_server.url}/api/v1"


def stored_facts() -> list[tuple[str, str]]:
    with acting_as(Role.SERVICE):
        return sorted(Fact.objects.values_list("project", "key"))


def test_a_project_token_reads_its_own_facts_and_nothing_of_another_project(api, facts_of_two_projects):
    a, b = facts_of_two_projects
    token = issue_token("--role", "tenant", "--project", "occ")

    listed = requests.get(f"{api}/facts/", headers=bearer(token), timeout=10)
    asked_for_b = requests.get(f"{api}/facts/", params={"project": "chatwoot"}, headers=bearer(token), timeout=10)
    b_by_id = requests.get(f"{api}/facts/{b.pk}/", headers=bearer(token), timeout=10)

    assert listed.status_code == 200
    assert [(f["id"], f["project"], f["value"]) for f in listed.json()["results"]] == [(a.pk, "occ", {"total": 10})]
    assert asked_for_b.json()["results"] == []
    assert b_by_id.status_code == 404


def test_the_ai_readonly_role_reads_every_project(api, facts_of_two_projects):
    token = issue_token("--role", "ai_readonly")

    listed = requests.get(f"{api}/facts/", headers=bearer(token), timeout=10)

    assert sorted(f["project"] for f in listed.json()["results"]) == ["chatwoot", "occ"]


def test_a_tenant_writes_into_its_own_project_and_is_refused_another(api):
    token = issue_token("--role", "tenant", "--project", "occ")

    own = requests.post(
        f"{api}/facts/", json={"topic": "sales", "key": "weekly", "value": {"total": 70}}, headers=bearer(token), timeout=10
    )
    other = requests.post(
        f"{api}/facts/",
        json={"project": "chatwoot", "topic": "sales", "key": "stolen", "value": 1},
        headers=bearer(token),
        timeout=10,
    )

    assert own.status_code == 201
    assert own.json()["project"] == "occ"
    assert other.status_code == 403
    assert other.json() == {"detail": "A tenant writes facts of its own project only: 'occ', not 'chatwoot'."}
    assert stored_facts() == [("occ", "weekly")]


def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api):
    platform = issue_token("--role", "ingest", "--client", "platform")

    no_project = requests.post(f"{api}/facts/", json={"topic": "t", "key": "k", "value": 1}, headers=bearer(platform), timeout=10)
    no_topic = requests.post(f"{api}/facts/", json={"project": "occ", "key": "k", "value": 1}, headers=bearer(platform), timeout=10)

    assert no_project.status_code == 400
    assert list(no_project.json()) == ["project"]
    assert no_topic.status_code == 400
    assert no_topic.json() == {"topic": ["This field is required."]}
    assert stored_facts() == []


@pytest.mark.parametrize("role", ["monitoring"])
def test_a_role_without_facts_gets_403_not_an_empty_list(api, facts_of_two_projects, role):
    token = issue_token("--role", role)

    response = requests.get(f"{api}/facts/", headers=bearer(token), timeout=10)

    assert response.status_code == 403


def test_no_token_a_forged_token_and_an_expired_token_are_401(api, facts_of_two_projects):
    expired = issue_token("--role", "ai_readonly", "--ttl", "1")
    forged = issue_token("--role", "tenant", "--project", "occ")[:-4] + "AAAA"
    time.sleep(1.5)

    responses = [
        requests.get(f"{api}/facts/", timeout=10),
        requests.get(f"{api}/facts/", headers=bearer(forged), timeout=10),
        requests.get(f"{api}/facts/", headers=bearer(expired), timeout=10),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]


def test_a_console_user_gets_a_token_with_the_role_of_their_groups(api, django_user_model, facts_of_two_projects):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("ann", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Annotators"))

    pair = requests.post(f"{api}/auth/token/", json={"username": "ann", "password": "a-long-password-1"}, timeout=10)
    wrong = requests.post(f"{api}/auth/token/", json={"username": "ann", "password": "nope"}, timeout=10)
    facts = requests.get(f"{api}/facts/", headers=bearer(pair.json()["access"]), timeout=10)

    assert pair.status_code == 200
    assert wrong.status_code == 401
    # Annotators act as hotdash_annotator, which reads no facts.
    assert facts.status_code == 403


def test_a_token_that_worked_stops_working_when_it_expires(api, facts_of_two_projects):
    token = issue_token("--role", "ai_readonly", "--ttl", "2")

    before = requests.get(f"{api}/facts/", headers=bearer(token), timeout=10)
    time.sleep(2.5)
    after = requests.get(f"{api}/facts/", headers=bearer(token), timeout=10)

    assert (before.status_code, after.status_code) == (200, 401)
