"""What the fuzzer found, pinned over real HTTP: input PostgreSQL cannot take is a 400 naming the field, never a 500."""

import base64
import json

import pytest

from approvals.models import AgentApproval
from feedback.models import TrainingExport
from hotdash.db_context import Role, acting_as
from hotdash.groups import QA
from metrics.models import AgentQuery, Fact
from tests.api_client import Api, issue_token
from tests.approvals.states import refund_state
from tests.feedback.test_export_api import console_user

pytestmark = pytest.mark.django_db(transaction=True)



def stored() -> tuple[int, int]:
    with acting_as(Role.SERVICE):
        return Fact.objects.count(), AgentApproval.objects.count()


@pytest.mark.parametrize(
    ("created_after", "message"),
    [
        # PostgreSQL takes offsets up to 15:59 only: this one is converted to UTC first.
        ("8635-11-15T16:26:39.9+17:08", None),
        ("9999-12-31T23:00:00-05:00", "This time stamp is out of range once converted to UTC (years 1 to 9999)."),
        ("", "Give a time stamp, or leave the parameter out."),
        ("2026-13-01T00:00:00Z", "Enter a valid date/time."),
    ],
)
def test_time_stamps_postgresql_cannot_take_are_converted_or_refused(platform, created_after, message):
    response = platform.get("/facts/", params={"created_after": created_after})

    if message is None:
        assert response.status_code == 200
        assert response.json()["results"] == []
    else:
        assert response.status_code == 400
        assert response.json() == {"created_after": [message]}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"value": "a\u0000b"}, "value", "the text at the top must not contain NUL characters (\\u0000)"),
        ({"value": {"notes": ["ok", "a\u0000b"]}}, "value", "the text at notes[1] must not contain NUL characters (\\u0000)"),
        ({"value": {"a\u0000": 1}}, "value", "the key 'a\\x00' at the top must not contain NUL characters (\\u0000)"),
        ({"key": "k\u0000"}, "key", "Null characters are not allowed."),
        ({"key": 12}, "key", "Not a valid string."),
        ({"key": "k" * 501}, "key", "Ensure this field has no more than 500 characters."),
    ],
)
def test_a_fact_postgresql_cannot_store_is_a_400_naming_the_field_and_nothing_is_written(platform, body, field, message):
    response = platform.post("/facts/", {"project": "occ", "topic": "t", "key": "k", "value": 1} | body)

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert stored() == (0, 0)


def test_an_unpaired_surrogate_in_a_fact_is_refused(platform):
    # json.dumps would escape it as \ud800, which JSON allows and UTF-8 cannot encode.
    body = '{"project": "occ", "topic": "t", "key": "k", "value": "\\ud800"}'
    response = platform.session.post(
        platform.base_url + "/facts/", data=body, headers={"Content-Type": "application/json"}, timeout=10
    )

    assert response.status_code == 400
    assert response.json() == {"value": ["the text at the top must be valid Unicode text (it holds an unpaired surrogate such as \\ud800)"]}
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (json.dumps(refund_state()).replace('"Please', '"\\u0000Please', 1),
         "cannot be stored: the text at original_input[0].content must not contain NUL characters (\\u0000)"),
        (json.dumps(refund_state()).replace('"amount\\": 42.5', '"amount\\": NaN'),
         "current_step.data.interruptions[0].raw_item.arguments is not valid JSON"),
    ],
)
def test_a_run_state_whose_string_form_hides_what_postgresql_cannot_store_is_refused(platform, state, message):
    assert state != json.dumps(refund_state())
    response = platform.post("/approvals/", {"conversation_id": "c", "serialized": state})

    assert response.status_code == 400
    assert response.json() == {"serialized": [message]}
    assert stored() == (0, 0)


def test_an_empty_status_is_refused_not_ignored(platform):
    response = platform.get("/approvals/", params={"status": ""})

    assert response.status_code == 400
    assert response.json() == {"status": ["Choose one of the values, or leave the parameter out."]}


def test_page_sizes_out_of_range_and_forged_cursors_are_refused(platform):
    forged = base64.b64encode(b"p=8635-11-15T16:26:39.9%2B17:08\x00").decode()

    too_big = platform.get("/facts/", params={"page_size": 501})
    zero = platform.get("/approvals/", params={"page_size": 0})
    cursor = platform.get("/facts/", params={"cursor": forged})

    assert (too_big.status_code, too_big.json()) == (400, {"page_size": ["Must be a whole number from 1 to 500."]})
    assert zero.status_code == 400
    assert (cursor.status_code, cursor.json()) == (404, {"detail": "Invalid cursor"})


