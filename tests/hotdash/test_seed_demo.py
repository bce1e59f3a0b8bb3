"""The agent run state of the demo data: what the OpenAI Agents SDK 0.24 writes, and what we extract from it."""

import json
from pathlib import Path

from hotdash.demo_data import (
    BOOLEAN,
    NUMBER,
    STRING,
    STRING_LIST,
    SdkCall,
    SdkTool,
    SdkTurn,
    TokenUsage,
    sdk_run_state,
    sdk_state_interruptions,
)

FIXTURES = Path(__file__).parent / "fixtures"


# --- the SDK run state -----------------------------------------------------------------------------------


def test_the_state_builder_writes_what_the_sdk_writes_for_one_call():
    given = json.loads((FIXTURES / "sdk_0_24_state_one_call.json").read_text())
    delete_file = SdkTool("delete_file", "Delete a file.", (("path", STRING, "File to delete."),))

    built = sdk_run_state(
        agent="FileBot",
        original_input="Please delete a.txt",
        turns=[SdkTurn(calls=(SdkCall(delete_file, '{"path": "a.txt"}', "call_123"),), response_id="resp-789")],
    )

    assert built == given


def test_the_state_builder_writes_what_the_sdk_writes_for_a_lookup_then_two_approvals():
    given = json.loads((FIXTURES / "sdk_0_24_state_two_calls.json").read_text())
    lookup = SdkTool("lookup_order", "Look up an order by its number.", (("order_id", STRING, "The order number."),))
    bulk = SdkTool(
        "bulk_update_orders",
        "Change the status of several orders at once.",
        (
            ("order_ids", STRING_LIST, "The orders to update."),
            ("status", STRING, "The new fulfilment status."),
            ("notify_customer", BOOLEAN, "Whether to email the customer."),
        ),
    )
    refund = SdkTool(
        "issue_refund",
        "Refund an order to the original payment method.",
        (
            ("order_id", STRING, "The order to refund."),
            ("amount", NUMBER, "Amount in the order currency."),
            ("reason", STRING, "Why the refund is issued."),
        ),
    )
    order = '{"order_id":"#1042","status":"unfulfilled","total":"89.90"}'

    built = sdk_run_state(
        agent="support-agent",
        original_input=[{"role": "user", "content": "cancel and refund"}],
        turns=[
            SdkTurn(
                calls=(SdkCall(lookup, {"order_id": "#1042"}, "call_lk1", "fc_lk1", output=order),),
                response_id="resp_aaa",
                request_id="req_aaa",
                usage=TokenUsage(input_tokens=812, output_tokens=24, cached_tokens=512),
            ),
            SdkTurn(
                calls=(
                    SdkCall(bulk, {"order_ids": ["#1042", "#1043"], "status": "cancelled", "notify_customer": True},
                            "call_A", "fc_A"),
                    SdkCall(refund, {"order_id": "#1042", "amount": 89.9, "reason": "duplicate"}, "call_B", "fc_B"),
                ),
                response_id="resp_bbb",
                request_id="req_bbb",
                usage=TokenUsage(input_tokens=1033, output_tokens=61, cached_tokens=768, reasoning_tokens=12),
            ),
        ],
    )

    assert built == given


def test_interruptions_are_extracted_in_order_with_parsed_arguments():
    state = json.loads((FIXTURES / "sdk_0_24_state_two_calls.json").read_text())

    assert sdk_state_interruptions(state) == [
        {
            "tool_name": "bulk_update_orders",
            "arguments": {"order_ids": ["#1042", "#1043"], "status": "cancelled", "notify_customer": True},
            "call_id": "call_A",
            "agent": "support-agent",
        },
        {
            "tool_name": "issue_refund",
            "arguments": {"order_id": "#1042", "amount": 89.9, "reason": "duplicate"},
            "call_id": "call_B",
            "agent": "support-agent",
        },
    ]


def test_a_state_not_paused_on_an_interruption_has_none():
    state = json.loads((FIXTURES / "sdk_0_24_state_one_call.json").read_text())
    state["current_step"] = {"type": "next_step_final_output", "data": {"output": "done"}}

    assert sdk_state_interruptions(state) == []
