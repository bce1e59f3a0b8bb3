import json

import pytest

from approvals.sdk_state import Interruption, StateError, last_user_message, run_state_read
from tests.approvals.states import refund_state, run_state, tool_call


def test_a_paused_run_yields_its_tool_calls_in_order():
    state = run_state(
        tool_call("bulk_update_orders", {"order_ids": [1, 2]}, "call_a", agent="ops-agent"),
        tool_call("notify_customers", {"template": "delay"}, "call_b", agent="ops-agent"),
    )

    summary = run_state_read(json.dumps(state))

    assert summary.schema_version == "1.21"
    assert summary.interruptions == (
        Interruption("bulk_update_orders", {"order_ids": [1, 2]}, "call_a", "ops-agent"),
        Interruption("notify_customers", {"template": "delay"}, "call_b", "ops-agent"),
    )
    assert summary.call_key == "call_a,call_b"
    assert summary.document == state


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        ([1, 2], "must be a JSON object (or its string form)"),
        ({"current_step": {}}, '"$schemaVersion" is missing: this is not an agent run state'),
        (refund_state() | {"$schemaVersion": "2.0"}, "\"$schemaVersion\" '2.0' is not supported (supported: 1.0 to 1.21)"),
        (run_state(), "current_step.data.interruptions is empty: the run is not waiting for an approval"),
        (refund_state() | {"current_step": {"type": "next_step_final_output"}},
         "current_step is not an interruption: the run is not waiting for an approval"),
    ],
)
def test_a_state_we_cannot_queue_is_refused_with_the_reason(raw, message):
    with pytest.raises(StateError) as refused:
        run_state_read(raw)
    assert str(refused.value) == message


def test_a_broken_interruption_is_named_by_its_path():
    broken = refund_state()
    del broken["current_step"]["data"]["interruptions"][0]["raw_item"]["call_id"]
    bad_args = refund_state()
    bad_args["current_step"]["data"]["interruptions"][0]["raw_item"]["arguments"] = "{oops"

    with pytest.raises(StateError, match=r"^current_step.data.interruptions\[0\].raw_item.call_id is missing$"):
        run_state_read(broken)
    with pytest.raises(StateError, match=r"^current_step.data.interruptions\[0\].raw_item.arguments is not valid JSON$"):
        run_state_read(bad_args)


def test_the_last_user_message_comes_from_the_run_input():
    assert last_user_message({"original_input": "Where is my parcel?"}) == "Where is my parcel?"
    assert last_user_message(
        {"original_input": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "input_text", "text": "Cancel my plan"}]},
        ]}
    ) == "Cancel my plan"
    assert last_user_message({}) is None
