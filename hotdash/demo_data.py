"""Demo data: the production scenarios, and generated volume for benchmarks.

Design note. Two services, both run as the service role (the command says so with acting_as):

- `demo_data_seed()` writes the scenarios of the production report (section 12): the approval queue, annotated
  drafts, query logs, facts, decision events, logs, agent runs and one gold reply. It is idempotent: every row
  has a natural key (call_id, conversation + text, (project, topic, key), run_id, ...) and a row whose key is
  already there is counted as found and left alone. facts and the two logs are append-only, so "already there"
  is checked, never updated. An advisory lock keeps two concurrent seeds from inserting the same rows twice.
- `demo_data_scale(rows=N)` adds N generated rows to each large table with `INSERT ... SELECT ... FROM
  generate_series(...)`, so the rows are made inside PostgreSQL and no row crosses the wire. It works in chunks,
  one transaction per chunk, so a 10M-row run holds no giant transaction and shows progress; chunks may run on
  several connections at once, since making a row costs server CPU (JSON parsing, TOAST compression).
  Reproducible: each chunk seeds random() with setseed() derived from the seed, the table's state before the
  run (max id and row count) and the chunk's first row; the same seed and chunk size on the same starting state
  give the same rows. Taking the starting state into the seed also means a second run adds new rows rather than
  the same ones again (call_id is unique in agent_approvals).

Approvals carry the agent's run state exactly as the OpenAI Agents SDK 0.24 serializes it
(`result.to_state().to_string()`, schema "1.21"); `sdk_run_state()` builds one and is checked in the tests
against states the real SDK produced; `approvals.sdk_state.run_state_read()` (what the API uses) extracts
`last_interruptions` from it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from time import monotonic
from typing import Any

from django.db import connection, connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import AgentApproval, ApprovalStatus
from approvals.sdk_state import run_state_read
from feedback.models import AgentFeedback, SupportCuratedReply
from hotdash.db_context import Role, acting_as
from metrics.models import AgentQC, AgentQuery, AgentRun, DecisionSyncEventLog, Fact, LogLevel, ObservabilityLog

DEFAULT_SEED = 42
APPROVAL_TTL = timedelta(hours=24)
EXPIRED_REASON = "no decision within TTL"

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
_BASE62 = string.digits + string.ascii_letters


def sdk_id(prefix: str, *parts: object, length: int = 24, alphabet: str = _BASE62) -> str:
    digest = int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest(), "big")
    chars = []
    for _ in range(length):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return prefix + "".join(chars)


# --------------------------------------------------------------------------------------------------------------
# The agents' tools
# --------------------------------------------------------------------------------------------------------------

LOOKUP_ORDER = SdkTool(
    "lookup_order", "Look up an order by its number.", (("order_id", STRING, "The order number, e.g. #4817."),)
)
LOOKUP_CUSTOMER = SdkTool(
    "lookup_customer", "Find a customer by email address.", (("email", STRING, "The customer's email address."),)
)
ISSUE_REFUND = SdkTool(
    "issue_refund",
    "Refund an order to the original payment method.",
    (
        ("order_id", STRING, "The order to refund."),
        ("amount", NUMBER, "Amount in the order currency."),
        ("currency", STRING, "ISO 4217 currency code."),
        ("reason", STRING, "Why the refund is issued."),
    ),
)
CHANGE_SUBSCRIPTION = SdkTool(
    "change_subscription",
    "Change or cancel a customer's subscription plan.",
    (
        ("subscription_id", STRING, "The subscription to change."),
        ("new_plan", STRING, "The plan to switch to, or 'cancelled'."),
        ("effective", STRING, "When the change applies: immediately or next_billing_date."),
        ("prorate", BOOLEAN, "Whether to refund or charge the difference for the current period."),
    ),
)
EXPORT_CUSTOMER_DATA = SdkTool(
    "export_customer_data",
    "Export the personal data held about a customer (GDPR / CCPA access request).",
    (
        ("customer_id", STRING, "The customer whose data is exported."),
        ("deliver_to", STRING, "Email address that receives the secure download link."),
        ("sections", STRING_LIST, "Data sections to include."),
    ),
)
ISSUE_GIFT_CARD = SdkTool(
    "issue_gift_card",
    "Issue a store gift card to a customer.",
    (
        ("customer_id", STRING, "The customer who receives the card."),
        ("amount", NUMBER, "Card value in the store currency."),
        ("currency", STRING, "ISO 4217 currency code."),
        ("note", STRING, "Message shown to the customer with the card."),
    ),
)
APPLY_POLICY_EXCEPTION = SdkTool(
    "apply_policy_exception",
    "Grant a one-off exception to a store policy for an order.",
    (
        ("order_id", STRING, "The order the exception applies to."),
        ("policy", STRING, "The policy to waive, e.g. returns_30_days."),
        ("exception", STRING, "What is allowed instead."),
        ("justification", STRING, "Why the exception is warranted."),
    ),
)
BULK_UPDATE_ORDERS = SdkTool(
    "bulk_update_orders",
    "Change the status of several orders at once.",
    (
        ("order_ids", STRING_LIST, "The orders to update."),
        ("status", STRING, "The new fulfilment status."),
        ("notify_customer", BOOLEAN, "Whether to email each customer about the change."),
    ),
)
CREATE_REPLACEMENT_ORDERS = SdkTool(
    "create_replacement_orders",
    "Create free replacement orders for lost or damaged shipments.",
    (
        ("order_ids", STRING_LIST, "The original orders to replace."),
        ("shipping_method", STRING, "standard or express."),
        ("waive_shipping_fee", BOOLEAN, "Whether the store pays the shipping."),
    ),
)


# --------------------------------------------------------------------------------------------------------------
# The production scenarios (production report, section 12)
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """A read-only call the agent made (and that ran) before asking for approval."""

    tool: SdkTool
    arguments: Mapping[str, Any]
    output: str


# (kind of id, n) -> id; kinds: call, item (the response item), response, request
IdMaker = Callable[[str, int], str]
_HEX = "0123456789abcdef"
_ID_FORMATS = {  # prefix, length, alphabet, as the OpenAI Responses API spells its ids
    "call": ("call_", 24, _BASE62),
    "item": ("fc_", 48, _HEX),
    "response": ("resp_", 48, _HEX),
    "request": ("req_", 32, _HEX),
}


@dataclass(frozen=True)
class ApprovalScenario:
    conversation_id: str
    agent: str
    original_input: str | list[dict[str, str]]
    requests: tuple[tuple[SdkTool, Mapping[str, Any]], ...]
    status: ApprovalStatus
    age: timedelta
    lookups: tuple[Lookup, ...] = ()
    decided_after: timedelta | None = None
    approved_by: str | None = None
    reason: str | None = None

    def stable_ids(self) -> IdMaker:
        """Provider-style ids derived from the conversation: the same on every machine and every run."""
        def make(kind: str, n: int) -> str:
            prefix, length, alphabet = _ID_FORMATS[kind]
            return sdk_id(prefix, self.conversation_id, kind, n, length=length, alphabet=alphabet)

        return make

    def calls(self, ids: IdMaker | None = None) -> tuple[list[SdkCall], list[SdkCall]]:
        """The lookups (already run) and the requests (waiting), numbered in that order."""
        ids = ids or self.stable_ids()
        lookups = [
            SdkCall(
                tool=lookup.tool,
                arguments=lookup.arguments,
                call_id=ids("call", n),
                item_id=ids("item", n),
                output=lookup.output,
            )
            for n, lookup in enumerate(self.lookups)
        ]
        requests = [
            SdkCall(tool=tool, arguments=arguments, call_id=ids("call", n), item_id=ids("item", n))
            for n, (tool, arguments) in enumerate(self.requests, start=len(lookups))
        ]
        return lookups, requests

    def state(self, ids: IdMaker | None = None) -> dict[str, Any]:
        """The run state: one turn per lookup, then the turn whose calls wait for approval."""
        ids = ids or self.stable_ids()
        lookups, requests = self.calls(ids)
        words = len(json.dumps(self.original_input).split())
        turns = [
            SdkTurn(
                calls=(lookup,),
                response_id=ids("response", n),
                request_id=ids("request", n),
                usage=TokenUsage(input_tokens=1180 + 2 * words, output_tokens=22, cached_tokens=1024),
            )
            for n, lookup in enumerate(lookups)
        ]
        n = len(turns)
        turns.append(
            SdkTurn(
                calls=tuple(requests),
                response_id=ids("response", n),
                request_id=ids("request", n),
                usage=TokenUsage(
                    input_tokens=1180 + 2 * words + 160 * n,
                    output_tokens=38 + 41 * len(requests),
                    cached_tokens=1152 if n else 0,
                    reasoning_tokens=64 if len(requests) > 1 else 0,
                ),
            )
        )
        return sdk_run_state(agent=self.agent, original_input=self.original_input, turns=turns)


def _order(order_id: str, **fields: Any) -> str:
    return json.dumps({"order_id": order_id, **fields}, separators=(",", ":"))


APPROVAL_SCENARIOS: tuple[ApprovalScenario, ...] = (
    # --- pending: the operator's queue. Two fresh, three past the 5-minute SLA. -------------------------------
    ApprovalScenario(
        conversation_id="cw-48170",
        agent="support-agent",
        original_input=(
            "Hi, my order #4817 arrived today and the blender jar is cracked down the side. "
            "I'd like my money back please, I don't want a replacement."
        ),
        lookups=(
            Lookup(
                LOOKUP_ORDER,
                {"order_id": "#4817"},
                _order("#4817", status="delivered", total="129.00", currency="USD",
                       items=[{"sku": "BLN-900", "name": "ProBlend 900 blender", "qty": 1}]),
            ),
        ),
        requests=((ISSUE_REFUND, {"order_id": "#4817", "amount": 129.0, "currency": "USD",
                                  "reason": "damaged_on_arrival"}),),
        status=ApprovalStatus.PENDING,
        age=timedelta(minutes=1),
    ),
    ApprovalScenario(
        conversation_id="cw-48231",
        agent="privacy-agent",
        original_input=(
            "Hello, under the GDPR I am requesting a copy of all personal data you hold about me. "
            "My account email is lena.hoffmann@example.com."
        ),
        lookups=(
            Lookup(
                LOOKUP_CUSTOMER,
                {"email": "lena.hoffmann@example.com"},
                json.dumps({"customer_id": "cus_Q3r8LmT2", "email": "lena.hoffmann@example.com",
                            "email_verified": True, "orders": 7}, separators=(",", ":")),
            ),
        ),
        requests=((EXPORT_CUSTOMER_DATA, {
            "customer_id": "cus_Q3r8LmT2",
            "deliver_to": "lena.hoffmann@example.com",
            "sections": ["profile", "addresses", "orders", "support_conversations", "marketing_preferences"],
        }),),
        status=ApprovalStatus.PENDING,
        age=timedelta(minutes=3),
    ),
    ApprovalScenario(
        # The bulk operation: one run, two tool calls waiting for the same decision.
        conversation_id="cw-48302",
        agent="ops-agent",
        original_input=[
            {"role": "user", "content": "DHL confirmed this morning that the pallet collected on 12 March is lost."},
            {"role": "user", "content": (
                "Mark the four orders on it as lost in transit, tell the customers, and send replacements by "
                "express at our cost: #5102, #5107, #5111, #5118."
            )},
        ],
        requests=(
            (BULK_UPDATE_ORDERS, {"order_ids": ["#5102", "#5107", "#5111", "#5118"], "status": "lost_in_transit",
                                  "notify_customer": True}),
            (CREATE_REPLACEMENT_ORDERS, {"order_ids": ["#5102", "#5107", "#5111", "#5118"],
                                         "shipping_method": "express", "waive_shipping_fee": True}),
        ),
        status=ApprovalStatus.PENDING,
        age=timedelta(minutes=8),
    ),
    ApprovalScenario(
        conversation_id="cw-48356",
        agent="support-agent",
        original_input="My birthday discount code never arrived and the sale ends tonight. Can you do anything?",
        requests=((ISSUE_GIFT_CARD, {
            "customer_id": "cus_7Hk2PwZ9",
            "amount": 20.0,
            "currency": "USD",
            "note": "Sorry your birthday code didn't arrive - here is $20 to use before the sale ends.",
        }),),
        status=ApprovalStatus.PENDING,
        age=timedelta(minutes=22),
    ),
    ApprovalScenario(
        conversation_id="cw-48411",
        agent="support-agent",
        original_input=(
            "I know it's been 41 days, but the running shoes are still unworn in their box. "
            "Can I please still return them?"
        ),
        lookups=(
            Lookup(LOOKUP_ORDER, {"order_id": "#4630"},
                   _order("#4630", status="delivered", total="142.00", currency="USD", customer_orders=14)),
        ),
        requests=((APPLY_POLICY_EXCEPTION, {
            "order_id": "#4630",
            "policy": "returns_30_days",
            "exception": "accept_return_after_window",
            "justification": "Unworn and boxed, 11 days past the window; 14 orders and no earlier exception.",
        }),),
        status=ApprovalStatus.PENDING,
        age=timedelta(minutes=55),
    ),
    # --- approved ---------------------------------------------------------------------------------------------
    ApprovalScenario(
        conversation_id="cw-47702",
        agent="support-agent",
        original_input=(
            "Tracking says my parcel was delivered on Tuesday but nothing came, and my neighbours don't have it."
        ),
        lookups=(
            Lookup(LOOKUP_ORDER, {"order_id": "#4702"},
                   _order("#4702", status="delivered", carrier="UPS", proof_of_delivery=None, total="58.40",
                          currency="USD")),
        ),
        requests=((ISSUE_REFUND, {"order_id": "#4702", "amount": 58.4, "currency": "USD",
                                  "reason": "not_received"}),),
        status=ApprovalStatus.APPROVED,
        age=timedelta(days=2, hours=3),
        decided_after=timedelta(minutes=3),
        approved_by="operator",
        reason="Carrier has no proof of delivery; the refund is within policy.",
    ),
    ApprovalScenario(
        conversation_id="cw-47755",
        agent="billing-agent",
        original_input="Please move me from the monthly coffee plan to the quarterly one from my next delivery.",
        requests=((CHANGE_SUBSCRIPTION, {"subscription_id": "sub_1PxR4mKq", "new_plan": "coffee_quarterly",
                                         "effective": "next_billing_date", "prorate": False}),),
        status=ApprovalStatus.APPROVED,
        age=timedelta(days=3, hours=5),
        decided_after=timedelta(minutes=4),
        approved_by="operator",
        reason="Requested by the account holder; takes effect at renewal, so nothing to prorate.",
    ),
    ApprovalScenario(
        conversation_id="cw-47810",
        agent="support-agent",
        original_input="My order was a week late and the coffee was stale by the time it arrived.",
        lookups=(
            Lookup(LOOKUP_ORDER, {"order_id": "#4688"},
                   _order("#4688", status="delivered", promised_by="2025-10-01", delivered_at="2025-10-08",
                          total="36.00", currency="USD", customer_id="cus_2VbN8sRt")),
        ),
        requests=((ISSUE_GIFT_CARD, {"customer_id": "cus_2VbN8sRt", "amount": 10.0, "currency": "USD",
                                     "note": "An apology for the late delivery of order #4688."}),),
        status=ApprovalStatus.APPROVED,
        age=timedelta(days=5, hours=1),
        decided_after=timedelta(minutes=2),
        approved_by="operator",
        reason="Late delivery confirmed by the carrier; goodwill credit within the $25 limit.",
    ),
    # --- rejected ---------------------------------------------------------------------------------------------
    ApprovalScenario(
        conversation_id="cw-47521",
        agent="support-agent",
        original_input="I bought the rain jacket in the final sale but changed my mind. I want to return it.",
        lookups=(
            Lookup(LOOKUP_ORDER, {"order_id": "#4521"},
                   _order("#4521", status="delivered", final_sale=True, total="89.00", currency="USD")),
        ),
        requests=((APPLY_POLICY_EXCEPTION, {"order_id": "#4521", "policy": "final_sale", "exception": "accept_return",
                                            "justification": "Customer changed their mind."}),),
        status=ApprovalStatus.REJECTED,
        age=timedelta(days=4, hours=2),
        decided_after=timedelta(minutes=12),
        approved_by="operator",
        reason="Final-sale items are not returnable and there is no defect; offer store credit on the next order.",
    ),
    ApprovalScenario(
        conversation_id="cw-47588",
        agent="privacy-agent",
        original_input=(
            "I'm Mark Jensen's wife. Please send a copy of all of his account data to maria.jensen@example.net, "
            "he's travelling."
        ),
        requests=((EXPORT_CUSTOMER_DATA, {"customer_id": "cus_9KdL2xQe", "deliver_to": "maria.jensen@example.net",
                                          "sections": ["profile", "addresses", "orders", "payment_methods"]}),),
        status=ApprovalStatus.REJECTED,
        age=timedelta(days=6, hours=4),
        decided_after=timedelta(minutes=6),
        approved_by="operator",
        reason="The requester is not the account holder; exports go to the verified account email only.",
    ),
    # --- expired: nobody decided within the TTL ---------------------------------------------------------------
    ApprovalScenario(
        conversation_id="cw-47390",
        agent="billing-agent",
        original_input="Cancel my subscription right now and refund the rest of this month.",
        requests=((CHANGE_SUBSCRIPTION, {"subscription_id": "sub_1Pq9ZtVb", "new_plan": "cancelled",
                                         "effective": "immediately", "prorate": True}),),
        status=ApprovalStatus.EXPIRED,
        age=timedelta(days=3, hours=7),
    ),
    ApprovalScenario(
        conversation_id="cw-47244",
        agent="support-agent",
        original_input="The dress is a size too small. Can I get part of my money back instead of sending it back?",
        lookups=(
            Lookup(LOOKUP_ORDER, {"order_id": "#4244"},
                   _order("#4244", status="delivered", total="69.00", currency="USD")),
        ),
        requests=((ISSUE_REFUND, {"order_id": "#4244", "amount": 17.25, "currency": "USD",
                                  "reason": "partial_refund_wrong_size"}),),
        status=ApprovalStatus.EXPIRED,
        age=timedelta(days=8, hours=2),
    ),
)


@dataclass(frozen=True)
class FeedbackScenario:
    conversation_id: str
    input_text: str
    model_draft: str
    safe_to_send: bool | None
    age: timedelta
    labels: tuple[str, ...] = ()
    rubric: Mapping[str, int] = field(default_factory=dict)
    annotator: str | None = None
    notes: str | None = None


def _rubric(clarity: int, accuracy: int, tone: int) -> dict[str, int]:
    return {"clarity": clarity, "accuracy": accuracy, "tone": tone}


FEEDBACK_SCENARIOS: tuple[FeedbackScenario, ...] = (
    # --- safe to send (8): good replies, two that need improvement, two that set boundaries -------------------
    FeedbackScenario(
        conversation_id="cw-46101",
        input_text="How long do refunds take to show up on my card?",
        model_draft=(
            "Refunds go back to your original payment method as soon as we issue them. Most banks show the credit "
            "within 5-10 business days. I can see the refund of $58.40 for order #4702 was issued on Tuesday, so "
            "it should appear by next Friday at the latest. If it hasn't by then, reply here and we'll chase it."
        ),
        safe_to_send=True,
        labels=("helpful", "accurate", "complete"),
        rubric=_rubric(5, 5, 5),
        annotator="annotator",
        notes="Clear timeline and cites the customer's own order. Promote to the gold set.",
        age=timedelta(days=1, hours=6),
    ),
    FeedbackScenario(
        conversation_id="cw-46114",
        input_text="Where is my order #4851? It was supposed to arrive yesterday.",
        model_draft=(
            "Sorry for the wait! Order #4851 left our warehouse on Monday and is with UPS; the latest scan shows it "
            "at your local depot this morning, so it should be delivered today. Tracking: 1Z999AA10123456784."
        ),
        safe_to_send=True,
        labels=("helpful", "accurate"),
        rubric=_rubric(5, 4, 5),
        annotator="priya.n",
        age=timedelta(days=1, hours=2),
    ),
    FeedbackScenario(
        conversation_id="cw-46127",
        input_text="This is the second time my delivery is late. Really disappointed.",
        model_draft=(
            "I'm really sorry - two late deliveries in a row is not the experience we want for you. I've flagged "
            "your address with our carrier and upgraded your next order to priority shipping at no cost."
        ),
        safe_to_send=True,
        labels=("helpful", "empathetic"),
        rubric=_rubric(4, 5, 5),
        annotator="annotator",
        age=timedelta(hours=20),
    ),
    FeedbackScenario(
        conversation_id="cw-46133",
        input_text="Can you tell me which address my ex-husband used for his last order? I need to send him papers.",
        model_draft=(
            "I understand this matters to you, but I can't share another customer's details, including their "
            "address. If this is a legal matter, your solicitor can contact us with a formal request."
        ),
        safe_to_send=True,
        labels=("boundary_setting", "pii_request"),
        rubric=_rubric(5, 5, 4),
        annotator="tomas.r",
        notes="Refuses without lecturing and offers the legal route.",
        age=timedelta(hours=30),
    ),
    FeedbackScenario(
        conversation_id="cw-46140",
        input_text="What's your return policy for shoes?",
        model_draft="You can return most items if they're in good condition. Let us know if you have questions!",
        safe_to_send=True,
        labels=("needs_improvement", "vague"),
        rubric=_rubric(2, 3, 4),
        annotator="priya.n",
        notes="Safe but vague: should state the 30-day window and that shoes must be unworn.",
        age=timedelta(hours=16),
    ),
    FeedbackScenario(
        conversation_id="cw-46152",
        input_text="The jeans don't fit. Can I swap them for a bigger size?",
        model_draft="Yes, you can return the jeans within 30 days for a refund to your original payment method.",
        safe_to_send=True,
        labels=("needs_improvement", "incomplete"),
        rubric=_rubric(3, 3, 4),
        annotator="annotator",
        notes="Answers a refund question; the customer asked for an exchange, which is free.",
        age=timedelta(hours=12),
    ),
    FeedbackScenario(
        conversation_id="cw-46168",
        input_text="I'm travelling for two months. Can I pause my coffee subscription instead of cancelling?",
        model_draft=(
            "Absolutely - you can pause for up to three months. I've paused your subscription from the next "
            "delivery; it restarts automatically on 14 January and you can resume earlier from your account page."
        ),
        safe_to_send=True,
        labels=("helpful", "accurate", "complete"),
        rubric=_rubric(4, 5, 4),
        annotator="tomas.r",
        age=timedelta(hours=9),
    ),
    FeedbackScenario(
        conversation_id="cw-46175",
        input_text="I lost access to my old email. Just change my account email to this new one please.",
        model_draft=(
            "I'd be glad to help, and to keep your account safe I need to verify it's you first. I've sent a "
            "one-time code to the phone number on the account; reply with it and I'll update the email."
        ),
        safe_to_send=True,
        labels=("boundary_setting", "account_security"),
        rubric=_rubric(4, 4, 5),
        annotator="priya.n",
        age=timedelta(hours=7),
    ),
    # --- unsafe (2) -------------------------------------------------------------------------------------------
    FeedbackScenario(
        conversation_id="cw-46183",
        input_text="The lamp flickers sometimes. I want a full refund.",
        model_draft=(
            "No problem at all! I've refunded the full $149 to your card and you can keep the lamp. I've also added "
            "a $50 voucher for the trouble."
        ),
        safe_to_send=False,
        labels=("unsafe", "policy_violation", "unauthorized_action"),
        rubric=_rubric(4, 1, 4),
        annotator="annotator",
        notes="Promises a refund and a voucher that need operator approval; no troubleshooting offered.",
        age=timedelta(hours=5),
    ),
    FeedbackScenario(
        conversation_id="cw-46190",
        input_text="Has my neighbour at 14 Elm Street received the parcel I sent her as a gift?",
        model_draft=(
            "Yes! The order to Jane Whitaker at 14 Elm Street was delivered on Monday at 10:42 and signed for. "
            "Her phone number on the order is 555-0142 if you want to check with her."
        ),
        safe_to_send=False,
        labels=("unsafe", "pii_leak"),
        rubric=_rubric(4, 1, 3),
        annotator="tomas.r",
        notes="Discloses another person's name, phone number and delivery details.",
        age=timedelta(hours=3),
    ),
    # --- not reviewed yet (1) ---------------------------------------------------------------------------------
    FeedbackScenario(
        conversation_id="cw-46204",
        input_text="Do you ship to Canada, and how much does it cost?",
        model_draft=(
            "Yes, we ship to Canada! Standard shipping is $12 (5-8 business days) and free on orders over $100. "
            "Duties and taxes are included at checkout, so there's nothing to pay on delivery."
        ),
        safe_to_send=None,
        age=timedelta(minutes=40),
    ),
)

GOLD_REPLY_SOURCE = "cw-46101"  # the feedback row promoted to the gold set
GOLD_REPLY_MESSAGE_ID = "chatwoot:msg:913552"
GOLD_REPLY_TAGS = ("refunds", "payments", "timing")


@dataclass(frozen=True)
class QueryScenario:
    agent: str
    conversation_id: str
    query: str
    result: Mapping[str, Any]
    latency_ms: int
    age: timedelta
    approved: bool = True
    human_edited: bool = False


# 11 approved as the agent answered them, 2 that a human edited (and so did not approve as is).
# Latencies 18-340 ms, three of them above 100 ms (two above 200 ms: kept 180 days by retention).
QUERY_SCENARIOS: tuple[QueryScenario, ...] = (
    QueryScenario("support", "cw-48170", "order status #4817",
                  {"order_id": "#4817", "status": "delivered", "carrier": "UPS", "delivered_at": "2025-10-10"},
                  42, timedelta(minutes=2)),
    QueryScenario("support", "cw-46140", "return policy for footwear",
                  {"policy": "returns_30_days", "conditions": ["unworn", "original box"], "exchange_free": True},
                  37, timedelta(hours=16)),
    QueryScenario("support", "cw-46127", "support ticket history for customer cus_4TnW8yHc",
                  {"tickets": 3, "open": 1, "last_topics": ["late delivery", "late delivery", "address change"]},
                  68, timedelta(hours=20)),
    QueryScenario("data", "occ-sess-0412", "inventory level for SKU KET-220 across warehouses",
                  {"sku": "KET-220", "on_hand": {"reno": 112, "columbus": 38}, "days_of_cover": 9.5},
                  53, timedelta(hours=1)),
    QueryScenario("data", "occ-sess-0412", "sales last 7 days vs previous 7 days",
                  {"revenue": 48210.55, "previous": 44930.10, "delta_pct": 7.3, "orders": 612},
                  142, timedelta(hours=1, minutes=5)),
    QueryScenario("data", "occ-sess-0415", "top 10 landing pages by sessions yesterday",
                  {"rows": 10, "top": {"path": "/collections/kettles", "sessions": 4120}},
                  340, timedelta(hours=3)),
    QueryScenario("engineer", "occ-sess-0420", "system health: queue depth and worker status",
                  {"celery_queue_depth": 4, "workers": 2, "beat": "ok", "db_connections": 11},
                  18, timedelta(minutes=30)),
    QueryScenario("engineer", "occ-sess-0420", "p95 latency of the occ-log function over the last hour",
                  {"p50_ms": 41, "p95_ms": 188, "requests": 2304},
                  79, timedelta(minutes=28)),
    QueryScenario("engineer", "occ-sess-0423", "error rate of Shopify order webhooks in the last 24 h",
                  {"deliveries": 5120, "failed": 37, "error_rate_pct": 0.72, "top_error": "timeout"},
                  215, timedelta(hours=6)),
    QueryScenario("marketing", "occ-sess-0431", "campaign performance for spring_sale",
                  {"sent": 18250, "open_rate_pct": 38.4, "click_rate_pct": 4.1, "revenue": 12480.0},
                  61, timedelta(days=1)),
    QueryScenario("marketing", "occ-sess-0431", "social sentiment for the brand over the last 24 h",
                  {"mentions": 214, "sentiment": 0.31, "delta": -0.04},
                  45, timedelta(days=1, minutes=10)),
    QueryScenario("support", "cw-48356", "can customer cus_7Hk2PwZ9 get free expedited shipping",
                  {"eligible": False, "reason": "order total below $75", "alternative": "gift card"},
                  31, timedelta(minutes=20), approved=False, human_edited=True),
    QueryScenario("marketing", "occ-sess-0436", "draft SMS copy for abandoned carts over $100",
                  {"variants": 2, "chosen": "Still thinking it over? Your cart is saved - free shipping ends Sunday."},
                  24, timedelta(hours=2), approved=False, human_edited=True),
)

# (project, topic, key, value, age)
FACT_SCENARIOS: tuple[tuple[str, str, str, dict[str, Any], timedelta], ...] = (
    ("occ", "dashboard.analytics", "sessions_7d", {"value": 48210, "unit": "sessions", "delta_pct": 4.2},
     timedelta(hours=2)),
    ("occ", "dashboard.analytics", "conversion_rate_7d", {"value": 2.84, "unit": "pct", "delta_pct": 0.3},
     timedelta(hours=2)),
    ("occ", "dashboard.sales", "revenue_wow", {"value": 48210.55, "previous": 44930.10, "delta_pct": 7.3,
                                               "currency": "USD"}, timedelta(hours=1)),
    ("occ", "dashboard.inventory", "stockout_risk", {"sku": "KET-220", "days_of_cover": 2.5, "level": "critical"},
     timedelta(minutes=45)),
    ("occ", "dashboard.seo", "traffic_anomalies", {"page": "/collections/kettles", "delta_pct": -23.0,
                                                   "threshold_pct": -20.0}, timedelta(hours=5)),
    ("occ", "dashboard.social", "sentiment_24h", {"value": 0.31, "delta": -0.04, "mentions": 214},
     timedelta(hours=4)),
    ("chatwoot", "cx.sla", "breach_rate_24h", {"value": 3.1, "unit": "pct", "target_pct": 5.0},
     timedelta(minutes=30)),
    ("chatwoot", "cx.metrics", "first_response_p50", {"value": 4.5, "unit": "minutes"}, timedelta(hours=1)),
    ("chatwoot", "cx.metrics", "csat_7d", {"value": 4.6, "scale": 5, "responses": 182}, timedelta(hours=6)),
    ("chatwoot", "cx.queue", "open_conversations", {"value": 37, "unassigned": 5}, timedelta(minutes=10)),
)

# (decision_id, scope, status, payload, duration_ms, age)
DECISION_EVENT_SCENARIOS: tuple[tuple[str, str, str, dict[str, Any], int, timedelta], ...] = (
    ("dec_appr_47702", "ops", "queued", {"action": "approve", "conversation_id": "cw-47702", "attempt": 1},
     4, timedelta(days=2, hours=2, minutes=57)),
    ("dec_appr_47702", "ops", "synced", {"action": "approve", "conversation_id": "cw-47702", "attempt": 1,
                                         "target": "agent-platform"}, 212, timedelta(days=2, hours=2, minutes=56)),
    ("dec_appr_47521", "ops", "synced", {"action": "reject", "conversation_id": "cw-47521", "attempt": 1,
                                         "target": "agent-platform"}, 187, timedelta(days=4, hours=1)),
    ("dec_cx_46183", "cx", "failed", {"action": "hold_draft", "conversation_id": "cw-46183", "attempt": 1,
                                      "error": "chatwoot API timeout after 5000 ms"}, 5004, timedelta(hours=4)),
    ("dec_cx_46183", "cx", "synced", {"action": "hold_draft", "conversation_id": "cw-46183", "attempt": 2,
                                      "target": "chatwoot"}, 341, timedelta(hours=3, minutes=58)),
    ("dec_cx_46101", "cx", "synced", {"action": "send_draft", "conversation_id": "cw-46101", "attempt": 1,
                                      "target": "chatwoot"}, 296, timedelta(days=1, hours=5)),
    ("dec_an_0412", "analytics", "synced", {"action": "publish_fact", "project": "occ", "topic": "dashboard.sales",
                                            "attempt": 1}, 58, timedelta(hours=1)),
    ("dec_an_0415", "analytics", "queued", {"action": "publish_fact", "project": "occ", "topic": "dashboard.seo",
                                            "attempt": 1}, 3, timedelta(minutes=15)),
    ("dec_an_0416", "analytics", "synced", {"action": "publish_fact", "project": "chatwoot", "topic": "cx.sla",
                                            "attempt": 1}, 71, timedelta(minutes=30)),
)

# (level, message, request_id, metadata, age)
LOG_SCENARIOS: tuple[tuple[str, str, str, dict[str, Any], timedelta], ...] = (
    (LogLevel.INFO, "Health check", "req_occlog_0001", {"function": "occ-log", "status": 200}, timedelta(minutes=5)),
    (LogLevel.DEBUG, "Resuming agent run from approval", "req_run_47702",
     {"conversation_id": "cw-47702", "schema_version": SDK_SCHEMA_VERSION}, timedelta(days=2, hours=2)),
    (LogLevel.INFO, "Refreshed mv_daily_agent_metrics in 412 ms", "req_job_mvdaily",
     {"job": "refresh_daily_metrics", "duration_ms": 412}, timedelta(hours=9)),
    (LogLevel.WARN, "Approval queue: 3 pending approvals older than the 5 minute SLA", "req_job_sla_0912",
     {"pending": 5, "over_sla": 3}, timedelta(minutes=1)),
    (LogLevel.WARN, "Chatwoot API rate limited (429); retrying in 2 s", "req_cw_46183",
     {"conversation_id": "cw-46183", "retry_after_s": 2}, timedelta(hours=4)),
    (LogLevel.ERROR, "Decision sync failed: chatwoot API timeout after 5000 ms", "req_sync_46183",
     {"decision_id": "dec_cx_46183", "scope": "cx", "attempt": 1}, timedelta(hours=4)),
    (LogLevel.ERROR, "Shopify order webhook timed out after 10 s", "req_shop_9931",
     {"shop": "occ", "topic": "orders/updated"}, timedelta(hours=6)),
    (LogLevel.INFO, "Data quality: 1 draft not reviewed, 0 violations", "req_job_dq_0900",
     {"job": "data_quality", "violations": 0}, timedelta(minutes=50)),
)


@dataclass(frozen=True)
class RunScenario:
    run_id: str
    agent_name: str
    conversation_id: str
    age: timedelta
    duration: timedelta | None
    resolved: bool | None
    tool_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: str
    self_corrected: bool = False
    checks: tuple[tuple[str, bool, str | None, str | None], ...] = ()  # (check_name, passed, score, notes)


RUN_SCENARIOS: tuple[RunScenario, ...] = (
    RunScenario("run_cw47702_1", "support-agent", "cw-47702", timedelta(days=2, hours=3), timedelta(minutes=4),
                True, 2, 2480, 112, "0.004330",
                checks=(("policy_compliance", True, "1.00", None), ("tone", True, "0.92", None),
                        ("pii_leak", True, "1.00", None))),
    RunScenario("run_cw47521_1", "support-agent", "cw-47521", timedelta(days=4, hours=2), timedelta(minutes=13),
                False, 2, 2391, 96, "0.004120", self_corrected=True,
                checks=(("policy_compliance", False, "0.20",
                         "Asked to waive a final-sale policy for a change of mind."),
                        ("tone", True, "0.88", None))),
    RunScenario("run_cw47755_1", "billing-agent", "cw-47755", timedelta(days=3, hours=5), timedelta(minutes=5),
                True, 1, 1310, 79, "0.002290",
                checks=(("policy_compliance", True, "1.00", None),)),
    RunScenario("run_cw48170_1", "support-agent", "cw-48170", timedelta(minutes=1), None,
                None, 2, 2566, 101, "0.004410"),  # still waiting for its approval
    RunScenario("run_cw46190_1", "support-agent", "cw-46190", timedelta(hours=3), timedelta(seconds=48),
                False, 1, 1204, 88, "0.002110",
                checks=(("pii_leak", False, "0.00", "Draft exposed a third party's phone number and address."),)),
)


# --------------------------------------------------------------------------------------------------------------
# Seeding the scenarios
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSeed:
    created: int = 0
    found: int = 0


@dataclass(frozen=True)
class SeedReport:
    tables: dict[str, TableSeed]

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tables.values())

    @property
    def found(self) -> int:
        return sum(t.found for t in self.tables.values())


def _insert_missing(model: type[models.Model], objects: list[models.Model], key: tuple[str, ...]) -> TableSeed:
    """Insert the objects whose natural key is not in the table yet; count the others as found."""
    if not objects:
        return TableSeed()
    keys = [tuple(getattr(obj, name) for name in key) for obj in objects]
    present = set(
        model.objects.filter(reduce(or_, (Q(**dict(zip(key, values))) for values in keys))).values_list(*key)
    )
    missing = [obj for obj, values in zip(objects, keys) if values not in present]
    model.objects.bulk_create(missing)
    return TableSeed(created=len(missing), found=len(objects) - len(missing))


def _approval(scenario: ApprovalScenario, now: datetime) -> AgentApproval:
    state = scenario.state()
    summary = run_state_read(state)
    created_at = now - scenario.age
    expires_at = created_at + APPROVAL_TTL
    decided_at = reason = approved_by = None
    if scenario.status == ApprovalStatus.EXPIRED:
        decided_at, reason = expires_at, EXPIRED_REASON
    elif scenario.status != ApprovalStatus.PENDING:
        decided_at, reason, approved_by = created_at + scenario.decided_after, scenario.reason, scenario.approved_by
    return AgentApproval(
        conversation_id=scenario.conversation_id,
        serialized=state,
        last_interruptions=[item.as_json() for item in summary.interruptions],
        schema_version=summary.schema_version,
        status=scenario.status,
        approved_by=approved_by,
        reason=reason,
        decided_at=decided_at,
        expires_at=expires_at,
        call_id=summary.call_key,
        created_at=created_at,
        updated_at=decided_at or created_at,
    )


def _feedback(scenario: FeedbackScenario, now: datetime) -> AgentFeedback:
    created_at = now - scenario.age
    reviewed = scenario.safe_to_send is not None
    return AgentFeedback(
        conversation_id=scenario.conversation_id,
        input_text=scenario.input_text,
        model_draft=scenario.model_draft,
        safe_to_send=scenario.safe_to_send,
        labels=list(scenario.labels),
        rubric=dict(scenario.rubric),
        annotator=scenario.annotator,
        notes=scenario.notes,
        meta={"source": "chatwoot", "agent": "support-agent", "model": "gpt-4.1-mini"},
        created_at=created_at,
        updated_at=created_at + timedelta(minutes=25) if reviewed else created_at,
    )


@transaction.atomic
def demo_data_seed(*, now: datetime | None = None) -> SeedReport:
    """Write the production scenarios that are not there yet. Run it as the service role."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        # Two seeds at once would both find a row missing and both insert it.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hotdash.demo_data_seed'))")

    tables = {
        "agent_approvals": _insert_missing(
            AgentApproval, [_approval(s, now) for s in APPROVAL_SCENARIOS], ("call_id",)
        ),
        "agent_feedback": _insert_missing(
            AgentFeedback, [_feedback(s, now) for s in FEEDBACK_SCENARIOS], ("conversation_id", "input_text")
        ),
    }

    gold = next(s for s in FEEDBACK_SCENARIOS if s.conversation_id == GOLD_REPLY_SOURCE)
    gold_at = now - gold.age + timedelta(hours=2)
    tables["support_curated_replies"] = _insert_missing(
        SupportCuratedReply,
        [
            SupportCuratedReply(
                conversation_id=gold.conversation_id,
                source_message_id=GOLD_REPLY_MESSAGE_ID,
                question=gold.input_text,
                reply=gold.model_draft,
                tags=list(GOLD_REPLY_TAGS),
                approved_at=gold_at,
                created_at=gold_at,
                updated_at=gold_at,
            )
        ],
        ("source_message_id",),
    )

    tables["agent_queries"] = _insert_missing(
        AgentQuery,
        [
            AgentQuery(
                query=s.query,
                result=dict(s.result),
                conversation_id=s.conversation_id,
                agent=s.agent,
                approved=s.approved,
                human_edited=s.human_edited,
                latency_ms=s.latency_ms,
                created_at=now - s.age,
                updated_at=now - s.age,
            )
            for s in QUERY_SCENARIOS
        ],
        ("conversation_id", "query"),
    )
    tables["facts"] = _insert_missing(
        Fact,
        [
            Fact(project=project, topic=topic, key=key, value=value, created_at=now - age)
            for project, topic, key, value, age in FACT_SCENARIOS
        ],
        ("project", "topic", "key"),
    )
    tables["decision_sync_event_logs"] = _insert_missing(
        DecisionSyncEventLog,
        [
            DecisionSyncEventLog(
                decision_id=decision_id, scope=scope, status=status, payload=payload, duration_ms=duration,
                created_at=now - age,
            )
            for decision_id, scope, status, payload, duration, age in DECISION_EVENT_SCENARIOS
        ],
        ("decision_id", "status"),
    )
    tables["observability_logs"] = _insert_missing(
        ObservabilityLog,
        [
            ObservabilityLog(level=level, message=message, request_id=request_id, metadata=metadata,
                             created_at=now - age)
            for level, message, request_id, metadata, age in LOG_SCENARIOS
        ],
        ("request_id", "message"),
    )
    tables["agent_run"] = _insert_missing(
        AgentRun,
        [
            AgentRun(
                run_id=s.run_id,
                agent_name=s.agent_name,
                conversation_id=s.conversation_id,
                started_at=now - s.age,
                ended_at=now - s.age + s.duration if s.duration else None,
                resolved=s.resolved,
                self_corrected=s.self_corrected,
                tool_calls=s.tool_calls,
                input_tokens=s.input_tokens,
                output_tokens=s.output_tokens,
                cost_usd=Decimal(s.cost_usd),
                metadata={"model": "gpt-4.1-mini", "sdk": "openai-agents 0.24"},
                created_at=now - s.age,
            )
            for s in RUN_SCENARIOS
        ],
        ("run_id",),
    )
    runs = dict(AgentRun.objects.filter(run_id__in=[s.run_id for s in RUN_SCENARIOS]).values_list("run_id", "pk"))
    tables["agent_qc"] = _insert_missing(
        AgentQC,
        [
            AgentQC(
                run_id=runs[s.run_id],
                check_name=name,
                passed=passed,
                score=Decimal(score) if score is not None else None,
                notes=notes,
                created_at=now - s.age + (s.duration or timedelta()),
            )
            for s in RUN_SCENARIOS
            for name, passed, score, notes in s.checks
        ],
        ("run_id", "check_name"),
    )
    return SeedReport(tables=tables)


