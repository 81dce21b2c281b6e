"""Posting the daily digest exactly once per channel per day, through any Poster.

The claims, retries, backoff and crash recovery live here, in the core; bot/slack/digest_job.py
provides the Poster that talks to Slack. A claim (bot/store.py) is taken before posting, marked
*sending* just before each attempt and *posted* after; a post that may have reached the channel
before a crash is looked for in the channel first (`Poster.find`). If the channel cannot be
read, the digest is posted again: a rare duplicate after a crash rather than a day lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.config import Settings
from bot.core import Core
from bot.digest import MAX_FACTS_SHOWN, Digest, build_digest
from bot.metrics import metrics
from bot.store import Claim, Store, new_owner

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 4.0)


class PostFailed(Exception):
    """A post did not go through. `permanent` says why retrying today will not help (None when
    it may); `maybe_sent` that it may have reached the channel before failing."""

    def __init__(self, reason: str, *, permanent: str | None = None, maybe_sent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.maybe_sent = maybe_sent


class Poster(Protocol):
    def post(self, channel: str, digest: Digest) -> str:
        """Post the digest; its message id. Raises PostFailed."""
        ...

    def find(self, channel: str, day: dt.date, since: float) -> str | None:
        """The id of this day's digest if the channel has it. Raises PostFailed when the
        channel cannot be read."""
        ...


def _recover(poster: Poster, store: Store, claim: Claim) -> bool:
    """For a claim whose last attempt may have reached the channel: True if it turned out
    posted."""
    try:
        ts = poster.find(claim.channel, claim.day, claim.claimed_at)
    except PostFailed as exc:
        log.warning(
            "digest for %s on %s may have been posted before a crash, and the channel's history"
            " cannot be read (%s); posting it (at worst a duplicate, never a lost day)",
            claim.channel,
            claim.day,
            exc.reason,
        )
        return False
    if ts is None:
        log.info(
            "digest for %s on %s was not posted before the crash; posting", claim.channel, claim.day
        )
        return False
    store.mark_posted(claim, ts)
    log.info(
        "digest for %s on %s was posted before the crash (ts %s)", claim.channel, claim.day, ts
    )
    return True


def post_one(
    poster: Poster,
    store: Store,
    claim: Claim,
    digest: Digest,
    *,
    backoff: Sequence[float] = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Post a claimed digest with retries; return 'posted', 'retry later' or 'failed: <error>'."""
    channel = claim.channel
    uncertain = claim.maybe_sent
    for attempt in range(len(backoff) + 1):
        if uncertain and _recover(poster, store, claim):
            return "posted"
        if not store.mark_sending(claim):
            log.error("lost the digest claim for %s on %s to another process", channel, claim.day)
            return "claim lost"
        try:
            ts = poster.post(channel, digest)
        except PostFailed as exc:
            uncertain = exc.maybe_sent
            reason = exc.reason
            if exc.permanent:
                log.error("digest not posted to %s: %s", channel, exc.permanent)
                store.release_claim(claim, reason, permanent=True)
                metrics().slack_errors.labels(reason).inc()
                metrics().digest_posts.labels("failed").inc()
                return f"failed: {reason}"
        else:
            if not store.mark_posted(claim, ts):
                log.error("digest for %s posted (ts %s) but the claim was lost", channel, ts)
            log.info("digest for %s posted to %s (ts %s)", digest.day, channel, ts)
            metrics().digest_posts.labels("posted").inc()
            return "posted"
        metrics().slack_errors.labels(reason.split(":")[0]).inc()
        if attempt < len(backoff):
            log.warning(
                "digest post to %s failed (%s); retrying in %.0f s",
                channel,
                reason,
                backoff[attempt],
            )
            sleep(backoff[attempt])
            store.renew_claim(claim)
    log.error("digest post to %s failed (%s); will try again later", channel, reason)
    store.release_claim(claim, reason, maybe_sent=uncertain)
    metrics().digest_posts.labels("retry later").inc()
    return "retry later"


def post_digest(
    poster: Poster,
    store: Store,
    core: Core,
    settings: Settings,
    day: dt.date,
    *,
    retry_failed: bool = False,
    wait: float = 0.0,
    backoff: Sequence[float] = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Post `day`'s digest to every configured channel that does not have it yet.

    Returns each channel's status: 'posted', 'already posted', 'in progress elsewhere',
    'retry later' or 'failed: <error>'. With `wait`, a channel held by another process is
    waited for (up to `wait` seconds) until it is posted or its claim can be taken over.
    """
    owner = new_owner()
    # What people asked and the bot could not answer is theirs: only the curators' channel's
    # digest lists it, never a channel everyone reads.
    digests: dict[bool, Digest] = {}
    statuses: dict[str, str] = {}
    curators = settings.curator_channel
    pending = list(dict.fromkeys([*settings.digest_channels, *([curators] if curators else [])]))
    deadline = time.monotonic() + wait
    while pending:
        waiting = []
        for channel in pending:
            claim = store.claim_digest(channel, day, owner=owner, retry_failed=retry_failed)
            if claim is None:
                row = store.digest_claim(channel, day)
                if row is not None and row.state == "posted":
                    statuses[channel] = "already posted"
                elif row is not None and row.state == "failed":
                    statuses[channel] = f"failed: {row.error}"
                else:
                    statuses[channel] = "in progress elsewhere"
                    waiting.append(channel)
                continue
            for_curators = channel == curators and settings.digest_unanswered
            if for_curators not in digests:
                digests[for_curators] = build_digest(
                    store,
                    core.sheet,
                    day,
                    tz=settings.timezone,
                    n_facts=min(settings.digest_facts, MAX_FACTS_SHOWN),
                    unanswered=for_curators,
                )
            digest = digests[for_curators]
            statuses[channel] = post_one(poster, store, claim, digest, backoff=backoff, sleep=sleep)
        if not waiting or time.monotonic() >= deadline:
            break
        sleep(1.0)
        pending = waiting
    return statuses


def day_finished(statuses: dict[str, str]) -> bool:
    """Whether nothing is left to do today: every channel posted or failed for good."""
    return all(
        s in ("posted", "already posted") or s.startswith("failed") for s in statuses.values()
    )
