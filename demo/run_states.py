"""Agent run states exactly as the OpenAI Agents SDK 0.24 serializes them.

`sdk_run_state()` builds the string `result.to_state().to_string()` gives (schema "1.21"); the tests check it
against states the real SDK produced, and `approvals.sdk_state.run_state_read()` (what the API uses) extracts
`last_interruptions` from it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------------------------------------------
# OpenAI Agents SDK 0.24 run state (RunState.to_string(), "$schemaVersion": "1.21")
# --------------------------------------------------------------------------------------------------------------

SDK_SCHEMA_VERSION = "1.21"

STRING = {"type": "string"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
STRING_LIST = {"items": {"type": "string"}, "type": "array"}


@dataclass(frozen=True)
class SdkTool:
    """A function tool as the SDK describes it: name, docstring summary, and (name, JSON schema, doc) per argument."""

    name: str
    description: str
    params: tuple[tuple[str, Mapping[str, Any], str], ...]

    def params_json_schema(self) -> dict[str, Any]:
        # What pydantic makes of the function signature: titled properties, every argument required.
        return {
            "properties": {
                name: {"description": doc, **schema, "title": name.replace("_", " ").title()}
                for name, schema, doc in self.params
            },
            "required": [name for name, _, _ in self.params],
            "title": f"{self.name}_args",
            "type": "object",
            "additionalProperties": False,
        }


@dataclass(frozen=True)
class SdkCall:
    """One function call of the model. `output` is set for calls that already ran (read-only lookups)."""

    tool: SdkTool
    arguments: Mapping[str, Any] | str
    call_id: str
    item_id: str | None = None
    output: str | None = None

    @property
    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments  # as the model sent it
        # The SDK's (and the model's) compact JSON.
        return json.dumps(self.arguments, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(frozen=True)
class SdkTurn:
    """One model response: the calls it made, with its ids and token usage."""

    calls: tuple[SdkCall, ...]
    response_id: str
    request_id: str | None = None
    usage: TokenUsage = TokenUsage()


def _input_details(cached: int) -> dict[str, Any]:
    return {"cache_write_tokens": 0, "cached_tokens": cached, "cache_write_tokens_details": None}


def _usage_json(usages: Sequence[TokenUsage], *, per_request: bool) -> dict[str, Any]:
    """The SDK's serialize_usage(): totals, and (for the run's context) one entry per request that used tokens."""
    input_tokens = sum(u.input_tokens for u in usages)
    output_tokens = sum(u.output_tokens for u in usages)
    entries = [
        {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "total_tokens": u.input_tokens + u.output_tokens,
            "input_tokens_details": _input_details(u.cached_tokens),
            "output_tokens_details": {"reasoning_tokens": u.reasoning_tokens},
        }
        for u in usages
        if per_request and (u.input_tokens or u.output_tokens)
    ]
    return {
        "requests": len(usages),
        "input_tokens": input_tokens,
        "input_tokens_details": [_input_details(sum(u.cached_tokens for u in usages))],
        "output_tokens": output_tokens,
        "output_tokens_details": [{"reasoning_tokens": sum(u.reasoning_tokens for u in usages)}],
        "total_tokens": input_tokens + output_tokens,
        "request_usage_entries": entries,
    }


def _sha256_json(payload: Mapping[str, Any]) -> str:
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _tool_invocation(call: SdkCall) -> dict[str, Any]:
    # The SDK's approval scope and fingerprint (agents/_tool_invocation.py): hashes of the tool's lookup key and of
    # the scope plus the parsed arguments. Computed the same way so a resumed state finds its invocations intact.
    scope = _sha256_json({"type": "function_call", "tool_lookup_key": ["bare", call.tool.name]})
    fingerprint = _sha256_json(
        {"approval_scope": scope, "type": "function_call", "arguments": json.loads(call.arguments_json)}
    )
    done = call.output is not None
    return {
        "type": "function_call",
        "approval_scope": scope,
        "fingerprint": fingerprint,
        "executed": done,
        "completed": done,
    }


def _raw_call(call: SdkCall) -> dict[str, Any]:
    return {
        "arguments": call.arguments_json,
        "call_id": call.call_id,
        "name": call.tool.name,
        "type": "function_call",
        "id": call.item_id or call.call_id,
    }


def _call_item(call: SdkCall, agent: str) -> dict[str, Any]:
    return {
        "type": "tool_call_item",
        "raw_item": _raw_call(call),
        "agent": {"name": agent},
        "tool_name": call.tool.name,
        "description": call.tool.description,
        "tool_origin": {"type": "function"},
    }


def _output_item(call: SdkCall, agent: str) -> dict[str, Any]:
    return {
        "type": "tool_call_output_item",
        "raw_item": {"call_id": call.call_id, "output": call.output, "type": "function_call_output"},
        "agent": {"name": agent},
        "output": call.output,
        "tool_origin": {"type": "function"},
    }


def _approval_item(call: SdkCall, agent: str) -> dict[str, Any]:
    return {
        "type": "tool_approval_item",
        "raw_item": _raw_call(call),
        "agent": {"name": agent},
        "tool_name": call.tool.name,
        "tool_lookup_key": {"kind": "bare", "name": call.tool.name},
        "tool_origin": {"type": "function"},
    }


def sdk_run_state(
    *, agent: str, original_input: str | list[dict[str, str]], turns: Sequence[SdkTurn], max_turns: int = 10
) -> dict[str, Any]:
    """A run paused for human approval, as `result.to_state().to_string()` of openai-agents 0.24 writes it.

    Every turn but the last made calls that already ran (each with its output); the last turn's calls all wait
    for approval and become the interruptions, in call order.
    """
    if not turns or not turns[-1].calls:
        raise ValueError("the last turn must make at least one call that needs approval")
    if any(call.output is None for turn in turns[:-1] for call in turn.calls):
        raise ValueError("calls of earlier turns already ran: give each one its output")
    if any(call.output is not None for call in turns[-1].calls):
        raise ValueError("calls of the last turn wait for approval: they have no output")

    items: list[dict[str, Any]] = []
    for turn in turns[:-1]:
        items += [_call_item(call, agent) for call in turn.calls]
        items += [_output_item(call, agent) for call in turn.calls]
    last = turns[-1]
    start = len(items)
    items += [_call_item(call, agent) for call in last.calls]
    interruptions = [_approval_item(call, agent) for call in last.calls]
    interruption_indexes = list(range(len(items), len(items) + len(interruptions)))
    items += interruptions

    responses = [
        {
            "usage": _usage_json([turn.usage], per_request=False),
            "output": [_raw_call(call) for call in turn.calls],
            "response_id": turn.response_id,
            "request_id": turn.request_id,
        }
        for turn in turns
    ]
    tools_used = list(dict.fromkeys(call.tool.name for turn in turns for call in turn.calls))
    return {
        "$schemaVersion": SDK_SCHEMA_VERSION,
        "current_turn": len(turns),
        "current_agent": {"name": agent},
        "original_input": original_input,
        "pending_input": [],
        "model_responses": responses,
        "context": {
            "usage": _usage_json([turn.usage for turn in turns], per_request=True),
            "approvals": {},
            "tool_invocations": {call.call_id: _tool_invocation(call) for turn in turns for call in turn.calls},
            "context": None,
            "context_meta": {
                "original_type": "none",
                "serialized_via": "none",
                "requires_deserializer": False,
                "omitted": False,
            },
        },
        "tool_use_tracker": {agent: tools_used},
        "max_turns": max_turns,
        "no_active_agent_run": True,
        "input_guardrail_results": [],
        "output_guardrail_results": [],
        "tool_input_guardrail_results": [],
        "tool_output_guardrail_results": [],
        "conversation_id": None,
        "previous_response_id": None,
        "auto_previous_response_id": False,
        "generated_prompt_cache_key": None,
        "reasoning_item_id_policy": None,
        "nested_history_owned_session_item_refs": [],
        "generated_session_item_indexes": list(range(len(items))),
        "current_response_generated_item_ownership": {
            "start": start,
            "end": len(items),
            "interruptions": interruption_indexes,
        },
        "generated_items": items,
        "session_items": [dict(item) for item in items],
        "current_step": {
            "type": "next_step_interruption",
            "data": {"interruptions": interruptions, "response_accepted": False, "llm_end_hooks_started": True},
        },
        "last_model_response": responses[-1],
        "last_processed_response": {
            "new_items": [_call_item(call, agent) for call in last.calls],
            "tools_used": [call.tool.name for call in last.calls],
            "functions": [
                {
                    "tool_call": _raw_call(call),
                    "tool": {
                        "name": call.tool.name,
                        "lookupKey": {"kind": "bare", "name": call.tool.name},
                        "description": call.tool.description,
                        "paramsJsonSchema": call.tool.params_json_schema(),
                    },
                }
                for call in last.calls
            ],
            "computer_actions": [],
            "custom_tool_actions": [],
            "local_shell_actions": [],
            "shell_actions": [],
            "apply_patch_actions": [],
            "handoffs": [],
            "mcp_approval_requests": [],
            "interruptions": [dict(item) for item in interruptions],
            "mcp_tool_bindings": {},
        },
        "current_turn_persisted_item_count": 0,
        "trace": None,
    }


# Realistic provider ids, derived from a name so the scenarios are the same on every machine.
BASE62 = string.digits + string.ascii_letters


def sdk_id(prefix: str, *parts: object, length: int = 24, alphabet: str = BASE62) -> str:
    digest = int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest(), "big")
    chars = []
    for _ in range(length):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return prefix + "".join(chars)


