"""The semantic signal: sentence embeddings of each fact's phrasings and answer, compared with
a question's. Used only as one feature among facts that pass the gates, and to add a few
candidates that share meaning but no words with the question; never alone.

On by default: on questions nobody had seen (blind sets D and E) it answered 75.8% right
against 73.1% without it, for one more near miss answered (README, "Answer quality").
FACTBOT_SEMANTIC=off turns it off, and it is off when the model packages are missing or the
sheet is too large to embed at start-up; the lexical path works alone. Vectors are cached on disk, keyed
by the model's sha256 and the sheet's text, so a restart does not embed again."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.matching.profile import Profile

log = logging.getLogger(__name__)

# Past this many texts to embed, the signal is off: embedding them would take minutes.
MAX_TEXTS = 50_000
# Facts the embedding alone may add to a question's candidates.
NEIGHBOURS = 8


def enabled() -> bool:
    return os.environ.get("FACTBOT_SEMANTIC", "on").strip().lower() not in ("off", "0", "no")


def cache_dir() -> Path:
    base = os.environ.get("FACTBOT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "factbot" if base else Path.home() / ".cache" / "factbot"


@functools.cache
def embedder():
    """The process's embedder (loaded once), or None when the packages are missing."""
    from bot.matching.embedder import load_default

    return load_default()


class Semantic:
    """Phrasing and answer vectors of every fact, and each question's similarity to them."""

    def __init__(self, profiles: Sequence[Profile], model) -> None:
        self.model = model
        texts: list[str] = []
        starts: list[int] = []
        for profile in profiles:
            starts.append(len(texts))
            texts += [*profile.fact.questions, profile.fact.answer]
        self.starts = np.array(starts, dtype=np.int64)
        self.vectors = self._vectors(texts)
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _vectors(self, texts: list[str]) -> np.ndarray:
        digest = hashlib.sha256(self.model.model_sha256.encode())
        for text in texts:
            digest.update(text.encode("utf-8") + b"\0")
        path = cache_dir() / f"vectors-{digest.hexdigest()[:32]}.npy"
        try:
            cached = np.load(path)
            if cached.shape == (len(texts), 384):
                return cached
        except (OSError, ValueError):
            pass
        vectors = self.model.encode(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole, then renamed: a second process never reads half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npy", delete=False) as f:
                np.save(f, vectors)
            os.replace(f.name, path)
        except OSError as exc:
            log.warning("semantic: could not cache vectors in %s: %s", path.parent, exc)
        return vectors

    def vector(self, text: str) -> np.ndarray:
        """A question's vector (the last few are kept: a long message is read several ways)."""
        if text in self._queries:
            self._queries.move_to_end(text)
            return self._queries[text]
        vec = self.model.encode([text])[0]
        self._queries[text] = vec
        if len(self._queries) > 64:
            self._queries.popitem(last=False)
        return vec

    def similarities(self, vec: np.ndarray) -> np.ndarray:
        """Each fact's best cosine with the question over its phrasings and answer."""
        if not len(self.starts):
            return np.zeros(0, dtype=np.float32)
        return np.maximum.reduceat(self.vectors @ vec, self.starts)

    @staticmethod
    def neighbours(similarities: np.ndarray, k: int = NEIGHBOURS) -> list[int]:
        if len(similarities) <= k:
            return list(range(len(similarities)))
        return np.argpartition(-similarities, k - 1)[:k].tolist()


def build(profiles: Sequence[Profile]) -> Semantic | None:
    """The signal for these facts, or None when it is off, missing or the sheet too large."""
    if not enabled():
        return None
    if sum(len(p.fact.questions) + 1 for p in profiles) > MAX_TEXTS:
        log.info("semantic: sheet too large to embed at start-up; lexical matching only")
        return None
    model = embedder()
    if model is None:
        log.warning("semantic: the model packages are not installed; lexical matching only")
        return None
    return Semantic(profiles, model)