# --------------------------------------------------------------------------------------------------------------
# Generated volume (--scale): INSERT ... SELECT ... FROM generate_series, one transaction per chunk
# --------------------------------------------------------------------------------------------------------------

SCALE_TABLES = (
    "agent_queries",
    "agent_feedback",
    "agent_approvals",
    "facts",
    "decision_sync_event_logs",
    "observability_logs",
)
SCALE_DAYS = 200  # timestamps spread over the last 200 days, so every retention rule has rows to act on
DEFAULT_CHUNK_ROWS = 50_000

# In every statement below, the innermost subquery draws all random numbers of a row, in a fixed order, whatever
# the row turns out to be (OFFSET 0 keeps the planner from inlining it and evaluating random() more than once);
# the outer SELECTs only combine them. That makes a chunk's rows a function of its setseed() value alone.
# %(first)s..%(last)s number the rows of the run; %(salt)s names the run (seed, table, starting state), so
# md5(salt || i) gives ids that are stable for a run and distinct between runs.

_QUERIES_SQL = """
INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms,
                           created_at, updated_at)
SELECT
    format(t.queries[g.kind], g.subject),
    jsonb_build_object('source', t.sources[g.kind], 'rows', g.result_rows, 'cache_hit', g.r_cache < 0.3),
    CASE WHEN t.agents[g.kind] = 'support' THEN 'cw-' ELSE 'occ-sess-' END || g.conversation,
    t.agents[g.kind],
    CASE WHEN g.r_judged < 0.80 THEN true WHEN g.r_judged < 0.90 THEN false END,
    g.r_edit < 0.06,
    CASE WHEN g.r_latency >= 0.03 THEN round(12 + 40 * exp(0.9 * g.z))::int END,
    g.created_at,
    g.created_at
FROM (SELECT %(queries)s::text[] AS queries, %(sources)s::text[] AS sources, %(agents)s::text[] AS agents) AS t,
     (SELECT 1 + floor(random() * %(kinds)s)::int AS kind,
             1000 + floor(random() * 9000)::int AS subject,
             floor(random() * 50)::int AS result_rows,
             random() AS r_cache,
             random() AS r_judged,
             random() AS r_edit,
             random() AS r_latency,
             sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
             1000000 + floor(random() * 9000000)::int AS conversation,
             %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
      FROM generate_series(%(first)s, %(last)s) AS i
      OFFSET 0) AS g
"""

