"""Posting the digest through any Poster: exactly once per channel and day, without Slack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from bot.delivery import PostFailed, post_digest
from bot.digest import Digest
from bot.store import Store

DAY = dt.date(2026, 3, 10)


class Channel:
    """A poster whose first post breaks after reaching the channel, like a dropped connection."""

    def __init__(self) -> None:
        self.messages: dict[str, list[dt.date]] = {}
        self.broken = 1

    def post(self, channel: str, digest: Digest) -> str:
        self.messages.setdefault(channel, []).append(digest.day)
        if self.broken:
            self.broken -= 1
            raise PostFailed("connection reset", maybe_sent=True)
        return f"ts-{channel}"

    def find(self, channel: str, day: dt.date, since: float) -> str | None:
        return f"ts-{channel}" if day in self.messages.get(channel, []) else None


def test_a_post_that_may_have_gone_is_looked_for_before_posting_again(
    tmp_path: Path, core: Core
) -> None:
    """The first post reaches the channel but reports a failure: the retry finds it there
    and posts nothing more; a second run says it is already posted."""
    poster = Channel()
    settings = Settings(digest_channels=("C1",), db_path=tmp_path / "f.db")
    with Store(settings.db_path) as store:
        first = post_digest(poster, store, core, settings, DAY, backoff=[0.0], sleep=lambda s: None)
        again = post_digest(poster, store, core, settings, DAY, sleep=lambda s: None)
    assert first == {"C1": "posted"} and again == {"C1": "already posted"}
    assert poster.messages == {"C1": [DAY]}


def test_a_permanent_refusal_fails_the_day_for_that_channel_only(
    tmp_path: Path, core: Core
) -> None:
    """A channel the poster can never post in fails with its reason; the others post."""

    class Refusing(Channel):
        def post(self, channel: str, digest: Digest) -> str:
            if channel == "C2":
                raise PostFailed("not_in_channel", permanent="invite the bot")
            return f"ts-{channel}"

    settings = Settings(digest_channels=("C1", "C2"), db_path=tmp_path / "f.db")
    with Store(settings.db_path) as store:
        statuses = post_digest(Refusing(), store, core, settings, DAY, sleep=lambda s: None)
    assert statuses == {"C1": "posted", "C2": "failed: not_in_channel"}
