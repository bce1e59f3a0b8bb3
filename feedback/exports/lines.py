"""An export's records as the lines of its file: JSON Lines and CSV text, one line per record.

A line depends on its record alone, never on its neighbours or on when it is written, so a line made ahead of an
export (feedback_redactions) is the line the export would write, and the same records give the same bytes.
Parquet is built from the JSON lines (writers.py). This module imports no Django: redaction workers import it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

import orjson

# The dataset names of filters.py and their columns, in file order (writers.SCHEMAS gives their types).
DRAFTS = "drafts"
GOLD = "gold"
COLUMNS: dict[str, tuple[str, ...]] = {
    DRAFTS: (
        "id", "conversation_id", "created_at", "input_text", "model_draft", "safe_to_send", "labels", "rubric",
        "notes",
    ),
    GOLD: ("id", "conversation_id", "source_message_id", "approved_at", "question", "reply", "tags"),
}

JSONL = "jsonl"
CSV = "csv"
CSV_LINE_END = "\r\n"


def jsonl_lines(dataset: str, records: Sequence[tuple]) -> list[str]:
    """One JSON object per record, compact, UTF-8 as is (orjson: the same text as json.dumps with
    ensure_ascii=False and no spaces, several times faster), each ending in a newline."""
    names, dumps = COLUMNS[dataset], orjson.dumps
    return [dumps(dict(zip(names, record, strict=True))).decode() + "\n" for record in records]


def _csv_cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    return value


class _Lines(list):
    """What csv.writer writes, kept one line per row: it calls `write` once per row."""

    write = list.append


def csv_lines(records: Sequence[Sequence]) -> list[str]:
    """RFC 4180 CSV, one line per record: lists and objects as JSON text, booleans as true / false, null as
    empty, quoted only where needed."""
    lines = _Lines()
    cell = _csv_cell
    csv.writer(lines, lineterminator=CSV_LINE_END).writerows([[cell(value) for value in record] for record in records])
    return lines


def csv_header(dataset: str) -> str:
    return csv_lines([COLUMNS[dataset]])[0]


def lines_encode(kind: str, dataset: str, records: Sequence[tuple]) -> list[str]:
    """The records' lines of `kind` (JSONL or CSV)."""
    return jsonl_lines(dataset, records) if kind == JSONL else csv_lines(records)
