"""The agent side, with the real OpenAI Agents SDK run offline: pause, ask the console, resume from its answer."""

import asyncio
import importlib.util
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from agents import Runner, set_tracing_disabled

from tests.api_client import Api, issue_token

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "agent_resume.py"
spec = importlib.util.spec_from_file_location("agent_resume", EXAMPLE)
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


@pytest.fixture(autouse=True)
def offline_agents():
    set_tracing_disabled(True)
    example.REFUNDS.clear()


@pytest.fixture
def console(live_server):
    return live_server.url, issue_token("--role", "ingest", "--client", "refund-agent")


def decide_when_queued(operator: Api, decision: str, body: dict) -> threading.Thread:
    """An operator who decides the first pending approval as soon as it shows up in the queue."""

    def run():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = operator.get("/approvals/", params={"status": "pending"}).json()["results"]
            if pending:
                operator.post(f"/approvals/{pending[0]['id']}/{decision}/", body)
                return
            time.sleep(0.1)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def pause(call_id: str):
    model = example.scripted_model(call_id)
    agent = example.refund_agent(model)
    paused = asyncio.run(Runner.run(agent, "Please refund order 1001"))
    assert [item.tool_name for item in paused.interruptions] == ["issue_refund"]
    assert example.REFUNDS == []
    return model, agent, paused.to_state().to_string()


def test_approved_in_the_console_the_tool_runs_exactly_once(console, operator):
    model, agent, state = pause("call_approve_1")
    decider = decide_when_queued(operator, "approve", {})

    approval = example.ask_console(*console, "conv-approve", state)
    decider.join()
    result = asyncio.run(example.resume(agent, state, approval))

    assert approval["status"] == "approved"
    assert example.REFUNDS == [("1001", 42.5)]
    assert result.final_output == "Your refund is on its way."


def test_rejected_in_the_console_the_model_reads_our_reason_and_the_tool_never_runs(console, operator):
    model, agent, state = pause("call_reject_1")
    decider = decide_when_queued(operator, "reject", {"reason": "Order 1001 was already refunded on Monday."})

    approval = example.ask_console(*console, "conv-reject", state)
    decider.join()
    asyncio.run(example.resume(agent, state, approval))

    assert approval["status"] == "rejected"
    assert example.REFUNDS == []
    tool_outputs = [item for item in model.last_call.input if isinstance(item, dict) and item.get("type") == "function_call_output"]
    assert [(o["call_id"], o["output"]) for o in tool_outputs] == [
        ("call_reject_1", "Order 1001 was already refunded on Monday.")
    ]


def test_posting_the_same_state_twice_queues_one_approval(console, operator):
    _, _, state = pause("call_twice_1")
    platform = Api(console[0], console[1])

    first = platform.post("/approvals/", {"conversation_id": "conv-twice", "serialized": state})
    second = platform.post("/approvals/", {"conversation_id": "conv-twice", "serialized": state})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(operator.get("/approvals/").json()["results"]) == 1


def test_the_readme_example_runs_against_a_live_console(console, operator):
    decider = decide_when_queued(operator, "approve", {"reason": "fine"})

    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--console", console[0], "--token", console[1]],
        capture_output=True, text=True, timeout=120,
    )
    decider.join()

    assert run.returncode == 0, run.stderr
    assert "approved (fine)" in run.stdout
    assert "refunds made: [('1001', 42.5)]" in run.stdout
    assert "agent: Your refund is on its way." in run.stdout
