"""Settings: read once from the environment (or any mapping), validated, every problem at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.databases import is_url
from bot.errors import ConfigError

DEFAULT_DB = "factbot.db"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything FactBot reads from its environment. Secrets are kept out of repr()."""

    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_url: str | None = None
    facts_path: Path | None = None
    # A SQLite file, or a postgresql:// URL (which may hold a password: never in a repr).
    db_path: Path | str = field(default=Path(DEFAULT_DB), repr=False)
    command: str = "/ask"
    digest_channels: tuple[str, ...] = ()
    digest_time: dt.time = dt.time(9, 0)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    digest_facts: int = 3
    digest_unanswered: bool = True
    # The curators' channel: the only channel whose digest lists unanswered questions.
    curator_channel: str | None = None
    # Slack user ids of the curators: only they see and act on drafts in the App Home.
    curators: frozenset[str] = frozenset()
    # Answer replies in a thread the bot answered in without a mention (needs message.channels).
    thread_followups: bool = False
    retention_days: int = 90
    drafts_path: Path = Path("factbot-drafts.yml")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping such as os.environ; raise ConfigError naming every bad one."""
        errors: list[str] = []

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def integer(name: str, default: int, minimum: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            if not raw.isdigit() or int(raw) < minimum:
                errors.append(f"{name} must be a whole number >= {minimum}, got {raw!r}")
                return default
            return int(raw)

        digest_time = dt.time(9, 0)
        if raw := get("FACTBOT_DIGEST_TIME"):
            m = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
            if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
                digest_time = dt.time(int(m.group(1)), int(m.group(2)))
            else:
                errors.append(f"FACTBOT_DIGEST_TIME must be HH:MM, got {raw!r}")
        tz = ZoneInfo("UTC")
        if raw := get("FACTBOT_TIMEZONE"):
            try:
                tz = ZoneInfo(raw)
            except (ZoneInfoNotFoundError, ValueError):
                errors.append(f"FACTBOT_TIMEZONE must be an IANA time zone name, got {raw!r}")

        def switch(name: str, default: bool) -> bool:
            raw = get(name)
            if not raw:
                return default
            if raw.lower() not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
                errors.append(f"{name} must be on or off, got {raw!r}")
            return raw.lower() in ("on", "true", "1", "yes")

        unanswered = switch("FACTBOT_DIGEST_UNANSWERED", True)
        channels = tuple(
            c.strip() for c in (get("FACTBOT_DIGEST_CHANNELS") or "").split(",") if c.strip()
        )
        command = get("FACTBOT_COMMAND") or "/ask"
        if not command.startswith("/"):
            errors.append(f"FACTBOT_COMMAND must start with '/', got {command!r}")
        settings = cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            app_token=get("SLACK_APP_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            api_url=get("SLACK_API_URL"),
            facts_path=Path(p) if (p := get("FACTBOT_FACTS")) else None,
            db_path=database_setting(get("FACTBOT_DB") or DEFAULT_DB),
            command=command,
            digest_channels=channels,
            digest_time=digest_time,
            timezone=tz,
            digest_facts=integer("FACTBOT_DIGEST_FACTS", 3, 1),
            digest_unanswered=unanswered,
            curator_channel=get("FACTBOT_CURATOR_CHANNEL"),
            thread_followups=switch("FACTBOT_THREAD_FOLLOWUPS", False),
            curators=frozenset(
                u.strip() for u in (get("FACTBOT_CURATORS") or "").split(",") if u.strip()
            ),
            retention_days=integer("FACTBOT_RETENTION_DAYS", 90, 1),
            drafts_path=Path(get("FACTBOT_DRAFTS") or "factbot-drafts.yml"),
        )
        if errors:
            raise ConfigError("; ".join(errors))
        return settings

    def require(self, *names: str) -> None:
        """Raise ConfigError naming every one of these environment variables that is unset."""
        attrs = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
        }
        missing = [n for n in names if not attrs.get(n)]
        if missing:
            raise ConfigError(f"missing setting(s): {', '.join(missing)}")


def database_setting(value: str) -> Path | str:
    """FACTBOT_DB: a postgresql:// URL as given, anything else a SQLite file path."""
    return value if is_url(value) else Path(value)
