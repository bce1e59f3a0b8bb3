"""An agent (OpenAI Agents SDK) that asks HotDash Console before it refunds, then resumes from the decision.

Run it against the demo (`make demo`, then in another terminal), with the agent platform's token, and decide
in the admin while it waits (the token queues and reads approvals; only a person decides them):

    .venv/bin/python examples/agent_resume.py --console http://127.0.0.1:8000 \
        --token "$(make -s manage ARGS='issue_token --role ingest --client refund-agent')"

The model is scripted (agents.testing.ScriptedModel), so it runs offline and needs no API key; put a real
model in `refund_agent(model=...)` and nothing else changes.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid

import requests
from agents import Agent, Runner, RunResult, RunState, function_tool, set_tracing_disabled
from agents.testing import ScriptedModel, assistant_message, function_call

EXPIRED_MESSAGE = "No operator decided in time. Do not retry; tell the customer a person will follow up."
REFUNDS: list[tuple[str, float]] = []


@function_tool(needs_approval=True)
def issue_refund(order_id: str, amount: float) -> str:
    """Refund an order.

    Args:
        order_id: The order to refund.
        amount: The amount in EUR.
    """
    REFUNDS.append((order_id, amount))
    return f"Refunded {amount:.2f} EUR on order {order_id}."


def scripted_model(call_id: str) -> ScriptedModel:
    return ScriptedModel(
        [
            [function_call("issue_refund", {"order_id": "1001", "amount": 42.5}, call_id=call_id)],
            [assistant_message("Your refund is on its way.")],
        ]
    )


def refund_agent(model) -> Agent:
    return Agent(name="refund-agent", instructions="Refund orders when asked.", model=model, tools=[issue_refund])


def ask_console(console: str, token: str, conversation_id: str, state: str, *, patience: int = 3600) -> dict:
    """Queue the paused run, then long-poll until an operator decides or the approval expires."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    queued = api.post(
        f"{console}/api/v1/approvals/", json={"conversation_id": conversation_id, "serialized": state}, timeout=30
    )
    queued.raise_for_status()
    approval = queued.json()
    for _ in range(max(1, patience // 60)):
        if approval["status"] != "pending":
            break
        approval = api.get(f"{console}/api/v1/approvals/{approval['id']}/", params={"wait": 60}, timeout=90).json()
    return approval


async def resume(agent: Agent, state: str, approval: dict) -> RunResult:
    """Apply the console's decision to every paused tool call and continue the run."""
    run_state = await RunState.from_string(agent, state)
    for item in run_state.get_interruptions():
        if approval["status"] == "approved":
            run_state.approve(item)
        else:
            # A rejection's reason is what the model reads next; an expiry is not a human "no".
            message = approval["reason"] if approval["status"] == "rejected" else EXPIRED_MESSAGE
            run_state.reject(item, rejection_message=message)
    return await Runner.run(agent, run_state)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="an ingest token: manage.py issue_token --role ingest")
    args = parser.parse_args()
    set_tracing_disabled(True)

    conversation_id = f"demo-{uuid.uuid4().hex[:8]}"
    agent = refund_agent(scripted_model(call_id=f"call_{uuid.uuid4().hex[:12]}"))
    paused = await Runner.run(agent, "Please refund order 1001, it arrived broken.")
    state = paused.to_state().to_string()
    print(f"paused on {[item.tool_name for item in paused.interruptions]}; waiting for an operator ...")

    approval = ask_console(args.console, args.token, conversation_id, state)
    result = await resume(agent, state, approval)
    print(f"approval {approval['id']}: {approval['status']} ({approval['reason'] or 'no reason'})")
    print(f"refunds made: {REFUNDS}")
    print(f"agent: {result.final_output}")


if __name__ == "__main__":
    asyncio.run(main())