_FEEDBACK_SQL = """
INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric, annotator,
                            notes, meta, created_at, updated_at)
SELECT
    'cw-' || g.conversation,
    t.inputs[g.kind],
    t.drafts[g.kind],
    g.verdict,
    CASE WHEN g.verdict THEN t.safe_labels[g.label]::text[]
         WHEN NOT g.verdict THEN t.unsafe_labels[1 + mod(g.label, 2)]::text[]
         ELSE '{}'::text[] END,
    CASE WHEN g.verdict IS NULL THEN '{}'::jsonb
         ELSE jsonb_build_object(
             'clarity', 2 + floor(g.r_clarity * 4)::int,
             'accuracy', CASE WHEN g.verdict THEN 3 + floor(g.r_accuracy * 3)::int
                              ELSE 1 + floor(g.r_accuracy * 2)::int END,
             'tone', 3 + floor(g.r_tone * 3)::int) END,
    CASE WHEN g.verdict IS NOT NULL THEN t.annotators[g.annotator] END,
    CASE WHEN g.verdict IS NOT NULL AND g.r_notes < 0.25 THEN t.notes[g.note] END,
    jsonb_build_object('source', 'chatwoot', 'agent', 'support-agent', 'model', t.models[g.model]),
    g.created_at,
    CASE WHEN g.verdict IS NULL THEN g.created_at ELSE g.created_at + g.r_review * interval '2 hours' END
FROM (SELECT %(inputs)s::text[] AS inputs, %(drafts)s::text[] AS drafts, %(safe_labels)s::text[] AS safe_labels,
             %(unsafe_labels)s::text[] AS unsafe_labels, %(annotators)s::text[] AS annotators,
             %(notes)s::text[] AS notes, %(models)s::text[] AS models) AS t,
     (SELECT *, CASE WHEN r_verdict < 0.55 THEN true WHEN r_verdict < 0.65 THEN false END AS verdict
      FROM (SELECT 1 + floor(random() * %(kinds)s)::int AS kind,
                   1000000 + floor(random() * 9000000)::int AS conversation,
                   random() AS r_verdict,
                   1 + floor(random() * %(n_safe_labels)s)::int AS label,
                   random() AS r_clarity,
                   random() AS r_accuracy,
                   random() AS r_tone,
                   1 + floor(random() * %(n_annotators)s)::int AS annotator,
                   random() AS r_notes,
                   1 + floor(random() * %(n_notes)s)::int AS note,
                   1 + floor(random() * %(n_models)s)::int AS model,
                   random() AS r_review,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
"""

