"""Run states in the layout of the agent SDK (0.24, schema 1.21), for tests that do not run the SDK itself."""

import json


def tool_call(tool: str, arguments: dict, call_id: str, agent: str = "support-agent") -> dict:
    raw = {"arguments": json.dumps(arguments), "call_id": call_id, "name": tool, "type": "function_call", "id": call_id}
    return {
        "type": "tool_approval_item",
        "raw_item": raw,
        "agent": {"name": agent},
        "tool_name": tool,
        "tool_origin": {"type": "function"},
        "tool_lookup_key": {"kind": "bare", "name": tool},
    }


def run_state(*calls: dict, user_message: str = "Please refund order 1001", version: str = "1.21") -> dict:
    agent = calls[0]["agent"]["name"] if calls else "support-agent"
    return {
        "$schemaVersion": version,
        "current_turn": 1,
        "current_agent": {"name": agent},
        "original_input": [{"role": "user", "content": user_message}],
        "model_responses": [],
        "generated_items": list(calls),
        "current_step": {
            "type": "next_step_interruption",
            "data": {"interruptions": list(calls), "response_accepted": False, "llm_end_hooks_started": True},
        },
        "max_turns": 10,
        "trace": None,
    }


def refund_state(call_id: str = "call_refund_1", amount: float = 42.5) -> dict:
    return run_state(tool_call("issue_refund", {"order_id": "1001", "amount": amount}, call_id))
