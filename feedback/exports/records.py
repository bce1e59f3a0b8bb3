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

import orjson

from feedback.exports.redaction import Redactor, names_from_meta

# The dataset names of filters.py, which imports the models and so Django: workers never import it.
_GOLD = "gold"
_RUBRIC_KEYS = ("clarity", "accuracy", "tone")


def _draft_records(rows: list[tuple], redactor: Redactor) -> list[tuple]:
    redact = redactor.redact
    records = []
    for id_, conversation_id, created_at, input_text, model_draft, safe, labels, rubric, notes, meta in rows:
        # Most rows name nobody: the text is searched before it is parsed. Keys may be in any case
        # ("CustomerName"), so the search is too.
        names = names_from_meta(orjson.loads(meta)) if meta and "name" in meta.lower() else ()
        rubric = orjson.loads(rubric) if rubric else None
        records.append((
            id_,
            conversation_id,
            created_at,
            redact(input_text, names),
            redact(model_draft, names),
            safe,
            [redact(label, names) for label in labels],
            # {} means not scored yet: null, like every other missing value.
            {key: rubric.get(key) for key in _RUBRIC_KEYS} if rubric else None,
            redact(notes, names),
        ))
    return records


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
        from concurrent.futures import ProcessPoolExecutor

        self.redactor, self.workers = redactor, workers
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
            initargs=(redactor.regions, redactor.leniency_name),
        )

    def map(self, dataset: str, chunks: Iterable[list[tuple]]) -> Iterator[tuple[list[tuple], int]]:
        """(records, rows read) per chunk, in order."""
        pending: deque = deque()
        for rows in chunks:
            pending.append((self.executor.submit(_worker_redact, dataset, rows), len(rows)))
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
