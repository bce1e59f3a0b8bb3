"""Every format carries awkward text exactly, whether the export redacts a draft or copies its stored lines; the
rows are read ahead of the writer, and a failed write stops the reading."""

import threading
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError

from feedback.exports.selectors import read_ahead
from feedback.exports.services import redactor_from_settings
from feedback.exports.stored_redactions import stored_redactions_fill
from feedback.models import AgentFeedback
from hotdash.db_context import Role, acting_as
from tests.feedback.export_files import draft_rows, export
from tests.feedback.factories import AgentFeedbackFactory

pytestmark = pytest.mark.django_db

# No digits and no '@': nothing here is personal data, so every text must come back as it went in.
AWKWARD = [
    'She said "no, thanks", then left',
    "two\nlines",
    "windows\r\nline end",
    "a lone\rcarriage return",
    "tab\tand backslash \\ and slash /",
    "  leading and trailing spaces  ",
    "",
    "accents é à ü, CJK 中文, emoji 😀, a right-to-left mark \u200f",
    "line and paragraph separators \u2028 \u2029",
    "control characters \x01 \x1f and delete \x7f",
    '{"looks": ["like", "json"]}',
    "comma, at the end,",
    '"',
    "long " + "abcdefghij" * 12_000,  # longer than a quarter of the row group: parquet parses it in one block
]


@pytest.fixture
def drafts():
    with acting_as(Role.SERVICE):
        made = [
            AgentFeedbackFactory(
                conversation_id=f"conv, \"{index}\"" if index % 2 else f"conv-{index}",
                input_text=text,
                model_draft=AWKWARD[-1 - index],
                labels=[text] if index % 3 == 0 else ([] if index % 3 == 1 else ["plain", 'with "quotes", commas']),
                rubric=[{}, {"clarity": 5}, {"clarity": 1, "accuracy": 2, "tone": 3}][index % 3],
                notes=None if index % 4 == 0 else text,
                meta={},
                safe_to_send=[True, False][index % 2],
            )
            for index, text in enumerate(AWKWARD)
        ]
        # Created at a whole second and at a microsecond: isoformat() writes the two differently.
        moments = (datetime(2026, 5, 3, 8, 0, tzinfo=UTC), datetime(2026, 5, 3, 8, 0, 0, 7, tzinfo=UTC))
        for index, draft in enumerate(made):
            moment = moments[index % 2]
            AgentFeedback.objects.filter(pk=draft.pk).update(created_at=moment)
            draft.refresh_from_db()
    return made


def expected(draft) -> dict:
    return {
        "id": draft.pk,
        "conversation_id": draft.conversation_id,
        "created_at": draft.created_at.isoformat(),
        "input_text": draft.input_text,
        "model_draft": draft.model_draft,
        "safe_to_send": draft.safe_to_send,
        "labels": draft.labels,
        "rubric": {key: draft.rubric.get(key) for key in ("clarity", "accuracy", "tone")} if draft.rubric else None,
        "notes": draft.notes,
    }


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "parquet"])
def test_awkward_text_comes_back_exactly_from_every_format_redacted_or_copied(settings, tmp_path, drafts, export_format):
    settings.HOTDASH_EXPORT_CHUNK_ROWS = 3
    rows = [expected(draft) for draft in drafts]
    if export_format == "csv":
        for row in rows:
            row["notes"] = row["notes"] or None
    redacting = export(tmp_path, f"redacting.{export_format}", "--format", export_format)

    # when the task stores every draft's lines, then half the drafts change (their stored lines go stale), so
    # the export copies some lines and redacts the other drafts, within the same chunks
    assert stored_redactions_fill(redactor=redactor_from_settings(), limit=len(drafts)) == len(drafts)
    with acting_as(Role.SERVICE):
        AgentFeedback.objects.filter(pk__in=[draft.pk for draft in drafts[::2]]).update(annotator="edited")
    copying = export(tmp_path, f"copying.{export_format}", "--format", export_format)

    # then both files hold every value as it is in the database, and are the same bytes
    assert draft_rows(redacting) == rows
    assert copying.read_bytes() == redacting.read_bytes()


def test_a_write_that_fails_midway_stops_the_read_ahead_and_leaves_the_connection_usable(settings, monkeypatch, tmp_path):
    # given row groups of 2 rows and a rubric the parquet schema cannot hold on the 5th of 30 drafts, read one
    # draft a chunk: the read-ahead thread is fetching further chunks when the write fails
    settings.HOTDASH_EXPORT_CHUNK_ROWS = 1
    monkeypatch.setattr("feedback.exports.writers.ROW_GROUP_ROWS", 2)
    with acting_as(Role.SERVICE):
        for index in range(30):
            AgentFeedbackFactory(safe_to_send=True, rubric={"clarity": 1000 if index == 4 else 5})

    with pytest.raises(CommandError, match=r"export #\d+ failed: ArrowInvalid: .*1000"):
        export(tmp_path, "broken.parquet", "--format", "parquet")

    # then the thread is gone, no file is left, and the same connection runs the next export
    assert [thread for thread in threading.enumerate() if thread.name == "export-read-ahead"] == []
    assert list(tmp_path.iterdir()) == []
    assert len(draft_rows(export(tmp_path, "next.jsonl"))) == 30


def chunks_then_failure():
    yield [(1,)]
    yield [(2,)]
    raise RuntimeError("the server went away")


def test_read_ahead_hands_over_the_chunks_in_order_then_the_failure():
    chunks = read_ahead(chunks_then_failure())
    assert next(chunks) == [(1,)]
    assert next(chunks) == [(2,)]
    with pytest.raises(RuntimeError, match="the server went away"):
        next(chunks)


def test_a_caller_that_stops_early_closes_the_chunks_and_the_thread():
    closed = threading.Event()

    def endless():
        try:
            number = 0
            while True:
                number += 1
                yield [(number,)]
        finally:
            closed.set()

    chunks = read_ahead(endless(), depth=2)
    assert next(chunks) == [(1,)]
    chunks.close()
    assert closed.is_set()
    assert [thread for thread in threading.enumerate() if thread.name == "export-read-ahead"] == []
