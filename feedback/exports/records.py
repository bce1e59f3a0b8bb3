"""Rows as read from the database, turned into redacted records, one chunk at a time, in or out of process.

This module imports no Django (only the redactor, orjson and the standard library): a pool of worker processes
(`RedactionPool`) imports it to redact chunks in parallel, since redaction, not the database or the file, is
what an export spends its time on (docs/exports.md, Performance). A record is a tuple in the dataset's column
order (writers.SCHEMAS); timestamps arrive from the database already as ISO 8601 text in UTC.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future

import orjson

from feedback.exports.redaction import KINDS, Redactor, names_from_meta

# The dataset names of filters.py, which imports the models and so Django: workers never import it.
_GOLD = "gold"
_RUBRIC_KEYS = ("clarity", "accuracy", "tone")


def _draft_texts(input_text, model_draft, labels, notes, meta, redact) -> tuple:
    """A draft's free text redacted: (input_text, model_draft, labels, notes)."""
    # Most rows name nobody: the text is searched before it is parsed. Keys may be in any case
    # ("CustomerName"), so the search is too.
    names = names_from_meta(orjson.loads(meta)) if meta and "name" in meta.lower() else ()
    return (
        redact(input_text, names), redact(model_draft, names), [redact(label, names) for label in labels],
        redact(notes, names),
    )


# A draft row (feedback/exports/selectors.py): its columns, then whether its texts arrive redacted ahead
# (feedback_redactions), then what was replaced in them, per kind in KINDS' order.
_STORED = 10


def _draft_records(rows: list[tuple], redactor: Redactor) -> list[tuple]:
    redact = redactor.redact
    found = [0] * len(KINDS)
    records = []
    for id_, conversation_id, created_at, input_text, model_draft, safe, labels, rubric, notes, meta, stored, *counts in rows:
        if stored:
            for index, count in enumerate(counts):
                found[index] += count
        else:
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
    for kind, count in zip(KINDS, found, strict=True):
        redactor.counts[kind] += count
    return records


def draft_redactions(rows: list[tuple], redactor: Redactor) -> list[tuple]:
    """Drafts redacted ahead of an export (feedback_redactions).

    Each row is (id, input_text, model_draft, labels, notes, meta); each result (id, input_text, model_draft,
    labels, notes, then what was replaced per kind in KINDS' order), redacted exactly as an export would.
    """
    redact, counts = redactor.redact, redactor.counts
    redacted = []
    for id_, input_text, model_draft, labels, notes, meta in rows:
        before = [counts[kind] for kind in KINDS]
        texts = _draft_texts(input_text, model_draft, labels, notes, meta, redact)
        redacted.append((id_, *texts, *(counts[kind] - was for kind, was in zip(KINDS, before, strict=True))))
    return redacted


def _all_stored(dataset: str, rows: list[tuple]) -> bool:
    return dataset != _GOLD and all(row[_STORED] for row in rows)


def _gold_records(rows: list[tuple], redactor: Redactor) -> list[tuple]:
    redact = redactor.redact
    return [
        (id_, conversation_id, source_message_id, approved_at, redact(question), redact(reply), [redact(tag) for tag in tags])
        for id_, conversation_id, source_message_id, approved_at, question, reply, tags in rows
    ]


def records_redact(dataset: str, rows: list[tuple], redactor: Redactor) -> list[tuple]:
    """The chunk's records, redacted by `redactor` (which adds what it replaced to its counts)."""
    return (_gold_records if dataset == _GOLD else _draft_records)(rows, redactor)


# One redactor per worker process, made by _worker_start from the export's settings.
_worker_redactor: Redactor | None = None


def _worker_start(regions: tuple[str, ...], leniency: str) -> None:
    global _worker_redactor  # a worker process's own state, set once when it starts
    _worker_redactor = Redactor(regions=regions, leniency=leniency)


def _worker_redact(dataset: str, rows: list[tuple]) -> tuple[list[tuple], dict[str, int]]:
    """A chunk redacted in a worker, with what this chunk alone replaced (the worker's redactor lives on)."""
    redactor = _worker_redactor
    before = dict(redactor.counts)
    records = records_redact(dataset, rows, redactor)
    return records, {kind: count - before[kind] for kind, count in redactor.counts.items()}


class RedactionPool:
    """Redact chunks in `workers` processes, handing the records back in the order the chunks came in.

    At most `workers + 1` chunks are in flight, so memory stays bounded by the chunk size whatever the export's
    size. Workers are spawned (not forked: the parent holds a database connection and maybe threads) and
    import only this module and the redactor. Their counts are added to the parent's redactor, so the manifest
    counts the same as a redaction in process.
    """

    def __init__(self, redactor: Redactor, *, workers: int):
        self.redactor, self.workers = redactor, workers
        self.executor = None  # started by the first chunk that needs redacting: stored drafts never need it

    def _submit(self, dataset: str, rows: list[tuple]) -> Future:
        if self.executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self.executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                initargs=(self.redactor.regions, self.redactor.leniency_name),
            )
        return self.executor.submit(_worker_redact, dataset, rows)

    def map(self, dataset: str, chunks: Iterable[list[tuple]]) -> Iterator[tuple[list[tuple], int]]:
        """(records, rows read) per chunk, in order."""
        pending: deque = deque()
        for rows in chunks:
            if _all_stored(dataset, rows):
                # Nothing to redact: copying the texts here costs less than sending them to a worker and back.
                future: Future = Future()
                future.set_result((records_redact(dataset, rows, self.redactor), {}))  # counted in place
            else:
                future = self._submit(dataset, rows)
            pending.append((future, len(rows)))
            if len(pending) > self.workers:
                yield self._take(pending)
        while pending:
            yield self._take(pending)

    def _take(self, pending: deque) -> tuple[list[tuple], int]:
        future, size = pending.popleft()
        records, counts = future.result()
        self.redactor.counts.update(counts)
        return records, size

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
