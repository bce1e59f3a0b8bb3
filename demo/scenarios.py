"""The production scenarios (production report, section 12) and the agents' tools they use."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from approvals.models import ApprovalStatus
from demo.run_states import (
    BASE62,
    BOOLEAN,
    NUMBER,
    SDK_SCHEMA_VERSION,
    STRING,
    STRING_LIST,
    SdkCall,
    SdkTool,
    SdkTurn,
    TokenUsage,
    sdk_id,
    sdk_run_state,
)
from metrics.models import (
    LogLevel,
)

DEFAULT_SEED = 42
APPROVAL_TTL = timedelta(hours=24)
EXPIRED_REASON = "no decision within TTL"

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
ID_FORMATS = {  # prefix, length, alphabet, as the OpenAI Responses API spells its ids
    "call": ("call_", 24, BASE62),
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
            prefix, length, alphabet = ID_FORMATS[kind]
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


# The label vocabulary the scenarios' drafts use (and --scale's), as an admin would keep it in Annotation labels:
# name, what it means, chip colour, and the workbench key that toggles it (none of y n s k t q, the page's own).
LABEL_VOCABULARY: tuple[tuple[str, str, str, str], ...] = (
    ("helpful", "Answers what the customer asked.", "#2e8540", "h"),
    ("accurate", "Facts, amounts and dates match the order and the policy.", "#2e8540", "a"),
    ("complete", "Nothing the customer needs is missing.", "#2e8540", "c"),
    ("empathetic", "Acknowledges how the customer feels.", "#2e8540", "e"),
    ("needs_improvement", "Usable after an edit.", "#b8860b", "i"),
    ("vague", "No concrete answer, date or next step.", "#b8860b", "v"),
    ("incomplete", "Leaves out part of the question or an option.", "#b8860b", "m"),
    ("boundary_setting", "Declines correctly and says what is possible instead.", "#1f5fa8", "b"),
    ("pii_request", "The customer asks for someone else's personal data.", "#1f5fa8", "r"),
    ("account_security", "Account access or takeover risk.", "#1f5fa8", "x"),
    ("unsafe", "Must not be sent as written.", "#c0392b", "u"),
    ("policy_violation", "Breaks a written policy (refund limits, promises).", "#c0392b", "o"),
    ("unauthorized_action", "Does or promises what needs an approval first.", "#c0392b", "z"),
    ("pii_leak", "Reveals personal data.", "#c0392b", "l"),
)

