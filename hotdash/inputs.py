"""What PostgreSQL can store, checked before it is asked to: the one set of rules for hostile input.

PostgreSQL refuses a NUL character in text and in jsonb, cannot encode an unpaired UTF-16 surrogate (JSON can
carry one as "\\ud800") to UTF-8, and takes time zone offsets up to 15:59 only. (Integers need no rule here:
every integer input has bounds of its own, and Django answers an id beyond bigint with no row, a 404.) Asked
anyway, it raises an error deep inside a query: a 500 for the API, a server error page for the admin. The API's
fields, filters and pagination (hotdash/api/), the run-state reader, the decision service and the admin's forms
(hotdash/admin.py) apply these rules first, so such input is a 400 (or a form message) naming the field, and
nothing is written.

Each check returns the problem as the end of a sentence ("must not contain ..."), or None when the value is fine;
the caller puts the field's name in front.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

# Text without a limit of its own (notes, reasons, labels...): far above any real use, far below what would
# weigh on an index or a page.
MAX_TEXT_LENGTH = 10_000
# One label or tag of a list (they are GIN-indexed: an index entry must stay well under a page).
MAX_LABEL_LENGTH = 200
# A query parameter that matches text (an id, a topic, a key): longer than any stored value.
MAX_FILTER_LENGTH = 500


def text_problem(value: str, *, max_length: int | None = MAX_TEXT_LENGTH) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters (\\u0000)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it holds an unpaired surrogate such as \\ud800)"
    if max_length is not None and len(value) > max_length:
        return f"must be at most {max_length:,} characters (it has {len(value):,})"
    return None


def json_problem(value) -> str | None:
    """The first place in a JSON document PostgreSQL's jsonb cannot store, as "at <path>: <problem>".

    Walks without recursion, so a deeply nested document costs no stack here (the parser bounds depth).
    """
    pending = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item, max_length=None)
            if problem:
                return f"the text at {path or 'the top'} {problem}"
        elif isinstance(item, float) and not math.isfinite(item):
            return f"the number at {path or 'the top'} must be finite (JSON has no NaN or Infinity)"
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(str(key), max_length=None)
                if problem:
                    return f"the key {key!r} at {path or 'the top'} {problem}"
                pending.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return None


def timestamp_storable(value: datetime) -> datetime:
    """The time stamp in UTC, as it is stored; ValueError with the reason when it cannot be one.

    An offset PostgreSQL does not take (+17:08) is fine once converted; a naive value is not a point in time.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone (Z or an offset such as +02:00)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC (years 1 to 9999)") from None