def test_a_path_under_the_api_that_matches_nothing_is_a_json_404(platform):
    response = platform.get("/approvals/not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No API endpoint at this path."}


def test_the_schema_names_the_bearer_authentication_and_the_refusals(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "A token from POST /api/v1/auth/token/ (console users) or `manage.py issue_token` (machine clients).",
    }
    decide = schema["paths"]["/api/v1/approvals/{id}/reject/"]["post"]
    assert {"bearerAuth": []} in decide["security"]
    assert set(decide["responses"]) == {"200", "400", "401", "403", "404", "409", "413"}
    facts = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/facts/"]["get"]["parameters"]}
    assert facts["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
    assert facts["topic"] == {"type": "string", "maxLength": 500, "pattern": "^[^\\u0000]*$"}
    wait = [p for p in schema["paths"]["/api/v1/approvals/{id}/"]["get"]["parameters"] if p["name"] == "wait"]
    assert wait[0]["schema"]["maximum"] == 60


@pytest.mark.parametrize(
    "path", ["/approvals/99999999999999999999/", "/approvals/99999999999999999999/approve/", "/facts/99999999999999999999/"]
)
def test_an_id_beyond_bigint_is_a_404(platform, operator, path):
    # Deciding is for people: the operator approves, the platform reads.
    response = operator.post(path, {}) if path.endswith("approve/") else platform.get(path)

    assert response.status_code == 404
    assert "detail" in response.json()


# --- Found by `make fuzz` on the feedback, export and metrics endpoints (docs/fuzzing.md, run 5) ---------


@pytest.fixture
def monitoring(live_server) -> Api:
    return Api(live_server.url, issue_token("--role", "monitoring", "--client", "dashboards"))


@pytest.mark.parametrize("page_size", ["null", "0", "501", "ten"])
def test_a_page_size_the_event_list_cannot_use_is_refused_not_ignored(platform, page_size):
    response = platform.get("/decision-sync-events/", params={"page_size": page_size})

    assert (response.status_code, response.json()) == (400, {"page_size": ["Must be a whole number from 1 to 500."]})


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/metrics/agent-accuracy/", "day_to"), ("/metrics/agent-accuracy/", "day_from"),
     ("/metrics/training-quality/", "since")],
)
def test_an_empty_date_is_refused_not_read_as_absent(monitoring, path, parameter):
    response = monitoring.get(path, params={parameter: ""})

    assert (response.status_code, response.json()) == (400, {parameter: ["Give a date, or leave the parameter out."]})


def test_a_date_filter_still_filters(monitoring):
    response = monitoring.get("/metrics/agent-accuracy/", params={"day_from": "2026-01-01", "day_to": "2026-01-31"})

    assert response.status_code == 200


@pytest.mark.parametrize("given", [0, 1, "true", "yes", None])
def test_a_yes_no_field_takes_json_true_or_false_only(platform, given):
    query = {"query": "Where is my order?", "result": {"answer": "shipped"}, "conversation_id": "c-1",
             "agent": "support", "human_edited": given}

    one, batch = platform.post("/queries/", query), platform.post("/queries/", [query, query | {"agent": "billing"}])

    assert (one.status_code, list(one.json())) == (400, ["human_edited"])
    assert batch.status_code == 400
    assert "human_edited" in json.dumps(batch.json())
    with acting_as(Role.SERVICE):
        assert not AgentQuery.objects.exists()


@pytest.mark.parametrize(("field", "given"), [("gold", 0), ("safe_only", "yes"), ("label", 0)])
def test_an_export_asked_with_a_value_of_the_wrong_type_is_refused(live_server, django_user_model, field, given):
    qa = console_user(live_server, django_user_model, "quinn", QA)

    response = qa.post("/exports/", {"format": "jsonl", field: given})

    assert (response.status_code, list(response.json())) == (400, [field])
    with acting_as(Role.SERVICE):
        assert not TrainingExport.objects.exists()


def test_the_schema_lists_the_two_values_of_a_yes_no_filter(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    feedback = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/feedback/"]["get"]["parameters"]}
    quality = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/metrics/data-quality/"]["get"]["parameters"]}
    for yes_no in (feedback["safe"], feedback["unannotated"], feedback["disagreement"], quality["violated"]):
        assert yes_no == {"type": "string", "enum": ["false", "true"]}