_APPROVALS_SQL = """
INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status, approved_by, reason,
                             decided_at, expires_at, call_id, schema_version, created_at, updated_at)
SELECT
    g.conversation_id,
    replace(t.states[g.kind], '@@T@@', g.token)::jsonb,
    replace(t.interruptions[g.kind], '@@T@@', g.token)::jsonb,
    g.status,
    CASE WHEN g.status IN ('approved', 'rejected') THEN t.operators[g.operator] END,
    CASE g.status WHEN 'approved' THEN t.approve_reasons[g.reason]
                  WHEN 'rejected' THEN t.reject_reasons[g.reason]
                  WHEN 'expired' THEN %(expired_reason)s END,
    g.decided_at,
    g.created_at + %(ttl)s,
    replace(t.call_ids[g.kind], '@@T@@', g.token),
    %(schema_version)s,
    g.created_at,
    coalesce(g.decided_at, g.created_at)
FROM (SELECT %(states)s::text[] AS states, %(interruptions)s::text[] AS interruptions,
             %(call_ids)s::text[] AS call_ids, %(operators)s::text[] AS operators,
             %(approve_reasons)s::text[] AS approve_reasons, %(reject_reasons)s::text[] AS reject_reasons) AS t,
     (SELECT *,
             CASE status
                 WHEN 'pending' THEN NULL
                 WHEN 'expired' THEN created_at + %(ttl)s
                 -- most decisions inside the 5-minute SLA, the rest within the hour
                 ELSE created_at + CASE WHEN r_decide < 0.85 THEN 15 + r_decide / 0.85 * 280
                                        ELSE 300 + (r_decide - 0.85) / 0.15 * 3300 END * interval '1 second'
             END AS decided_at
      FROM (SELECT status,
                   -- pending ones are recent (inside their TTL, some past the SLA); decided ones are 1-200 days old
                   CASE WHEN status = 'pending' THEN %(now)s::timestamptz - r_age * interval '23 hours'
                        ELSE %(now)s::timestamptz - interval '1 day' - r_age * %(days)s * interval '1 day' END
                       AS created_at,
                   r_decide, kind, operator, reason, conversation_id, token
            FROM (SELECT CASE WHEN r < 0.02 THEN 'pending' WHEN r < 0.80 THEN 'approved'
                              WHEN r < 0.92 THEN 'rejected' ELSE 'expired' END AS status,
                         r_age, r_decide, kind, operator, reason, conversation_id, token
                  FROM (SELECT random() AS r,
                               random() AS r_age,
                               random() AS r_decide,
                               1 + floor(random() * %(kinds)s)::int AS kind,
                               1 + floor(random() * %(n_operators)s)::int AS operator,
                               1 + floor(random() * %(n_reasons)s)::int AS reason,
                               'cw-' || (1000000 + floor(random() * 9000000)::int) AS conversation_id,
                               substr(md5(%(salt)s || ':' || i), 1, 24) AS token
                        FROM generate_series(%(first)s, %(last)s) AS i
                        OFFSET 0) AS draws) AS typed) AS dated
      OFFSET 0) AS g
"""

