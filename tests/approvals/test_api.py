"""The approvals API over real HTTP, as the agent platform, an agent (tenant) and operators use it."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from approvals.models import AgentApproval, ApprovalDecision
from hotdash.db_context import Role, acting_as
from tests.api_client import Api, issue_token
from tests.approvals.states import refund_state, run_state

pytestmark = pytest.mark.django_db(transaction=True)


def stored() -> list[tuple]:
    with acting_as(Role.SERVICE):
        return list(AgentApproval.objects.order_by("pk").values_list("conversation_id", "status", "approved_by"))


def audit_rows() -> list[tuple]:
    with acting_as(Role.SERVICE):
        return list(ApprovalDecision.objects.values_list("approval_id", "outcome", "decided_by", "via"))


def test_the_platform_queues_a_run_once_and_gets_it_back(platform):
    body = {"conversation_id": "conv-1", "serialized": json.dumps(refund_state("call_1")), "ttl_seconds": 900}

    first = platform.post("/approvals/", body)
    again = platform.post("/approvals/", body)

    assert first.status_code == 201
    created = first.json()
    assert (created["status"], created["agent"], created["schema_version"]) == ("pending", "support-agent", "1.21")
    assert created["interruptions"] == [
        {"tool_name": "issue_refund", "arguments": {"order_id": "1001", "amount": 42.5}, "call_id": "call_1",
         "agent": "support-agent", "decision": None}
    ]
    assert created["serialized"] == refund_state("call_1")
    assert again.status_code == 200
    assert again.json()["id"] == created["id"]
    assert stored() == [("conv-1", "pending", None)]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"serialized": refund_state()}, "conversation_id", "This field is required."),
        ({"conversation_id": "c"}, "serialized", "This field is required."),
        ({"conversation_id": "c", "serialized": "{not json"}, "serialized",
         "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        ({"conversation_id": "c", "serialized": run_state()}, "serialized",
         "current_step.data.interruptions is empty: the run is not waiting for an approval"),
        ({"conversation_id": "c", "serialized": refund_state(), "ttl_seconds": 3}, "ttl_seconds",
         "Ensure this value is greater than or equal to 10."),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(platform, body, field, message):
    response = platform.post("/approvals/", body)

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert stored() == []


def test_a_body_that_is_not_json_or_too_large_is_refused(platform):
    not_json = platform.session.post(
        platform.base_url + "/approvals/", data="conversation_id=c", headers={"Content-Type": "application/json"}, timeout=10
    )
    huge_state = refund_state() | {"model_responses": ["x" * 1_100_000]}
    huge = platform.post("/approvals/", {"conversation_id": "c", "serialized": huge_state})

    assert not_json.status_code == 400
    assert not_json.json()["detail"].startswith("JSON parse error")
    assert huge.status_code == 413
    assert huge.json()["detail"].endswith("the limit is 1,048,576.")
    assert stored() == []


def test_an_agent_reads_its_own_conversation_only_and_cannot_decide(platform, live_server):
    mine = platform.post("/approvals/", {"conversation_id": "conv-mine", "serialized": refund_state("call_1")}).json()
    theirs = platform.post("/approvals/", {"conversation_id": "conv-theirs", "serialized": refund_state("call_2")}).json()
    agent = Api(live_server.url, issue_token("--role", "tenant", "--conversation", "conv-mine"))

    assert agent.get(f"/approvals/{mine['id']}/").status_code == 200
    assert agent.get(f"/approvals/{theirs['id']}/").status_code == 404
    assert [a["id"] for a in agent.get("/approvals/").json()["results"]] == [mine["id"]]
    assert agent.post(f"/approvals/{mine['id']}/approve/").status_code == 403
    assert agent.post("/approvals/", {"conversation_id": "conv-mine", "serialized": refund_state("call_3")}).status_code == 403
    assert stored() == [("conv-mine", "pending", None), ("conv-theirs", "pending", None)]


def test_the_agent_platform_s_token_cannot_decide_and_the_approval_stays_pending(platform):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()

    approve = platform.post(f"/approvals/{approval['id']}/approve/", {"reason": "the customer deserves it"})
    reject = platform.post(f"/approvals/{approval['id']}/reject/", {"reason": "never mind"})

    assert (approve.status_code, reject.status_code) == (403, 403)
    assert platform.get(f"/approvals/{approval['id']}/").json()["status"] == "pending"
    assert stored() == [("c", "pending", None)]
    assert audit_rows() == []


def test_a_token_that_claims_the_service_role_acts_as_nobody(platform, live_server):
    # A service token from before the role split, or one forged with the signing key, decides nothing.
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()
    token = AccessToken()
    token["user_id"] = token["username"] = "service:agent-platform"
    token["role"] = "service"
    service = Api(live_server.url, str(token))

    assert service.post(f"/approvals/{approval['id']}/approve/").status_code == 403
    assert service.get("/approvals/").status_code == 403
    assert stored() == [("c", "pending", None)]


def test_the_audit_row_keeps_our_request_id_and_the_caller_s_apart(platform, operator):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()

    decided = operator.post(f"/approvals/{approval['id']}/approve/", {}, headers={"X-Request-ID": "upstream-7"})

    with acting_as(Role.SERVICE):
        audit = ApprovalDecision.objects.values_list("request_id", "client_request_id").get()
    assert audit == (decided.headers["X-Request-ID"], "upstream-7")
    assert decided.headers["X-Request-ID"] != "upstream-7"


def test_an_operator_decides_once_then_gets_409_with_the_current_state(platform, operator):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()

    no_reason = operator.post(f"/approvals/{approval['id']}/reject/", {})
    approved = operator.post(f"/approvals/{approval['id']}/approve/", {"reason": "within policy"})
    again = operator.post(f"/approvals/{approval['id']}/reject/", {"reason": "second thoughts"})
    missing = operator.post("/approvals/999999/approve/")

    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["This field is required."]}
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "olga")
    assert approved.json()["interruptions"][0]["decision"] == "approved"
    assert again.status_code == 409
    assert again.json()["approval"]["status"] == "approved"
    assert missing.status_code == 404
    assert audit_rows() == [(approval["id"], "approved", "olga", "api")]


def test_eight_operators_deciding_at_once_make_exactly_one_decision(platform, operator):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()
    start = threading.Barrier(8)

    def decide(n: int):
        start.wait()
        if n % 2:
            return operator.post(f"/approvals/{approval['id']}/approve/", {})
        return operator.post(f"/approvals/{approval['id']}/reject/", {"reason": f"operator {n} says no"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(r.status_code for r in pool.map(decide, range(8)))

    assert codes == [200] + [409] * 7
    assert len(audit_rows()) == 1


def test_wait_returns_as_soon_as_the_decision_is_made(platform, operator):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()
    threading.Timer(1.0, lambda: operator.post(f"/approvals/{approval['id']}/approve/", {})).start()

    started = time.monotonic()
    waited = platform.get(f"/approvals/{approval['id']}/", params={"wait": 30})
    elapsed = time.monotonic() - started

    assert waited.json()["status"] == "approved"
    assert 0.9 < elapsed < 5


def test_wait_gives_up_after_n_seconds_and_refuses_more_than_60(platform):
    approval = platform.post("/approvals/", {"conversation_id": "c", "serialized": refund_state()}).json()

    started = time.monotonic()
    pending = platform.get(f"/approvals/{approval['id']}/", params={"wait": 2})
    elapsed = time.monotonic() - started
    too_long = platform.get(f"/approvals/{approval['id']}/", params={"wait": 61})

    assert pending.json()["status"] == "pending"
    assert 1.9 < elapsed < 4
    assert too_long.status_code == 400
    assert too_long.json() == {"wait": ["Ensure this value is less than or equal to 60."]}
