"""The three file formats of an export, each written as its lines arrive, never holding the whole file.

A writer gets the records' lines (lines.py): JSON Lines and CSV go to the file as they are; parquet parses the
JSON lines with pyarrow's reader into the declared schema, one row group per `ROW_GROUP_ROWS`. Nothing in a
file depends on when it was written, so the same rows give the same bytes.
"""

from __future__ import annotations

import ctypes
import functools
from typing import BinaryIO

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from feedback.exports.lines import COLUMNS, CSV, DRAFTS, GOLD, JSONL, csv_header
from feedback.models import ExportFormat

SCHEMA_VERSION = 1
ROW_GROUP_ROWS = 10_000

_RUBRIC = pa.struct([("clarity", pa.int8()), ("accuracy", pa.int8()), ("tone", pa.int8())])
_TIMESTAMP = pa.timestamp("us", tz="UTC")
_TYPES = {
    DRAFTS: (
        pa.int64(), pa.string(), _TIMESTAMP, pa.string(), pa.string(), pa.bool_(), pa.list_(pa.string()), _RUBRIC,
        pa.string(),
    ),
    GOLD: (pa.int64(), pa.string(), pa.string(), _TIMESTAMP, pa.string(), pa.string(), pa.list_(pa.string())),
}
SCHEMAS: dict[str, pa.Schema] = {
    dataset: pa.schema(list(zip(COLUMNS[dataset], types, strict=True))) for dataset, types in _TYPES.items()
}


def columns(dataset: str) -> list[str]:
    return list(COLUMNS[dataset])


class JsonlWriter:
    """The JSON lines as they are."""

    line_kind = JSONL

    def __init__(self, file: BinaryIO, dataset: str):
        self.file = file

    def write(self, lines: list[str]) -> None:
        self.file.write("".join(lines).encode())

    def close(self) -> None:
        self.file.flush()

    def abandon(self) -> None:
        """Stop after a failure; the caller deletes the file."""


class CsvWriter(JsonlWriter):
    """A header, then the CSV lines as they are."""

    line_kind = CSV

    def __init__(self, file: BinaryIO, dataset: str):
        super().__init__(file, dataset)
        self.file.write(csv_header(dataset).encode())


@functools.cache
def _big_buffers_unmapped() -> None:
    """Have glibc's malloc give buffers of 256 KiB and more back to the system when they are freed (the export's
    whole process, once).

    By default the threshold (and with it the heap's trim threshold) rises as big buffers are freed, and the
    buffers of each parquet row group (its text, the parsed columns, the encoded pages) are then kept and reused
    in other sizes: the exporting process grew with the row groups, to 1.18-1.30x its peak at 10k rows by 1M,
    redacting or not (docs/exports.md, Performance). A fixed threshold keeps it within 1.15x, for about a tenth
    of a parquet export's speed. Elsewhere than glibc this does nothing.
    """
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 256 * 1024)  # -3 is M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        return


class ParquetWriter:
    """Row groups of ROW_GROUP_ROWS, parsed from the JSON lines by pyarrow (in C++, on every core) into the
    declared schema: timestamps from their ISO 8601 text, a missing rubric as a null struct."""

    line_kind = JSONL
    # pyarrow parses a row group's text in this many blocks at once; a block holds at least the longest line.
    _BLOCKS = 4
    # The C library's allocator, not pyarrow's default (mimalloc), which keeps more of what the parsing threads
    # free: at 1M rows the exporting process peaked at 238 MB with it, 209-215 MB with this one (docs/exports.md,
    # Performance).
    _MEMORY = pa.system_memory_pool()

    def __init__(self, file: BinaryIO, dataset: str):
        _big_buffers_unmapped()
        self.schema = SCHEMAS[dataset]
        self.writer = pq.ParquetWriter(file, self.schema, compression="zstd", memory_pool=self._MEMORY)
        self.parse_options = pa_json.ParseOptions(explicit_schema=self.schema, unexpected_field_behavior="error")
        # The next row group's text, kept encoded (the lines themselves are let go chunk by chunk).
        self.text, self.rows, self.longest = bytearray(), 0, 0

    def write(self, lines: list[str]) -> None:
        while lines:
            taken, lines = lines[: ROW_GROUP_ROWS - self.rows], lines[ROW_GROUP_ROWS - self.rows :]
            self.text += "".join(taken).encode()
            self.rows += len(taken)
            self.longest = max(self.longest, *map(len, taken))
            if self.rows == ROW_GROUP_ROWS:
                self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        # A character is at most 4 bytes in UTF-8.
        block = max(len(self.text) // self._BLOCKS, 4 * self.longest) + 1
        table = pa_json.read_json(
            pa.BufferReader(self.text), read_options=pa_json.ReadOptions(block_size=block),
            parse_options=self.parse_options, memory_pool=self._MEMORY,
        )
        self.text, self.rows, self.longest = bytearray(), 0, 0
        # One chunk per column, however pyarrow split the text, so the file's bytes depend on the rows alone.
        self.writer.write_table(table.combine_chunks(memory_pool=self._MEMORY), row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        self._flush()
        self.writer.close()

    def abandon(self) -> None:
        # Closed now, while the file is open: pyarrow would otherwise close it when collected, after the
        # caller has closed and deleted the file. The rows that failed are dropped, not written again.
        self.text, self.rows = bytearray(), 0
        self.writer.close()


WRITERS = {ExportFormat.JSONL: JsonlWriter, ExportFormat.CSV: CsvWriter, ExportFormat.PARQUET: ParquetWriter}
EXTENSIONS = {ExportFormat.JSONL: "jsonl", ExportFormat.CSV: "csv", ExportFormat.PARQUET: "parquet"}