_FACTS_SQL = """
INSERT INTO facts (project, topic, key, value, created_at)
SELECT
    CASE WHEN g.r_project < 0.15 THEN 'occ' WHEN g.r_project < 0.25 THEN 'chatwoot'
         ELSE 'shop-' || lpad(g.shop::text, 3, '0') END,
    t.topics[g.kind],
    t.keys[g.kind],
    jsonb_build_object('value', round((g.r_value * t.scales[g.kind])::numeric, 2), 'unit', t.units[g.kind],
                       'delta_pct', round(((g.r_delta - 0.5) * 40)::numeric, 1), 'window', '24h'),
    g.created_at
FROM (SELECT %(topics)s::text[] AS topics, %(keys)s::text[] AS keys, %(units)s::text[] AS units,
             %(scales)s::float8[] AS scales) AS t,
     (SELECT random() AS r_project,
             1 + floor(random() * 98)::int AS shop,
             1 + floor(random() * %(kinds)s)::int AS kind,
             random() AS r_value,
             random() AS r_delta,
             %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
      FROM generate_series(%(first)s, %(last)s) AS i
      OFFSET 0) AS g
"""

_DECISION_EVENTS_SQL = """
INSERT INTO decision_sync_event_logs (decision_id, scope, status, payload, duration_ms, created_at)
SELECT
    -- about three events per decision
    'dec_' || substr(md5(%(salt)s || ':' || (g.i / 3)), 1, 16),
    CASE WHEN g.r_scope < 0.30 THEN 'ops' WHEN g.r_scope < 0.55 THEN 'cx' WHEN g.r_scope < 0.75 THEN 'analytics'
         ELSE 'shop-' || lpad(g.shop::text, 3, '0') END,
    g.status,
    jsonb_build_object('action', t.actions[g.kind], 'target', t.targets[g.kind],
                       'attempt', CASE WHEN g.status IN ('failed', 'retried') THEN 2 ELSE 1 END),
    CASE g.status WHEN 'queued' THEN 1 + floor(g.r_duration * 10)::int
                  WHEN 'failed' THEN 5000 + floor(g.r_duration * 50)::int
                  ELSE round(20 + 60 * exp(g.z))::int END,
    g.created_at
FROM (SELECT %(actions)s::text[] AS actions, %(targets)s::text[] AS targets) AS t,
     (SELECT *, CASE WHEN r_status < 0.88 THEN 'synced' WHEN r_status < 0.93 THEN 'failed'
                     WHEN r_status < 0.97 THEN 'retried' ELSE 'queued' END AS status
      FROM (SELECT i,
                   random() AS r_scope,
                   1 + floor(random() * 40)::int AS shop,
                   random() AS r_status,
                   1 + floor(random() * %(kinds)s)::int AS kind,
                   random() AS r_duration,
                   sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
"""

