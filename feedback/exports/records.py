"""Rows as read from the database, turned into the redacted lines of the file, one chunk at a time, in or out of process.

This module imports no Django (only the redactor, the line encoders, orjson and the standard library): a pool of
worker processes (`RedactionPool`) imports it to redact chunks in parallel, since redaction, not the database or
the file, is what an export spends its time on (docs/exports.md, Performance). Every row arrives as its line
stored ahead (feedback_redactions) or None, then its columns (None when the line is stored); a record is a tuple in
the dataset's column order (lines.COLUMNS); timestamps arrive from the database already as ISO 8601 text in UTC.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path

import orjson

from feedback.exports import lines
from feedback.exports.lines import DRAFTS, GOLD, csv_lines, jsonl_lines, lines_encode
from feedback.exports.redaction import KINDS, Redactor, names_from_meta

_RUBRIC_KEYS = ("clarity", "accuracy", "tone")


def stored_lines_key(redactor: Redactor) -> str:
    """Names what a line stored ahead was made with: the redactor (its rules and settings), this module's records
    and the line encoders. A line stored under another key may read differently today, so it is made again."""
    code = Path(__file__).read_bytes() + Path(lines.__file__).read_bytes()
    return f"{redactor.key()}:{hashlib.sha256(code).hexdigest()[:16]}"


def _draft_texts(input_text, model_draft, labels, notes, meta, redact) -> tuple:
    """A draft's free text redacted: (input_text, model_draft, labels, notes)."""
    # Most rows name nobody: the text is searched before it is parsed. Keys may be in any case
    # ("CustomerName"), so the search is too.
    names = names_from_meta(orjson.loads(meta)) if meta and "name" in meta.lower() else ()
    return (
        redact(input_text, names), redact(model_draft, names), [redact(label, names) for label in labels],
        redact(notes, names),
    )


def _draft_records(rows: Iterable[tuple], redactor: Redactor) -> list[tuple]:
    """Draft rows' columns (id, conversation_id, created_at, input_text, model_draft, safe_to_send, labels,
    rubric, notes, meta) as redacted records."""
    redact = redactor.redact
    records = []
    for id_, conversation_id, created_at, input_text, model_draft, safe, labels, rubric, notes, meta in rows:
        input_text, model_draft, labels, notes = _draft_texts(input_text, model_draft, labels, notes, meta, redact)
        rubric = orjson.loads(rubric) if rubric else None
        records.append((
            id_,
            conversation_id,
            created_at,
            input_text,
            model_draft,
            safe,
            labels,
            # {} means not scored yet: null, like every other missing value.
            {key: rubric.get(key) for key in _RUBRIC_KEYS} if rubric else None,
            notes,
        ))
    return records


def _gold_records(rows: Iterable[tuple], redactor: Redactor) -> list[tuple]:
    redact = redactor.redact
    return [
        (id_, conversation_id, source_message_id, approved_at, redact(question), redact(reply), [redact(tag) for tag in tags])
        for id_, conversation_id, source_message_id, approved_at, question, reply, tags in rows
    ]


def lines_redact(dataset: str, kind: str, rows: list[tuple], redactor: Redactor) -> list[str]:
    """The chunk's lines of `kind` (lines.JSONL or lines.CSV), in the rows' order: a line stored ahead as it is,
    any other row redacted by `redactor` (which adds what it replaced to its counts) and encoded."""
    pending = [columns for stored, *columns in rows if stored is None]
    if not pending:
        return [stored for stored, *_ in rows]
    records = (_gold_records if dataset == GOLD else _draft_records)(pending, redactor)
    made = iter(lines_encode(kind, dataset, records))
    return [next(made) if stored is None else stored for stored, *_ in rows]


def draft_lines_ahead(rows: list[tuple], redactor: Redactor) -> list[tuple]:
    """Drafts' lines made ahead of an export (feedback_redactions), exactly as an export would make them.

    Each row is a draft's columns as `_draft_records` takes them; each result (jsonl line, csv line, then what
    was replaced per kind in KINDS' order).
    """
    counts, records, found = redactor.counts, [], []
    for row in rows:
        before = [counts[kind] for kind in KINDS]
        records.extend(_draft_records([row], redactor))
        found.append(tuple(counts[kind] - was for kind, was in zip(KINDS, before, strict=True)))
    return [
        (jsonl, csv, *replaced)
        for jsonl, csv, replaced in zip(jsonl_lines(DRAFTS, records), csv_lines(records), found, strict=True)
    ]


# One redactor per worker process, made by _worker_start from the export's settings.
_worker_redactor: Redactor | None = None


def _worker_start(regions: tuple[str, ...], leniency: str) -> None:
    global _worker_redactor  # a worker process's own state, set once when it starts
    _worker_redactor = Redactor(regions=regions, leniency=leniency)


def _worker_redact(dataset: str, kind: str, rows: list[tuple]) -> tuple[list[str], dict[str, int]]:
    """A chunk's lines made in a worker, with what this chunk alone replaced (the worker's redactor lives on)."""
    redactor = _worker_redactor
    before = dict(redactor.counts)
    made = lines_redact(dataset, kind, rows, redactor)
    return made, {name: count - before[name] for name, count in redactor.counts.items()}


class RedactionPool:
    """Make chunks' lines in `workers` processes, handing them back in the order the chunks came in.

    At most `workers + 1` chunks are in flight, so memory stays bounded by the chunk size whatever the export's
    size. Workers are spawned (not forked: the parent holds a database connection and maybe threads) and
    import only this module, the encoders and the redactor. Their counts are added to the parent's redactor, so
    the manifest counts the same as a redaction in process.
    """

    def __init__(self, redactor: Redactor, *, workers: int):
        self.redactor, self.workers = redactor, workers
        self.executor = None  # started by the first chunk that needs redacting: stored lines never need it

    def _submit(self, dataset: str, kind: str, rows: list[tuple]) -> Future:
        if self.executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self.executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                initargs=(self.redactor.regions, self.redactor.leniency_name),
            )
        return self.executor.submit(_worker_redact, dataset, kind, rows)

    def map(self, dataset: str, kind: str, chunks: Iterable[list[tuple]]) -> Iterator[tuple[list[str], int]]:
        """(lines, rows read) per chunk, in order."""
        pending: deque = deque()
        for rows in chunks:
            if all(stored is not None for stored, *_ in rows):
                # Nothing to redact: the stored lines go straight to the file, not to a worker and back.
                future: Future = Future()
                future.set_result(([stored for stored, *_ in rows], {}))
            else:
                future = self._submit(dataset, kind, rows)
            pending.append((future, len(rows)))
            if len(pending) > self.workers:
                yield self._take(pending)
        while pending:
            yield self._take(pending)

    def _take(self, pending: deque) -> tuple[list[str], int]:
        future, size = pending.popleft()
        made, counts = future.result()
        self.redactor.counts.update(counts)
        return made, size

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def redaction_workers(setting: int | None, min_rows: int, rows: int) -> int:
    """How many worker processes an export of `rows` rows uses: none (in process) under `min_rows` or on one CPU.

    Starting a worker costs about half a second (an interpreter and phonenumbers' metadata), which a small export
    does not win back. `setting` is HOTDASH_EXPORT_WORKERS: None for one per CPU, 0 or 1 for none; `min_rows` is
    HOTDASH_EXPORT_WORKERS_MIN_ROWS.
    """
    workers = (os.cpu_count() or 1) if setting is None else setting
    if workers <= 1 or rows < min_rows:
        return 0
    return workers
