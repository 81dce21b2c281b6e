"""Words and their canonical forms: tokens, stems, numbers, synonyms and the sheet's aliases.

Everything here is general English (bot/data/english.yml, bot/data/synonyms.yml) except what a
sheet adds: its glossary (named things and their aliases) and its own synonym groups, which
extend or override the general ones for that sheet alone.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence

import yaml

from bot.matching.language import data_path, english

# Bounded cost: a question is cut at MAX_CHARS (the reply says so), and no word longer than
# MAX_WORD is mended or stemmed as a word (a 40 KB "word" is noise, not a typo).
MAX_CHARS = 2_000
MAX_WORD = 40

# "@factbot, ..." typed as plain text (a Slack mention arrives already removed by the edge)
_MENTION = re.compile(r"^\s*@factbot\b[:,]?", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,]\d+)*")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")
_DOUBLED_L = re.compile(r"^([^aeiouy]*[aeiouy]+[^aeiouy]+[aeiouy]+)ll((?:er|ers|ed|ing|or|ors)?)$")
_BRITISH = (
    (re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
)
_DOUBLED_END = re.compile(r"([b-df-hj-km-np-rtv-y])\1$")  # not ll, ss, zz


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet plurals and tenses halfway, on both sides."""
    if len(word) <= 3 or word.isdigit() or len(word) > MAX_WORD:
        return word
    # British and American spellings meet: "travellers" and "travelers", "fulfill" and
    # "fulfil". Only after two syllables, so "called" and "seller" keep theirs.
    if m := _DOUBLED_L.match(word):
        word = f"{m.group(1)}l{m.group(2)}"
    # "organisation"/"organization", "centre"/"center", "dialogue"/"dialog".
    if len(word) >= 6:
        for pattern, repl in _BRITISH:
            word = pattern.sub(repl, word)
    for suffix, repl, min_len in (
        ("ally", "al", 7),  # "internationally" is "international"
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "e", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            # "pinning", "planned": the consonant doubled before the ending goes with it.
            if suffix in ("ing", "ed") and _DOUBLED_END.search(word):
                word = word[:-1]
            break
    # "Premiere" keeps its e: "premier" is a head of government.
    # Nor does an "e" go where a function word would be left ("theme" is not "them").
    if (
        word.endswith("e")
        and len(word) > 4
        and not word.endswith("iere")
        and word[:-1] not in english().stopwords
    ):
        word = word[:-1]
    if word.endswith("or") and len(word) >= 7:
        word = word[:-2]
    return word


def clean(text: str) -> str:
    """The text a person typed, Unicode-normalised, a leading "@factbot" dropped."""
    text = unicodedata.normalize("NFKC", text)
    return _MENTION.sub(" ", text)


def words(text: str) -> list[str]:
    """Lower-case word tokens with Unicode folded, mentions removed, numbers joined ("3,400")."""
    return list(_words(text))


# Building an index reads each phrasing several times (tokens, kinds, focus, counts).
@functools.lru_cache(maxsize=16_384)
def _words(text: str) -> tuple[str, ...]:
    text = clean(text).casefold().replace("’", "'").replace("‘", "'").replace("'s ", " ")
    return tuple(t.replace(",", "") for t in _TOKEN.findall(text))


def _read_groups(name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(str(w) for w in g) for g in yaml.safe_load(data_path(name).read_text("utf-8"))
    )


@functools.cache
def general_synonyms() -> tuple[tuple[str, ...], ...]:
    """General-English synonym groups (bot/data/synonyms.yml)."""
    return _read_groups("synonyms.yml")


def is_phrase_group(group: Sequence[str]) -> bool:
    return any(len(words(w)) > 1 for w in group)


class Folding:
    """One word's canonical form for one sheet: numbers as digits, ordinals as #n, stem, synonym
    head; '' drops it. The sheet's own single-word synonym groups override the general ones for
    the words they hold ("stand" is a meeting on one team's sheet, a pavilion on none)."""

    def __init__(self, sheet_groups: Iterable[Sequence[str]] = ()) -> None:
        table: dict[str, str] = {}
        own: dict[str, str] = {}
        for group in sheet_groups:
            # The single words of a group; its phrases are matched like glossary aliases.
            singles = [str(w).casefold() for w in group if len(words(str(w))) == 1]
            if singles:
                head = stem(singles[0])
                for word in singles:
                    own.setdefault(stem(word), head)
        for group in general_synonyms():
            if is_phrase_group(group) or any(stem(w) in own for w in group):
                continue  # a sheet group that names a word takes it (and its group) over
            head = stem(group[0])
            for word in group:
                table.setdefault(stem(word), head)
        table.update(own)
        self.table = table
        self._cache: dict[str, str] = {}
        self._soft: dict[str, str] = {}
        self.phrase_groups = tuple(g for g in general_synonyms() if is_phrase_group(g))

    def token(self, tok: str) -> str:
        cached = self._cache.get(tok)
        if cached is None:
            # Interned: a sheet of 100,000 facts holds each distinct token once, not per fact.
            cached = sys.intern(self._fold(tok))
            if len(self._cache) < 200_000:
                self._cache[tok] = cached
        return cached

    def _fold(self, tok: str) -> str:
        en = english()
        if tok in en.numbers:
            return en.numbers[tok]
        if tok in en.ordinals:
            return f"#{en.ordinals[tok]}"
        if tok == "lastitem":
            return "#last"
        if tok in en.relative_editions:
            return en.relative_editions[tok]
        if tok in en.months:
            return en.months[tok]
        if m := _ORDINAL_DIGITS.match(tok):
            return f"#{int(m.group(1))}"
        if tok in en.stopwords and tok not in en.question_words:
            return ""
        if "_" in tok or tok[0] in "0123456789":
            return tok
        stemmed = stem(tok)
        return self.table.get(stemmed, stemmed)

    def soft(self, tok: str) -> str:
        """Like token(), but a stopword is kept, marked with "~", for alias phrases that hold
        one ("Bank of Lisbon")."""
        cached = self._soft.get(tok)
        if cached is None:
            en = english()
            if tok in en.stopwords and tok not in en.question_words:
                cached = sys.intern("~" + tok)
            else:
                cached = self.token(tok)
            if len(self._soft) < 200_000:
                self._soft[tok] = cached
        return cached


@functools.cache
def general_folding() -> Folding:
    return Folding()


def fold_token(tok: str) -> str:
    """A word's canonical form with general English alone (no sheet)."""
    return general_folding().token(tok)


class Glossary:
    """Alias phrases mapped, both directions, onto one canonical token per group.

    Phrases match on folded words (stemmed, synonyms met), so an alias also matches its
    inflections and everyday synonyms: "biggest companies" is "largest corporations".
    """

    def __init__(self, groups: Iterable[Sequence[str]], folding: Folding | None = None) -> None:
        self.folding = folding or general_folding()
        self.phrases: dict[tuple[str, ...], str] = {}
        for group in groups:
            canonical = "_".join(words(group[0]))
            for alias in group:
                key = tuple(map(self.folding.soft, words(alias)))
                if key:
                    self.phrases.setdefault(key, canonical)
        self.starts: dict[str, int] = {}
        for key in self.phrases:
            self.starts[key[0]] = max(self.starts.get(key[0], 0), len(key))

    def apply(self, tokens: list[str]) -> list[str]:
        """Replace the longest alias phrase at each position by its canonical token."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self.starts:
                out.append(tokens[i])
                i += 1
                continue
            for n in range(min(self.starts[tokens[i]], len(tokens) - i), 0, -1):
                canonical = self.phrases.get(tuple(tokens[i : i + n]))
                if canonical is not None:
                    out.append(canonical)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def fold(text: str, glossary: Glossary) -> tuple[list[str], list[str]]:
    """A text's content tokens with the glossary applied, and without (the words inside its
    alias phrases)."""
    soft = [glossary.folding.soft(t) for t in words(text)]
    return (
        [t for t in glossary.apply(soft) if t and t[0] != "~"],
        [t for t in soft if t and t[0] != "~"],
    )


def normalise(text: str, glossary: Glossary | None = None) -> list[str]:
    """Content tokens: glossary applied, numbers and ordinals canonical, stopwords out, stemmed."""
    if glossary is None:
        return [t for t in map(general_folding().token, words(text)) if t]
    return fold(text, glossary)[0]


# How often a word must occur in pyspellchecker's English frequency list to count as a real
# word. Typos score 0 there ("profesional", "contries"); real words a sheet never uses score in
# the hundreds at least ("mayor" 24461, "keynote" 1214, "canton" 122).
COMMON_WORD_FREQUENCY = 100


@functools.cache
def _english_frequency():
    from spellchecker import SpellChecker  # loaded on first need: about 0.2 s

    return SpellChecker(language="en", distance=1).word_frequency


def frequency(word: str) -> int:
    """How often an English word list has seen `word` (0: never, a typo or a rare name)."""
    return _english_frequency()[word] if len(word) <= MAX_WORD else 0


def is_common_word(word: str) -> bool:
    """Whether an English word list knows `word` well enough that it can't be a typo."""
    return frequency(word) >= COMMON_WORD_FREQUENCY


def typo_of_english(word: str) -> bool:
    """Whether a word no list knows is one edit from a common English word ("upcomming"):
    a typo of an ordinary word, not a name."""
    if not 4 <= len(word) <= 20:
        return False
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    return any(is_common_word(e) for e in edits if e != word)


def undoubled(word: str) -> str:
    return re.sub(r"(.)\1", r"\1", word)


def deletes(token: str) -> set[str]:
    """Every one-letter deletion of a short word (the typo index); long words have none."""
    if len(token) > MAX_WORD:
        return set()
    return {token[:i] + token[i + 1 :] for i in range(len(token))}
