"""The matcher's public face: what the rest of FactBot imports (see bot/matching/ for stages)."""

from bot.matching.constraints import constraint_text
from bot.matching.decide import (
    Ambiguous,
    Answer,
    Candidate,
    NoMatch,
    Result,
    Thresholds,
    decide,
    truncation_note,
)
from bot.matching.duplicates import near_duplicate_questions
from bot.matching.followup import Turn
from bot.matching.matcher import Matcher
from bot.matching.score import fitted
from bot.matching.text import (
    MAX_CHARS,
    Glossary,
    is_common_word,
    normalise,
    stem,
    words,
)

DEFAULT_THRESHOLDS = Thresholds(**fitted()[1])

__all__ = [
    "DEFAULT_THRESHOLDS",
    "MAX_CHARS",
    "Ambiguous",
    "Answer",
    "Candidate",
    "Glossary",
    "Matcher",
    "NoMatch",
    "Result",
    "Thresholds",
    "Turn",
    "constraint_text",
    "decide",
    "truncation_note",
    "is_common_word",
    "near_duplicate_questions",
    "normalise",
    "stem",
    "words",
]
