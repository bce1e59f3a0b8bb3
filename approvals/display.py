"""How an approval reads to an operator: one line per action, and ages. Pure functions."""

from __future__ import annotations

import json
from datetime import datetime

KEY_ARGUMENTS = 3
SUMMARY_LENGTH = 110


def _value(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def call_summary(interruption: dict) -> str:
    """`issue_refund(order_id=1001, amount=42.5)`: the tool and its first few arguments."""
    arguments = interruption.get("arguments") or {}
    shown = [f"{name}={_value(value)}" for name, value in list(arguments.items())[:KEY_ARGUMENTS]]
    if len(arguments) > KEY_ARGUMENTS:
        shown.append("…")
    return f"{interruption.get('tool_name', '?')}({', '.join(shown)})"


def action_summary(interruptions: list[dict]) -> str:
    """All the tool calls of an approval on one line, the first one in full."""
    if not interruptions:
        return "—"
    line = call_summary(interruptions[0])
    if len(line) > SUMMARY_LENGTH:
        line = line[: SUMMARY_LENGTH - 1] + "…"
    if len(interruptions) > 1:
        line += f" + {len(interruptions) - 1} more"
    return line


def age_text(since: datetime, now: datetime) -> str:
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"

