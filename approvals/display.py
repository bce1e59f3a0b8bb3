"""How an approval reads to an operator: one line per action, and ages. Pure functions.

Arguments come from the agent, and so, through prompt injection, possibly from an attacker. Values are shown
as JSON (a string in quotes), so a `note` whose text is `amount=5.00` cannot pass for an argument; and
characters that reorder or hide text (bidirectional overrides and isolates, zero-width characters) are shown
as their \\u escapes and flagged, so what the operator reads is what the tool will get.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

KEY_ARGUMENTS = 3
VALUE_LENGTH = 40
SUMMARY_LENGTH = 110

# Bidirectional embeddings, overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, LRM, RLM, ALM), and
# the zero-width characters that hide text between visible ones.
HIDDEN_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"
)
_ESCAPED = str.maketrans({char: f"\\u{ord(char):04x}" for char in HIDDEN_CONTROLS})
HIDDEN_CONTROLS_WARNING = "Holds characters that reorder or hide text, shown here as \\u escapes"


def controls_escaped(text: str) -> str:
    """`text` with every hidden control character written as its \\u escape (still valid inside JSON)."""
    return text.translate(_ESCAPED)


def has_hidden_controls(value) -> bool:
    """Whether any string in a JSON value (keys included) holds a character of HIDDEN_CONTROLS."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return not HIDDEN_CONTROLS.isdisjoint(text)


def calls_have_hidden_controls(interruptions: list[dict]) -> bool:
    return any(
        has_hidden_controls(call.get("tool_name") or "") or has_hidden_controls(call.get("arguments") or {})
        for call in interruptions
    )


def _json(value) -> str:
    return controls_escaped(json.dumps(value, ensure_ascii=False))


def _value(value, *, whole: bool) -> str:
    text = _json(value)
    return text if whole or len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _name(name: str) -> str:
    # A plain name as is; anything else (spaces, "=", controls) in quotes, so it cannot pose as other syntax.
    return name if _PLAIN_NAME.fullmatch(name) else _json(name)


def call_summary(interruption: dict, *, whole: bool = False) -> str:
    """`issue_refund(order_id="1001", amount=42.5)`: the tool and its arguments, values as JSON.

    By default the first few arguments, long values cut (a list column); `whole=True` gives every argument
    in full (the page that confirms a bulk decision).
    """
    arguments = interruption.get("arguments") or {}
    items = list(arguments.items())
    shown = [f"{_name(str(name))}={_value(value, whole=whole)}" for name, value in (items if whole else items[:KEY_ARGUMENTS])]
    if not whole and len(items) > KEY_ARGUMENTS:
        shown.append("…")
    return f"{_name(str(interruption.get('tool_name', '?')))}({', '.join(shown)})"


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