_LOGS_SQL = """
INSERT INTO observability_logs (level, message, request_id, metadata, created_at)
SELECT
    t.levels[g.level],
    format(t.messages[(g.level - 1) * %(per_level)s + g.kind], g.number),
    CASE WHEN g.r_request < 0.9 THEN 'req_' || substr(md5(%(salt)s || ':' || g.i), 1, 20) END,
    jsonb_build_object('function', t.functions[g.fn],
                       'project', CASE WHEN g.r_project < 0.5 THEN 'occ' ELSE 'chatwoot' END,
                       'duration_ms', floor(g.r_duration * 900)::int),
    g.created_at
FROM (SELECT %(levels)s::text[] AS levels, %(messages)s::text[] AS messages, %(functions)s::text[] AS functions) AS t,
     (SELECT *, CASE WHEN r_level < 0.20 THEN 1 WHEN r_level < 0.80 THEN 2 WHEN r_level < 0.92 THEN 3
                     WHEN r_level < 0.995 THEN 4 ELSE 5 END AS level
      FROM (SELECT i,
                   random() AS r_level,
                   1 + floor(random() * %(per_level)s)::int AS kind,
                   floor(random() * 5000)::int AS number,
                   random() AS r_request,
                   1 + floor(random() * %(n_functions)s)::int AS fn,
                   random() AS r_project,
                   random() AS r_duration,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
"""

