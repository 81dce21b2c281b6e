"""Retrieve stage: an inverted index over the profiles' folded words, the typo index over the
sheet's surface words, and a short list of candidates for a query within a postings budget."""

from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from bot.matching.language import english
from bot.matching.profile import Profile
from bot.matching.text import Folding, deletes, is_common_word, undoubled

CANDIDATES = 25
POSTINGS_BUDGET = 8_000


class Index:
    """Posting lists (numpy, central facts first), idf weights and the typo index."""

    def __init__(self, profiles: Sequence[Profile], folding: Folding, extra_words=()) -> None:
        self.profiles = profiles
        self.folding = folding
        postings: dict[str, list[int]] = defaultdict(list)
        later: dict[str, list[int]] = defaultdict(list)
        for index, profile in enumerate(profiles):
            in_questions = Counter(t for q in profile.questions for t in set(q))
            for tok in profile.vocab:
                (postings if in_questions[tok] >= 2 else later)[tok].append(index)
        # Each posting list starts with the facts a token is central to (in two phrasings or
        # more), so a common word's list can be cut short without losing its best facts.
        self.postings = {
            t: np.array(postings.get(t, []) + later.get(t, []), dtype=np.int32)
            for t in {*postings, *later}
        }
        n = max(len(profiles), 1)
        self.idf = {t: math.log(1 + n / len(p)) for t, p in self.postings.items()}
        self.unknown_weight = math.log(1 + n)
        for profile in profiles:
            profile.question_weights = [
                sum(map(self.weight, set(q))) or 1.0 for q in profile.questions
            ]
        # The index lives as long as the process: keep the cycle collector from walking its
        # millions of objects on every full collection.
        gc.freeze()
        from bot.matching.text import words

        surface = {w for p in profiles for q in p.fact.questions for w in words(q)}
        surface |= {w for p in profiles for w in words(p.fact.answer)}
        self.surface = frozenset(surface)
        # Words the sheet's world knows though no fact's phrasing or answer uses them: its
        # quotes, tags and articles.
        extra = {w for p in profiles for w in words(f"{p.fact.quote} {' '.join(p.fact.tags)}")}
        self.known = self.surface | frozenset(extra_words) | frozenset(extra)
        self._known_list = sorted(w for w in self.known if w.isalpha())
        self.delete_index: dict[str, list[str]] = defaultdict(list)
        for word in self.surface:
            if word.isalpha():
                self.delete_index[word].append(word)
                if len(word) >= 4:
                    for variant in deletes(word):
                        self.delete_index[variant].append(word)

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_weight)

    def correct(self, word: str) -> str:
        """The sheet's word a query word stands for: itself, or its nearest one-edit neighbour."""
        if word in self.surface or len(word) < 4 or not word.isalpha() or len(word) > 40:
            return word
        options: set[str] = set(self.delete_index.get(word, ()))
        for variant in deletes(word):
            options.update(self.delete_index.get(variant, ()))
        # Never mend a word into one the matcher ignores ("doses" is not a typo of "does"), nor
        # by two edits ("regs" is not "rest", though both lose a letter to "res").
        options = {
            o for o in options if o not in english().stopwords and OSA.distance(word, o) <= 1
        }
        # A common English word is what it says, not a typo: "mayor" is not "major".
        if options and is_common_word(word):
            options = {o for o in options if undoubled(o) == undoubled(word)}
        if not options:
            return word
        # Fewest edits first, then the word more facts use.
        return min(
            options,
            key=lambda o: (
                OSA.distance(word, o),
                -len(self.postings.get(self.folding.token(o), ())),
                o,
            ),
        )

    def compound_of_known(self, word: str) -> bool:
        """Whether a word is two words the sheet knows written as one ("carryover")."""
        return any(
            word[:i] in self.known and word[i:] in self.known for i in range(3, len(word) - 1)
        )

    def near_sheet_word(self, word: str) -> bool:
        """Whether a word is within two edits of one the sheet or its articles use (a typo,
        not a new name)."""
        if len(word) > 40:
            return False
        return (
            process.extractOne(word, self._known_list, scorer=Levenshtein.distance, score_cutoff=2)
            is not None
        )

    def pool(self, tokens: Sequence[str], weights: dict[str, float]) -> list[int]:
        """Facts sharing the query's rarest tokens: a short list to score in full.

        Tokens are taken rarest first until a budget of postings is spent, so a common word on
        a 100,000-fact sheet costs nothing once rarer words have found the facts; a list longer
        than what is left of the budget gives only its head (the facts central to the word).
        """
        usable = [t for t in tokens if t in self.postings]
        rare_first = sorted(usable, key=lambda t: len(self.postings[t]))
        acc = np.zeros(len(self.profiles), dtype=np.float64)
        spent = 0
        for tok in rare_first:
            left = POSTINGS_BUDGET - spent
            if left <= 0:
                break
            posting = self.postings[tok][:left]
            spent += len(posting)
            acc[posting] += weights[tok]  # a fact is in a token's list once
        touched = np.flatnonzero(acc)
        if len(touched) > CANDIDATES:
            top = np.argpartition(-acc[touched], CANDIDATES - 1)[:CANDIDATES]
            touched = touched[top]
        return sorted(touched.tolist(), key=lambda i: (-acc[i], i))
