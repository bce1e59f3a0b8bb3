"""Export files in the tests: running the command, and reading a file and its manifest back."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
from django.core.management import call_command

from feedback.exports.writers import SCHEMAS


def export(tmp_path: Path, name: str, *args: str) -> Path:
    """`manage.py export_training --output tmp_path/name *args`; returns the file's path."""
    output = tmp_path / name
    call_command("export_training", "--output", str(output), *args, verbosity=0)
    return output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".manifest.json").read_text())


def jsonl_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def draft_rows(path: Path) -> list[dict]:
    """The rows of a drafts export in any format, each column as the JSON value it stands for."""
    if path.suffix == ".jsonl":
        # Split on "\n" alone: JSON escapes every newline inside a value, and str.splitlines would also split at
        # the separators (U+2028) that JSON leaves as they are.
        return [json.loads(line) for line in path.read_bytes().decode().split("\n") if line]
    if path.suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(), newline="")))
        for row in rows:
            row["id"] = int(row["id"])
            row["safe_to_send"] = {"true": True, "false": False}[row["safe_to_send"]]
            for column in ("labels", "rubric"):
                row[column] = json.loads(row[column]) if row[column] else None
            row["notes"] = row["notes"] or None  # CSV writes null and the empty text alike
        return rows
    table = pq.read_table(path)
    assert table.schema == SCHEMAS["drafts"]
    rows = table.to_pylist()
    for row in rows:
        row["created_at"] = row["created_at"].isoformat()
    return rows