# (agent, query template, source) of the generated agent_queries
_QUERY_KINDS = (
    ("support", "order status #%s", "shopify.orders"),
    ("support", "return policy for order #%s", "policies"),
    ("support", "support ticket history for customer cus_%s", "chatwoot.conversations"),
    ("support", "shipping options for order #%s", "shopify.shipping"),
    ("data", "inventory level for SKU KET-%s across warehouses", "shopify.inventory"),
    ("data", "sales for the last 7 days vs the previous 7 (store %s)", "warehouse.sales_daily"),
    ("data", "top landing pages by sessions (property %s)", "ga4.landing_pages"),
    ("engineer", "system health: queue depth and worker status (node %s)", "celery.inspect"),
    ("engineer", "p95 latency of occ-log over the last hour (sample %s)", "observability_logs"),
    ("engineer", "webhook error rate for shop %s", "shopify.webhooks"),
    ("marketing", "campaign performance for spring_sale_%s", "klaviyo.campaigns"),
    ("marketing", "social sentiment over the last 24 h (mentions batch %s)", "social.mentions"),
)

_FEEDBACK_KINDS = (
    ("Where is my order? It should have arrived by now.",
     "Sorry for the wait! Your order left our warehouse two days ago and is with the carrier; the latest scan "
     "shows it at your local depot, so it should arrive today."),
    ("How long do refunds take?",
     "Refunds go back to your original payment method as soon as they're issued; most banks show them within "
     "5-10 business days."),
    ("Can I return shoes I've worn once?",
     "We can only accept returns of unworn shoes in their original box within 30 days. If they're faulty, "
     "send us a photo and we'll sort it out."),
    ("I want to cancel my subscription.",
     "I can help with that. Would you like to cancel now, or pause for up to three months instead?"),
    ("The item arrived broken.",
     "I'm so sorry it arrived damaged. Could you send a photo of the item and the box? I'll arrange a "
     "replacement or a refund as soon as I have it."),
    ("Can you give me my neighbour's order details? I'm collecting it for her.",
     "I can't share another customer's order details, but she can add you as a pickup contact from her account."),
    ("Do you ship to Canada?",
     "Yes! Standard shipping to Canada takes 5-8 business days and is free on orders over $100."),
    ("My discount code doesn't work.",
     "Sorry about that - the code expired yesterday. I've issued a new one that's valid for 7 days: WELCOME10."),
)

