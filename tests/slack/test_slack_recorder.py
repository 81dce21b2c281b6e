"""QuestionRecorder: questions reach the store off the reply path, in order, none lost."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.matcher import NoMatch
from bot.slack.recorder import QuestionRecorder
from bot.store import Store


def record(recorder: QuestionRecorder, question: str) -> None:
    recorder.record_question(
        surface="command", channel="C1", user="U1", question=question, result=NoMatch(question)
    )


def test_recorded_questions_are_in_the_store_after_flush(tmp_path: Path) -> None:
    """flush() waits until every handed-in question is written."""
    with Store(tmp_path / "r.db") as store:
        recorder = QuestionRecorder(store)
        for _ in range(3):
            record(recorder, "wifi password?")
        recorder.flush()
        assert store.top_questions(outcome="no_match") == [("wifi password?", 3)]
        recorder.close()


def test_close_writes_what_is_still_queued(tmp_path: Path) -> None:
    """close() drains the queue before the thread stops."""
    with Store(tmp_path / "r.db") as store:
        recorder = QuestionRecorder(store)
        for i in range(50):
            record(recorder, f"question {i}")
        recorder.close()
        assert store.outcome_counts() == {"no_match": 50}
        recorder.close()  # a second close is harmless


class FlakyStore:
    def __init__(self) -> None:
        self.calls = 0
        self.written: list[str] = []

    def record_questions(self, batch: Iterable[dict[str, object]]) -> None:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("disk full")
        self.written.extend(str(fields["question"]) for fields in batch)


def test_a_failed_write_is_logged_and_later_ones_still_happen(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One failing write is logged with its traceback; the recorder keeps going."""
    store = FlakyStore()
    recorder = QuestionRecorder(store)  # type: ignore[arg-type]
    record(recorder, "first")
    recorder.flush()
    record(recorder, "second")
    recorder.close()
    assert store.written == ["second"]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].exc_info is not None
