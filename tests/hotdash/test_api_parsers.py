"""JSON bodies: deeply nested ones are a 400, not a crash of the parser's recursion (a 500)."""

import json

import pytest
from django.test import Client

from hotdash.api.parsers import json_depth
from hotdash.db_context import Role, acting_as
from hotdash.tokens import machine_token_issue
from metrics.models import Fact
from tests.approvals.states import refund_state

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000  # about 2 KB; Python's json recurses once per level


@pytest.fixture
def ingest():
    return Client(headers={"Authorization": f"Bearer {machine_token_issue(role=Role.INGEST, client='test')}"})


def nested(levels: int):
    value = 1
    for _ in range(levels):
        value = [value]
    return value


def test_json_depth_counts_brackets_outside_strings_without_recursion():
    assert json_depth(b"1") == 0
    assert json_depth('{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[\\"[[[", "b": "}}}"}') == 1
    assert json_depth("[" * 200_000 + "]" * 200_000) == 200_000


@pytest.mark.parametrize("path", ["/api/v1/approvals/", "/api/v1/facts/", "/api/v1/auth/token/"])
def test_a_deeply_nested_body_is_a_400_on_every_json_endpoint(ingest, path):
    response = ingest.post(path, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - arrays and objects nest deeper than 64 levels."}


def test_a_body_nested_to_the_limit_is_accepted_and_brackets_in_strings_do_not_count(ingest):
    at_limit = {"project": "occ", "topic": "t", "key": "deep", "value": nested(63)}  # the object is level 64
    texty = {"project": "occ", "topic": "t", "key": "text", "value": DEEP}

    assert ingest.post("/api/v1/facts/", json.dumps(at_limit), content_type="application/json").status_code == 201
    assert ingest.post("/api/v1/facts/", json.dumps(texty), content_type="application/json").status_code == 201
    over = {**at_limit, "key": "deeper", "value": nested(64)}
    assert ingest.post("/api/v1/facts/", json.dumps(over), content_type="application/json").status_code == 400
    with acting_as(Role.SERVICE):
        assert sorted(Fact.objects.values_list("key", flat=True)) == ["deep", "text"]


def test_a_run_state_sent_as_a_string_is_held_to_the_same_depth(ingest):
    state = refund_state()
    call = state["current_step"]["data"]["interruptions"][0]
    call["raw_item"]["arguments"] = DEEP
    as_string = {"conversation_id": "c", "serialized": DEEP}
    deep_arguments = {"conversation_id": "c", "serialized": json.dumps(state)}

    string_state = ingest.post("/api/v1/approvals/", json.dumps(as_string), content_type="application/json")
    arguments = ingest.post("/api/v1/approvals/", json.dumps(deep_arguments), content_type="application/json")

    assert (string_state.status_code, arguments.status_code) == (400, 400)
    assert string_state.json() == {"serialized": ["the state nests arrays and objects deeper than 64 levels"]}
    assert arguments.json() == {
        "serialized": ["current_step.data.interruptions[0].raw_item.arguments nests arrays and objects deeper than 64 levels"]
    }
