"""Post the daily digest: Block Kit, exactly once per channel per local date.

`factbot digest --dry-run [--date YYYY-MM-DD]` prints it (no Slack token needed);
`factbot digest --post` posts today's digest to every configured channel once and exits (cron,
Kubernetes CronJob). `factbot serve` calls `post_digest` from its scheduler.

Exactly once, and which side of the trade-off: each (channel, date) is claimed in the store
before posting and marked posted after (bot/store.py). Failures that Slack answers (429 after
slack_sdk's own retries, internal errors) certainly did not post: the claim is retried here with
backoff, then released for the scheduler to try again later. The one window that cannot be made
exactly-once is a crash (or a broken connection) after the request left and before "posted" was
written. Every digest message carries message metadata (`factbot_digest` with its date), and
whoever recovers such a claim first reads the channel's recent history (`conversations.history`)
and only marks the claim posted if the digest is there. If the history cannot be read (no
`channels:history` scope) it posts again: a rare duplicate after a crash is chosen over a day
silently lost. A crashed owner on the same host is detected at once; on another host, when its
five-minute lease runs out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block, DividerBlock

from bot.config import Settings
from bot.core import Core
from bot.digest import MAX_FACTS_SHOWN, Digest, build_digest, long_date, numbers_line
from bot.errors import ConfigError
from bot.metrics import metrics
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_VALUE,
    button,
    capped,
    context,
    cut,
    escape,
    header,
    section,
    source_line,
)
from bot.store import Claim, Store, new_owner

log = logging.getLogger(__name__)

DRAFT_ACTION_PREFIX = "digest_draft_fact_"
METADATA_TYPE = "factbot_digest"
BACKOFF = (1.0, 2.0, 4.0)
# Slack errors that retrying today will not fix: log clearly, move on to the next channel.
PERMANENT = {
    "not_in_channel": "the bot is not in channel {channel}: invite it with /invite @FactBot",
    "is_archived": "channel {channel} is archived: remove it from FACTBOT_DIGEST_CHANNELS",
    "channel_not_found": "channel {channel} does not exist or the bot cannot see it",
    "restricted_action": "the workspace does not let the bot post in {channel}",
    "invalid_auth": "the bot token was refused (invalid_auth)",
    "not_authed": "no bot token was sent (not_authed)",
    "account_inactive": "the bot token belongs to a deleted app or user",
    "token_revoked": "the bot token was revoked",
    "missing_scope": "the bot token lacks the chat:write scope",
    "invalid_blocks": "Slack rejected the digest's blocks (a bug: please report it)",
}


# -- blocks ---------------------------------------------------------------------------------
def draft_value(question: str) -> str:
    """A Draft-a-fact button's value: the question, as plain text, within Slack's limit."""
    value = json.dumps({"q": question}, ensure_ascii=False)
    while len(value) > MAX_VALUE:
        question = question[: len(question) - (len(value) - MAX_VALUE) - 1]
        value = json.dumps({"q": question}, ensure_ascii=False)
    return value


def render_digest(digest: Digest) -> list[Block]:
    """The digest as Block Kit, inside Slack's limits; questions are user text, escaped."""
    blocks: list[Block] = [header(f"FactBot digest · {long_date(digest.day)}")]
    blocks.append(section("*Facts of the day*"))
    if not digest.facts:
        blocks.append(context("The fact sheet has no curated facts yet."))
    for item in digest.facts[:MAX_FACTS_SHOWN]:
        blocks.append(section(escape(item.fact.answer)))
        blocks.append(context(source_line(item.article)))
    blocks.append(DividerBlock())
    blocks.append(section(f"*Yesterday in numbers*\n{numbers_line(digest.numbers)}"))
    if digest.show_unanswered:
        blocks.append(DividerBlock())
        blocks.append(section("*What I couldn't answer yesterday*"))
        if not digest.unanswered:
            blocks.append(context("Nothing: every question got an answer or a suggestion."))
        for i, group in enumerate(digest.unanswered):
            text = f"• {escape(group.question)}"
            if group.count > 1:
                text += f"  _(asked {group.count} times)_"
            for variant in group.variants[:3]:
                text += f"\n      also: {escape(variant)}"
            blocks.append(
                section(
                    cut(text, 2900),
                    accessory=button(
                        "Draft a fact", f"{DRAFT_ACTION_PREFIX}{i}", draft_value(group.question)
                    ),
                )
            )
        if digest.more_unanswered:
            blocks.append(
                context(f"… and {digest.more_unanswered} more: run `factbot stats` for all.")
            )
    return capped(blocks, MAX_BLOCKS)


