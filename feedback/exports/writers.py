"""The three file formats of an export, each written as rows arrive, never holding the whole file.

A writer gets tuples in the order of the dataset's columns (timestamps as ISO 8601 text in UTC, lists and the
rubric as Python values) and encodes them its own way: JSON Lines and CSV as text (lists and the rubric as JSON
in CSV), parquet with the declared pyarrow schema, one row group per `ROW_GROUP_ROWS`. Nothing in a file depends on when it was written,
so the same rows give the same bytes.
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from feedback.exports.filters import DRAFTS, GOLD
from feedback.models import ExportFormat

SCHEMA_VERSION = 1
ROW_GROUP_ROWS = 10_000

_RUBRIC = pa.struct([("clarity", pa.int8()), ("accuracy", pa.int8()), ("tone", pa.int8())])
_TIMESTAMP = pa.timestamp("us", tz="UTC")
SCHEMAS: dict[str, pa.Schema] = {
    DRAFTS: pa.schema([
        ("id", pa.int64()),
        ("conversation_id", pa.string()),
        ("created_at", _TIMESTAMP),
        ("input_text", pa.string()),
        ("model_draft", pa.string()),
        ("safe_to_send", pa.bool_()),
        ("labels", pa.list_(pa.string())),
        ("rubric", _RUBRIC),
        ("notes", pa.string()),
    ]),
    GOLD: pa.schema([
        ("id", pa.int64()),
        ("conversation_id", pa.string()),
        ("source_message_id", pa.string()),
        ("approved_at", _TIMESTAMP),
        ("question", pa.string()),
        ("reply", pa.string()),
        ("tags", pa.list_(pa.string())),
    ]),
}


def columns(dataset: str) -> list[str]:
    return SCHEMAS[dataset].names


def _json(value) -> str:
    return orjson.dumps(value).decode()


class JsonlWriter:
    """One JSON object per line, compact, UTF-8 as is (orjson: the same bytes as json.dumps with
    ensure_ascii=False and no spaces, several times faster)."""

    def __init__(self, file: BinaryIO, dataset: str):
        self.file, self.columns = file, columns(dataset)

    def write(self, rows: list[tuple]) -> None:
        names, dumps = self.columns, orjson.dumps
        self.file.write(b"".join([dumps(dict(zip(names, row, strict=True))) + b"\n" for row in rows]))

    def close(self) -> None:
        self.file.flush()

    def abandon(self) -> None:
        """Stop after a failure; the caller deletes the file."""


class CsvWriter:
    """RFC 4180 CSV with a header; lists and objects as JSON text, booleans as true / false, null as empty."""

    def __init__(self, file: BinaryIO, dataset: str):
        self.columns = columns(dataset)
        self.text = io.TextIOWrapper(file, encoding="utf-8", newline="", write_through=False)
        self.writer = csv.writer(self.text, lineterminator="\r\n")
        self.writer.writerow(self.columns)

    @staticmethod
    def _cell(value):
        if value is None:
            return ""
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, list | dict):
            return _json(value)
        return value

    def write(self, rows: list[tuple]) -> None:
        cell = self._cell
        self.writer.writerows([[cell(value) for value in row] for row in rows])

    def close(self) -> None:
        self.text.flush()
        # The caller closes the file; detaching keeps the wrapper from closing it when it is collected.
        self.text.detach()

    def abandon(self) -> None:
        self.text.detach()


class ParquetWriter:
    """Row groups of ROW_GROUP_ROWS, built column by column (timestamps arrive as ISO 8601 text and are cast)."""

    def __init__(self, file: BinaryIO, dataset: str):
        self.schema = SCHEMAS[dataset]
        self.writer = pq.ParquetWriter(file, self.schema, compression="zstd")
        self.pending: list[tuple] = []

    def write(self, rows: list[tuple]) -> None:
        self.pending.extend(rows)
        while len(self.pending) >= ROW_GROUP_ROWS:
            self._flush(self.pending[:ROW_GROUP_ROWS])
            self.pending = self.pending[ROW_GROUP_ROWS:]

    def _flush(self, rows: list[tuple]) -> None:
        if not rows:
            return
        arrays = []
        for field, values in zip(self.schema, zip(*rows, strict=True), strict=True):
            if pa.types.is_timestamp(field.type):
                arrays.append(pa.array(values, pa.string()).cast(field.type))
            else:
                arrays.append(pa.array(values, field.type))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema), row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        self._flush(self.pending)
        self.pending = []
        self.writer.close()

    def abandon(self) -> None:
        # Closed now, while the file is open: pyarrow would otherwise close it when collected, after the
        # caller has closed and deleted the file. The rows that failed are dropped, not written again.
        self.pending = []
        self.writer.close()


WRITERS = {ExportFormat.JSONL: JsonlWriter, ExportFormat.CSV: CsvWriter, ExportFormat.PARQUET: ParquetWriter}
EXTENSIONS = {ExportFormat.JSONL: "jsonl", ExportFormat.CSV: "csv", ExportFormat.PARQUET: "parquet"}
