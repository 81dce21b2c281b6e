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
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block, DividerBlock

from bot import delivery
from bot.config import Settings
from bot.core import Core
from bot.delivery import PostFailed
from bot.digest import MAX_FACTS_SHOWN, Digest, long_date, numbers_line
from bot.errors import ConfigError
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
from bot.store import Store

log = logging.getLogger(__name__)

DRAFT_ACTION_PREFIX = "digest_draft_fact_"
METADATA_TYPE = "factbot_digest"
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
def draft_value(question: str, asker: str = "") -> str:
    """A Draft-a-fact button's value: the question, as plain text, within Slack's limit, and
    who asked for it (from "Ask a curator"), to be told when the fact is added."""
    fields = {"q": question, **({"u": asker} if asker else {})}
    value = json.dumps(fields, ensure_ascii=False)
    while len(value) > MAX_VALUE:
        fields["q"] = fields["q"][: len(fields["q"]) - (len(value) - MAX_VALUE) - 1]
        value = json.dumps(fields, ensure_ascii=False)
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


# -- posting through Slack ---------------------------------------------------------------------
def _error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc.response.status_code)


class SlackPoster:
    """The Poster bot/delivery.py posts through: chat.postMessage with the digest's Block Kit
    and its metadata, and conversations.history to find one posted before a crash."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, digest: Digest) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                text=fallback_text(digest),
                blocks=render_digest(digest),
                metadata={
                    "event_type": METADATA_TYPE,
                    "event_payload": {"day": digest.day.isoformat()},
                },
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = _error_of(exc)
            permanent = PERMANENT.get(error)
            raise PostFailed(
                error, permanent=permanent.format(channel=channel) if permanent else None
            ) from exc
        except (SlackClientError, OSError) as exc:
            # The request may have reached Slack before the connection broke: check first.
            raise PostFailed(f"{type(exc).__name__}: {exc}", maybe_sent=True) from exc
        return str(response.get("ts"))

    def find(self, channel: str, day: dt.date, since: float) -> str | None:
        try:
            return find_posted(self.client, channel, day, since)
        except SlackClientError as exc:
            reason = _error_of(exc) if isinstance(exc, SlackApiError) else str(exc)
            raise PostFailed(reason) from exc


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


def post_digest(
    client: WebClient,
    store: Store,
    core: Core,
    settings: Settings,
    day: dt.date,
    **options: Any,
) -> dict[str, str]:
    """Post `day`'s digest to every configured channel through Slack (see bot/delivery.py)."""
    return delivery.post_digest(SlackPoster(client), store, core, settings, day, **options)


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