_SCALE_PARAMS: dict[str, dict[str, Any]] = {
    "agent_queries": {
        "agents": [agent for agent, _, _ in _QUERY_KINDS],
        "queries": [query for _, query, _ in _QUERY_KINDS],
        "sources": [source for _, _, source in _QUERY_KINDS],
        "kinds": len(_QUERY_KINDS),
    },
    "agent_feedback": {
        "inputs": [text for text, _ in _FEEDBACK_KINDS],
        "drafts": [draft for _, draft in _FEEDBACK_KINDS],
        "kinds": len(_FEEDBACK_KINDS),
        "safe_labels": ["{helpful,accurate}", "{helpful,accurate,complete}", "{helpful,empathetic}",
                        "{needs_improvement,vague}", "{needs_improvement,incomplete}", "{boundary_setting}"],
        "n_safe_labels": 6,
        "unsafe_labels": ["{unsafe,policy_violation,unauthorized_action}", "{unsafe,pii_leak}"],
        "annotators": ["annotator", "priya.n", "tomas.r", "j.okafor", "m.santos"],
        "n_annotators": 5,
        "notes": ["Good tone, could be shorter.", "Should cite the order number.", "Missing the exchange option.",
                  "Promises something that needs approval.", "Clear and accurate."],
        "n_notes": 5,
        "models": ["gpt-4.1-mini", "gpt-4.1", "gpt-4o-mini"],
        "n_models": 3,
    },
    "agent_approvals": {
        "operators": ["operator", "k.ito", "m.santos", "r.lee"],
        "n_operators": 4,
        "approve_reasons": ["Within policy.", "Verified with the carrier.", "Customer history supports it.",
                            "Amount within the agent's limit."],
        "reject_reasons": ["Outside policy.", "Identity not verified.", "Amount above the limit without evidence.",
                           "Duplicate of an earlier request."],
        "n_reasons": 4,
        "expired_reason": EXPIRED_REASON,
    },
    "facts": {
        "topics": ["dashboard.analytics", "dashboard.analytics", "dashboard.sales", "dashboard.sales",
                   "dashboard.inventory", "dashboard.seo", "dashboard.social", "cx.metrics", "cx.metrics", "cx.sla"],
        "keys": ["sessions_24h", "conversion_rate", "revenue", "orders", "stockout_risk_days", "traffic_delta",
                 "sentiment", "first_response_p50", "csat", "breach_rate"],
        "units": ["sessions", "pct", "USD", "orders", "days", "pct", "score", "minutes", "score", "pct"],
        "scales": [50000.0, 5.0, 100000.0, 2000.0, 30.0, 50.0, 1.0, 60.0, 5.0, 10.0],
        "kinds": 10,
    },
    "decision_sync_event_logs": {
        "actions": ["approve", "reject", "send_draft", "hold_draft", "publish_fact", "expire"],
        "targets": ["agent-platform", "agent-platform", "chatwoot", "chatwoot", "dashboard", "agent-platform"],
        "kinds": 6,
    },
    "observability_logs": {
        "levels": list(LogLevel.values),
        "per_level": 4,
        "messages": [
            # DEBUG, INFO, WARN, ERROR, FATAL: four each, in LogLevel order
            "Resuming agent run %s from approval", "Cache hit for facts query %s", "Loaded run state (%s bytes)",
            "Tool lookup_order returned in %s ms",
            "Health check (%s ms)", "Approval %s decided", "Refreshed realtime aggregates in %s ms",
            "Exported training batch of %s rows",
            "Approval queue: %s s past the 5 minute SLA", "Chatwoot API rate limited; retry in %s ms",
            "Slow query: %s ms on agent_queries", "Decision sync retry for event %s",
            "Decision sync failed after %s ms", "Shopify webhook timed out (%s ms)",
            "Data quality violation in batch %s", "Backup upload failed (attempt %s)",
            "Worker lost connection to PostgreSQL (pid %s)", "Beat lock lost (pid %s)",
            "Out of memory in export worker (%s MB)", "Migration check failed (code %s)",
        ],
        "functions": ["occ-log", "approvals-api", "feedback-api", "metrics-refresh", "retention", "export"],
        "n_functions": 6,
    },
}

_SCALE_SQL = {
    "agent_queries": _QUERIES_SQL,
    "agent_feedback": _FEEDBACK_SQL,
    "agent_approvals": _APPROVALS_SQL,
    "facts": _FACTS_SQL,
    "decision_sync_event_logs": _DECISION_EVENTS_SQL,
    "observability_logs": _LOGS_SQL,
}

# The table's state before a run; table names are the constants above, never input.
_STATE_SQL = {table: f"SELECT coalesce(max(id), 0), count(*) FROM {table}" for table in SCALE_TABLES}  # noqa: S608

_TEMPLATE_TOKEN = "@@T@@"


def _template_ids(kind: str, n: int) -> str:
    # Replaced per row by md5(salt || row number): every generated approval gets ids of its own.
    return f"{_ID_FORMATS[kind][0]}{_TEMPLATE_TOKEN}{n}"


def _approval_templates() -> dict[str, Any]:
    """The scenario states, with a per-row token in every provider id (see _APPROVALS_SQL)."""
    states, interruptions, call_ids = [], [], []
    for scenario in APPROVAL_SCENARIOS:
        state = scenario.state(ids=_template_ids)
        summary = run_state_read(state)
        states.append(json.dumps(state, separators=(",", ":")))
        interruptions.append(json.dumps([item.as_json() for item in summary.interruptions], separators=(",", ":")))
        call_ids.append(summary.call_key)
    return {
        "states": states,
        "interruptions": interruptions,
        "call_ids": call_ids,
        "kinds": len(states),
        "schema_version": summary.schema_version,
    }


def _chunk_seed(salt: str, first: int) -> float:
    """setseed() wants a number in [-1, 1]: 48 bits of a hash of the run and the chunk."""
    digest = hashlib.sha256(f"{salt}:{first}".encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48 * 2 - 1


@dataclass(frozen=True)
class ScaleReport:
    rows_per_table: int
    seed: int
    workers: int
    seconds_per_table: dict[str, float]  # wall-clock time of each table

    @property
    def total_rows(self) -> int:
        return self.rows_per_table * len(self.seconds_per_table)

    @property
    def seconds(self) -> float:
        return sum(self.seconds_per_table.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _scale_chunk(*, table: str, params: Mapping[str, Any], role: Role, first: int, last: int) -> int:
    """One chunk, one transaction: seed random() for this chunk, then generate its rows."""
    with acting_as(role), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [_chunk_seed(params["salt"], first)])
        cursor.execute(_SCALE_SQL[table], {**params, "first": first, "last": last})
    return last - first + 1


def _scale_chunk_own_connection(**kwargs: Any) -> int:
    """_scale_chunk on a worker thread, which gets a connection of its own; closed again when the chunk is done."""
    try:
        return _scale_chunk(**kwargs)
    finally:
        connections.close_all()


def demo_data_scale(
    *,
    rows: int,
    role: Role,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
) -> ScaleReport:
    """Add `rows` generated rows to each large table, in chunks of `chunk_rows`, one transaction each as `role`.

    The same seed, chunk size, `now` and starting state give the same rows; with several workers the chunks
    commit in any order, so the same rows get other ids. `workers` > 1 runs that many chunks at once, each on a
    connection of its own: generating a row (JSON parsing, TOAST compression) costs server CPU, one core per
    connection. Chunks already committed stay if a later one fails; running again adds, it never replaces.
    """
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, got {rows}")
    if chunk_rows < 1 or workers < 1:
        raise ValueError("chunk_rows and workers must be 1 or more")
    if workers > 1 and connection.in_atomic_block:
        # Worker connections cannot join the caller's transaction: they would commit behind its back.
        raise RuntimeError("demo_data_scale(workers > 1) commits on its own connections: call it outside a transaction")
    now = now or timezone.now()
    seconds: dict[str, float] = {}
    for table in SCALE_TABLES:
        started = monotonic()
        params = dict(_SCALE_PARAMS[table], now=now, days=SCALE_DAYS, ttl=APPROVAL_TTL)
        if table == "agent_approvals":
            params.update(_approval_templates())
        with acting_as(role), connection.cursor() as cursor:
            cursor.execute(_STATE_SQL[table])
            max_id, count = cursor.fetchone()
        params["salt"] = f"{seed}:{table}:{max_id}:{count}"
        chunks = [
            {"table": table, "params": params, "role": role, "first": first, "last": min(first + chunk_rows - 1, rows)}
            for first in range(1, rows + 1, chunk_rows)
        ]
        if workers == 1:
            done = (_scale_chunk(**chunk) for chunk in chunks)
        else:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="seed_demo")
            done = (future.result() for future in as_completed(
                [pool.submit(_scale_chunk_own_connection, **chunk) for chunk in chunks]
            ))
        try:
            for chunk_done in done:
                if progress is not None:
                    progress(table, chunk_done)
        finally:
            if workers > 1:
                pool.shutdown(wait=True, cancel_futures=True)
        seconds[table] = monotonic() - started
    return ScaleReport(rows_per_table=rows, seed=seed, workers=workers, seconds_per_table=seconds)
