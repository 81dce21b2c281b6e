"""General English the matcher knows, read once from bot/data/english.yml (data, not code)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class English:
    """Word lists of general English; nothing about any team's articles."""

    stopwords: frozenset[str]
    question_words: frozenset[str]
    numbers: dict[str, str]
    scales: dict[str, float]
    year_shifts: dict[str, int]
    edition_shifts: dict[str, int]
    ordinals: dict[str, int]
    relative_editions: dict[str, str]
    months: dict[str, str]
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    answer_forms: dict[str, re.Pattern[str]]
    patterns: dict[str, re.Pattern[str]]
    source_fields: dict[str, re.Pattern[str]]
    source_followups: dict[str, re.Pattern[str]]
    source_claims: dict[str, re.Pattern[str]]
    clause_end: re.Pattern[str]
    asking: re.Pattern[str]
    topic_switch: re.Pattern[str]
    lists: dict[str, frozenset[str]]

    def __getattr__(self, name: str) -> frozenset[str]:
        # The remaining lists by name: english().verbs, english().chatter, ...
        try:
            return self.lists[name]
        except KeyError:
            raise AttributeError(name) from None


def data_path(name: str) -> Path:
    return Path(str(resources.files("bot"))) / "data" / name


def _patterns(cues: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    return {name: re.compile("|".join(f"(?:{p})" for p in group)) for name, group in cues.items()}


@functools.cache
def english() -> English:
    """The package's general-English data file, parsed once per process."""
    raw = yaml.safe_load(data_path("english.yml").read_text(encoding="utf-8"))
    start = int(raw.pop("number_start"))
    numbers = {w: str(i) for i, w in enumerate(raw.pop("numbers"), start)}
    ordinals = {w: i for i, w in enumerate(raw.pop("ordinals"))}
    return English(
        stopwords=frozenset(raw.pop("stopwords")),
        question_words=frozenset(raw.pop("question_words")),
        numbers=numbers,
        scales={str(k): float(v) for k, v in raw.pop("scales").items()},
        year_shifts={str(k): int(v) for k, v in raw.pop("year_shifts").items()},
        edition_shifts={str(k): int(v) for k, v in raw.pop("edition_shifts").items()},
        ordinals=ordinals,
        months={w: f"@{group[0][:3]}" for group in raw.pop("months") for w in group},
        relative_editions={k: f"#{v}" for k, v in raw.pop("relative_editions").items()},
        kinds=tuple(_patterns(raw.pop("kinds")).items()),
        answer_forms={k: re.compile(v, re.IGNORECASE) for k, v in raw.pop("answer_forms").items()},
        patterns={k: re.compile(v) for k, v in raw.pop("patterns").items()},
        clause_end=re.compile(raw.pop("clause_end")),
        asking=re.compile(raw.pop("asking"), re.IGNORECASE),
        topic_switch=re.compile(raw.pop("topic_switch")),
        source_fields=_patterns(raw.pop("source_fields")),
        source_followups=_patterns(raw.pop("source_followups")),
        source_claims=_patterns(raw.pop("source_claims")),
        lists={k: frozenset(str(w) for w in v) for k, v in raw.items()},
    )
