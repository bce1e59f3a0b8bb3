"""Reading an agent's paused run state (OpenAI Agents SDK `RunState.to_string()`), without the SDK.

The console never resumes runs itself, it only shows operators what the agent wants to do and gives the
agent a decision; so it reads the few fields it needs and refuses a state it does not understand instead
of guessing. Layout of SDK 0.24 (schema 1.21): `"$schemaVersion"` at the top; the pending approvals at
`current_step.data.interruptions[]`, each with `tool_name`, `raw_item.arguments` (a JSON string),
`raw_item.call_id` and `agent.name`; the user's input at `original_input` (a string or a list of items).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.conf import settings

from hotdash import inputs
from hotdash.api.parsers import json_depth
from hotdash.errors import Invalid

# The versions SDK 0.24 itself loads (RunState.from_string refuses others); all keep the layout above.
SUPPORTED_SCHEMA_VERSIONS = frozenset(f"1.{minor}" for minor in range(22))


class StateError(Invalid):
    """The state is not one we can queue; the message names the part of `serialized` and the reason."""

    def __init__(self, message: str):
        super().__init__("serialized", message)


@dataclass(frozen=True)
class Interruption:
    tool_name: str
    arguments: dict
    call_id: str
    agent: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RunStateSummary:
    schema_version: str
    interruptions: tuple[Interruption, ...]
    document: dict

    @property
    def call_key(self) -> str:
        """The idempotency key: posting the same paused run again finds the same approval."""
        return ",".join(item.call_id for item in self.interruptions)


def run_state_read(raw: dict | str) -> RunStateSummary:
    """Validate a serialized run state and extract its pending tool approvals. Raises StateError."""
    document = _as_object(raw)
    version = document.get("$schemaVersion")
    if not isinstance(version, str):
        raise StateError('"$schemaVersion" is missing: this is not an agent run state')
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise StateError(f'"$schemaVersion" {version!r} is not supported (supported: 1.0 to 1.21)')
    step = document.get("current_step")
    if not isinstance(step, dict) or step.get("type") != "next_step_interruption":
        raise StateError("current_step is not an interruption: the run is not waiting for an approval")
    items = (step.get("data") or {}).get("interruptions") if isinstance(step.get("data"), dict) else None
    if not isinstance(items, list) or not items:
        raise StateError("current_step.data.interruptions is empty: the run is not waiting for an approval")
    interruptions = tuple(_interruption(item, f"current_step.data.interruptions[{i}]") for i, item in enumerate(items))
    call_ids = [item.call_id for item in interruptions]
    if len(set(call_ids)) != len(call_ids):
        raise StateError("current_step.data.interruptions repeats a call_id")
    return RunStateSummary(schema_version=version, interruptions=interruptions, document=document)


def last_user_message(document: dict) -> str | None:
    """The last thing the user said, as the agent received it (for the operator's context)."""
    original = document.get("original_input")
    if isinstance(original, str):
        return original
    if not isinstance(original, list):
        return None
    for item in reversed(original):
        if isinstance(item, dict) and item.get("role") == "user":
            return _text_of(item.get("content"))
    return None


def _as_object(raw: dict | str) -> dict:
    if isinstance(raw, str):
        _depth_check(raw, "the state")
        try:
            raw = json.loads(raw, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise StateError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(raw, dict):
        raise StateError("must be a JSON object (or its string form)")
    # The string form escapes what the API's field could not see ("\\u0000"); the document is stored as jsonb.
    problem = inputs.json_problem(raw)
    if problem:
        raise StateError(f"cannot be stored: {problem}")
    return raw


def _depth_check(text: str, what: str) -> None:
    # JSON inside a JSON string escaped the API parser's depth limit; json.loads would recurse past the stack.
    deepest = settings.HOTDASH_API_MAX_JSON_DEPTH
    if json_depth(text) > deepest:
        raise StateError(f"{what} nests arrays and objects deeper than {deepest} levels")


def _no_constant(name: str):
    raise StateError(f"not valid JSON: {name} is not a JSON number")


def _interruption(item, path: str) -> Interruption:
    if not isinstance(item, dict):
        raise StateError(f"{path} must be an object")
    if item.get("type", "tool_approval_item") != "tool_approval_item":
        raise StateError(f"{path}.type {item.get('type')!r} is not a tool approval")
    raw_item = item.get("raw_item")
    if not isinstance(raw_item, dict):
        raise StateError(f"{path}.raw_item is missing")
    tool_name = item.get("tool_name") or raw_item.get("name")
    call_id = raw_item.get("call_id")
    agent = (item.get("agent") or {}).get("name") if isinstance(item.get("agent"), dict) else None
    for field, value in (("tool_name", tool_name), ("raw_item.call_id", call_id), ("agent.name", agent)):
        if not isinstance(value, str) or not value:
            raise StateError(f"{path}.{field} is missing")
    return Interruption(
        tool_name=tool_name, arguments=_arguments(raw_item.get("arguments"), path), call_id=call_id, agent=agent
    )


def _arguments(raw, path: str) -> dict:
    if raw in (None, ""):
        return {}
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        raise StateError(f"{path}.raw_item.arguments must be a JSON string")
    _depth_check(raw, f"{path}.raw_item.arguments")
    try:
        parsed = json.loads(raw, parse_constant=_no_constant)
    except (json.JSONDecodeError, StateError):
        raise StateError(f"{path}.raw_item.arguments is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise StateError(f"{path}.raw_item.arguments must encode a JSON object")
    problem = inputs.json_problem(parsed)
    if problem:
        raise StateError(f"{path}.raw_item.arguments cannot be stored: {problem}")
    return parsed


def _text_of(content) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [part.get("text") for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)]
        return "\n".join(parts) or None
    return None
