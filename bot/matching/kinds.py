"""What a question asks for (its kind and focus) and what a fact can answer: general English
cues from bot/data/english.yml applied to a question's words or a fact's curated phrasings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.matching.constraints import constraint_kind
from bot.matching.language import english
from bot.matching.text import Glossary, fold_token, normalise, words


def question_kinds(text: str) -> frozenset[str]:
    """The kinds of answer a question asks for: count, amount, size, time, person, which, ..."""
    folded = " ".join(words(text))
    return frozenset(kind for kind, pattern in english().kinds if pattern.search(folded))


def without_classifier(phrase: list[str]) -> list[str]:
    """ "Which groups of foreigners", "what sort of document": the thing asked about is the
    foreigners, the document."""
    if len(phrase) > 2 and phrase[0] in english().classifiers and phrase[1] == "of":
        return phrase[2:]
    return phrase


def focus_of(typed: Sequence[str]) -> tuple[str, list[str]]:
    """The focus words and how they are asked: "count" (how many), "which" or "person"."""
    en = english()
    m = en.patterns["focus"].search(" ".join(typed))
    if not m:
        return "", []
    opener = m.group(0).split()[0]
    kind = "which" if opener == "which" else "person" if opener == "who" else "count"
    focus: list[str] = []
    for word in without_classifier(m.group(1).split()):
        if word in en.stopwords or word in en.question_words or word in en.phrase_enders:
            break
        if not focus and word in en.vague_heads:
            return kind, []
        # The noun phrase ends where its verb begins: "how many visitors came".
        if focus and (word in en.verbs or (len(word) > 4 and word.endswith(("ed", "ing")))):
            break
        focus.append(word)
    return kind, focus


def named_words(questions: Sequence[str], glossary: Glossary | None = None) -> frozenset[str]:
    """What a fact names, by its curated phrasings: "which countries ...", "what are the X"."""
    found: set[str] = set()
    for q in questions:
        typed = words(q)
        kind, focus = focus_of(typed)
        if kind == "which" and focus:
            found.update(normalise(" ".join(focus), glossary))
        if m := english().patterns["names_asked"].search(" ".join(typed)):
            found.update(normalise(m.group(1) or m.group(2), glossary))
    return frozenset(found)


def qualified_titles(answer: str) -> dict[str, frozenset[str]]:
    """Titles the answer only ever gives with a qualifier: {"director": {"deputy"}}."""
    typed = words(answer)
    seen: dict[str, set[str]] = defaultdict(set)
    bare: set[str] = set()
    for prev, word in zip(["", *typed], typed, strict=False):
        tok = fold_token(word)
        if not tok:
            continue
        if prev in english().qualifiers:
            seen[tok].add(prev)
        else:
            bare.add(tok)
    return {tok: frozenset(q) for tok, q in seen.items() if tok not in bare}


def counted_words(
    questions: Sequence[str], answer: str, glossary: Glossary | None = None
) -> frozenset[str]:
    """What a fact gives a count of: the words right after its answer's numbers ("69
    countries") and the focus of its "how many" phrasings."""
    found: set[str] = set()
    # Folded with the glossary, so a number inside a name ("Fortune Global 500") counts nothing.
    tokens = normalise(answer, glossary)
    for i, tok in enumerate(tokens):
        if constraint_kind(tok) == "number":
            found.update(tokens[i + 1 : i + 4])
    for q in questions:
        kind, focus = focus_of(words(q))
        if kind == "count":
            found.update(normalise(" ".join(focus), glossary))
    return frozenset(found)


def answer_kinds(questions: Sequence[str], answer: str, has_number: bool) -> frozenset[str]:
    """The kinds of question a fact can answer: those its phrasings ask, and those its answer's
    form gives (a number, a day, a person's name, a place, a ranking, a share, a definition)."""
    forms = english().answer_forms
    asked: set[str] = set()
    for q in questions:
        asked |= question_kinds(q)
    kinds = set(asked)
    # "Which ..." wants names, not a figure: a fact curated only for "how many" can't say which.
    if asked - {"count", "size", "amount"} or not asked:
        kinds.add("which")
    # "How many" wants a number: a curated "how many" whose answer has none does not answer it.
    kinds.discard("count")
    if has_number:
        kinds |= {"count", "size"}
    for kind in ("person", "superlative", "share", "meaning"):
        if forms[kind].search(answer):
            kinds.add(kind)
    if forms["place"].search(answer):
        kinds.add("place")
    # Only an answer that gives a day answers "what date", however it was phrased.
    kinds.discard("date")
    if forms["date"].search(answer):
        kinds.add("date")
    if forms["no_date"].search(answer):
        kinds -= {"time", "date"}
    return frozenset(kinds)


@dataclass(frozen=True, slots=True)
class Focus:
    """The thing a question asks about: its head noun and how it is asked."""

    kind: str  # count | which | person
    head: str  # folded head noun: "visitor" in "how many professional visitors"
    word: str  # its last word alone: "country" where the head is "developing_countries"
    plural: bool  # "which countries": names wanted, a count won't do
    typed: frozenset[str]  # the question's words, for title qualifiers
    named: frozenset[str] = frozenset()  # named things qualifying it: "Fortune 500" companies

    def answered_by(self, profile) -> bool:
        """Whether a fact's profile gives what this focus asks for."""
        en = english()
        if not self.named <= profile.vocab:
            return False
        if self.kind == "which" and self.word in en.class_words:
            # "Which sports events": a class word that a fact names only by its members leaves
            # the choice to the question's other words.
            return True
        heads = {self.head, self.word} & profile.vocab
        if not heads:
            return False
        if self.kind == "count":
            # "How many years since ...": worked out from a year the fact gives.
            spans = en.spans if profile.constraints.years else frozenset()
            return bool(heads & (spans | profile.counted))
        if self.kind == "which" and (
            self.plural or self.head in {fold_token(w) for w in en.document_parts}
        ):
            # "Which countries": a fact that only says how many does not name them.
            return bool(heads & profile.named)
        if self.kind == "person":
            # "Who is the director": not the deputy director.
            needed = profile.qualified.get(self.head, frozenset())
            return not needed or bool(needed & self.typed)
        return True
