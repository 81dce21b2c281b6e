"""A sheet that passed its checks, with its built matcher, cached on disk by the content of
every file it came from and of the code that built it, so `factbot ask` and a restart do not
check and index an unchanged sheet again. Any change to a sheet file, an article, or FactBot
itself makes a new key; a cache that cannot be read or written is skipped, never fatal."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

import bot
from bot.factsheet import sheet_files

log = logging.getLogger(__name__)

# Sheets this large are not cached: the pickle would be as slow as building (and as large).
MAX_FACTS = 20_000


def cache_dir() -> Path:
    base = os.environ.get("FACTBOT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "factbot" if base else Path.home() / ".cache" / "factbot"


@functools.cache
def _code_digest() -> str:
    """FactBot's own code and data files: a new release builds anew."""
    root = Path(bot.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix in (".py", ".yml", ".txt")
            and "__pycache__" not in path.parts
        ):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(sheet_path: Path, articles_dir: Path) -> str | None:
    """The content key of a sheet and its articles, or None when a file cannot be read."""
    digest = hashlib.sha256(_code_digest().encode())
    try:
        files = [
            *sheet_files(sheet_path),
            *sorted(p for p in articles_dir.iterdir() if p.is_file()),
        ]
        for path in files:
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:40]


def read(cache_key: str):
    path = cache_dir() / f"sheet-{cache_key}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: build anew
        log.warning("build cache %s unreadable (%s); building the sheet again", path, exc)
        return None


def write(cache_key: str, value) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: another process never reads half a file.
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, folder / f"sheet-{cache_key}.pickle")
    except OSError as exc:
        log.warning("could not cache the built sheet in %s: %s", folder, exc)