def fallback_text(digest: Digest) -> str:
    n = len(digest.facts[:MAX_FACTS_SHOWN])
    return f"FactBot digest for {long_date(digest.day)}: {n} facts of the day"


# -- posting --------------------------------------------------------------------------------
def _error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc.response.status_code)


def find_posted(client: WebClient, channel: str, day: dt.date, since: float) -> str | None:
    """The ts of this day's digest if it is already in the channel; None if it is not.

    Raises SlackClientError when the history cannot be read.
    """
    response = client.conversations_history(
        channel=channel, oldest=f"{since - 60:.6f}", limit=200, include_all_metadata=True
    )
    for message in response.get("messages", []):
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_TYPE and payload.get("day") == day.isoformat():
            return str(message.get("ts"))
    return None


def _recover(client: WebClient, store: Store, claim: Claim) -> bool:
    """For a claim whose last attempt may have reached Slack: True if it turned out posted."""
    try:
        ts = find_posted(client, claim.channel, claim.day, claim.claimed_at)
    except SlackClientError as exc:
        log.warning(
            "digest for %s on %s may have been posted before a crash, and the channel's history"
            " cannot be read (%s); posting it (at worst a duplicate, never a lost day)",
            claim.channel,
            claim.day,
            _error_of(exc) if isinstance(exc, SlackApiError) else exc,
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
    client: WebClient,
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
    blocks = render_digest(digest)
    for attempt in range(len(backoff) + 1):
        if uncertain and _recover(client, store, claim):
            return "posted"
        if not store.mark_sending(claim):
            log.error("lost the digest claim for %s on %s to another process", channel, claim.day)
            return "claim lost"
        try:
            response = client.chat_postMessage(
                channel=channel,
                text=fallback_text(digest),
                blocks=blocks,
                metadata={
                    "event_type": METADATA_TYPE,
                    "event_payload": {"day": digest.day.isoformat()},
                },
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = _error_of(exc)
            uncertain = False
            if error in PERMANENT:
                log.error(
                    "digest not posted to %s: %s", channel, PERMANENT[error].format(channel=channel)
                )
                store.release_claim(claim, error, permanent=True)
                metrics().slack_errors.labels(error).inc()
                metrics().digest_posts.labels("failed").inc()
                return f"failed: {error}"
            reason = error
        except (SlackClientError, OSError) as exc:
            # The request may have reached Slack before the connection broke: check first.
            uncertain = True
            reason = f"{type(exc).__name__}: {exc}"
        else:
            ts = str(response.get("ts"))
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
    client: WebClient,
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
            statuses[channel] = post_one(client, store, claim, digest, backoff=backoff, sleep=sleep)
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


# -- command line ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """`factbot digest ...` (the command line is bot/cli.py)."""
    from bot.cli import main as cli_main

    return cli_main(["digest", *(sys.argv[1:] if argv is None else argv)])


def post(args: argparse.Namespace) -> int:
    """`factbot digest --post`: today's digest to each channel once; 1 if any is not posted."""
    from bot.slack.app import create_client

    settings = Settings.from_env(os.environ)
    settings.require("SLACK_BOT_TOKEN")
    if not settings.digest_channels:
        raise ConfigError("FACTBOT_DIGEST_CHANNELS is not set: no channel to post to")
    core = Core(settings.facts_path)
    today = dt.datetime.now(settings.timezone).date()
    with Store(settings.db_path) as store:
        statuses = post_digest(
            create_client(settings), store, core, settings, today, retry_failed=True, wait=args.wait
        )
    for channel, status in statuses.items():
        print(f"{channel}: {status}")
    return 0 if all(s in ("posted", "already posted") for s in statuses.values()) else 1
