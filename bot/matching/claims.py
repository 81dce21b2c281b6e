"""Claims: a message someone posted ("410k visitors at the expo!"), checked against the fact the
matcher found for it. A question may be answered by a fact that is close; a claim is shown a
fact only when the fact says what the claim says: the amounts it gives, the names it names and
the months it dates. "The white paper is about 50k words" is not supported by a fact that says
26,000, and "the zone is in Chaoyang" not by a fact about the zone in Huairou."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.matching.language import english
from bot.matching.profile import Profile
from bot.matching.query import Query

# "Almost 410k" for 409,000, "1.5 trillion" for 1.52 trillion: people round what they post.
TOLERANCE = 0.1

# The score a supported fact needs to be shown for a message. Lower than a question's answer
# threshold: a message is a statement in chat, not a question phrased for the sheet, and a fact
# that fails to say what the claim says (its amounts, names, months) is never shown anyway.
# Chosen on blind sets G and I after their first measurement (training figures in
# docs/matching.md); the same on the lexical path and with the semantic signal.
CLAIM_ANSWER = 0.40

# A number and the word after it, if any: "410k", "1.5 trillion", "2,500 m²".
# Not after an apostrophe ("March '21") or a year and a dash ("2021-25"): those are years.
_AMOUNT = re.compile(
    r"(?<![\w.#'’])(?<!(?:19|20)\d\d[-–])(\d[\d,]*(?:\.\d+)?)(\s?)([a-z]+\b)?", re.IGNORECASE
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
_ONE = frozenset({"a", "one"})


def amounts(text: str) -> list[float]:
    """The amounts a text gives, with their scale ("410k", "1.5 trillion") and counts written
    as words ("three"); years are not amounts."""
    en = english()
    found = []
    for m in _AMOUNT.finditer(text):
        digits, unit = m.group(1).replace(",", ""), (m.group(3) or "").casefold()
        if m.group(2) and len(unit) < 3:
            unit = ""  # "2,500 m": metres; only a whole word ("1.5 trillion") is spaced
        if (not unit and _YEAR.fullmatch(digits)) or unit in _ORDINAL_ENDINGS:
            continue  # a year, or an edition ("the 4th", "#1"), is not an amount
        try:
            value = float(digits)
        except ValueError:
            continue
        found.append(value * en.scales.get(unit, 1.0))
    typed = re.findall(r"[a-z]+", text.casefold())
    found.extend(float(en.numbers[w]) for w in typed if w in en.numbers)
    # "A million visitors", "one billion yuan": a scale with no digits.
    found.extend(
        en.scales[w]
        for a, w in zip(typed, typed[1:], strict=False)
        if a in _ONE and len(w) > 2 and w in en.scales
    )
    return found


def as_claim(query: Query) -> Query:
    """A parsed message read as a claim: its numbers are amounts to check with rounding
    (supports), not exact constraints ("~3.4k exhibitors" is the fact's 3,400)."""

    def loose(q: Query) -> Query:
        return replace(q, constraints=replace(q.constraints, numbers=frozenset()))

    return replace(loose(query), clauses=tuple(loose(c) for c in query.clauses))


def _close(amount: float, stated: list[float]) -> bool:
    return any(abs(amount - s) <= TOLERANCE * abs(s) for s in stated)


def supports(profile: Profile, claim: Query) -> bool:
    """Whether a fact says what a claim says: every amount the claim gives is one the fact
    states (rounded as people round), every name it names is the fact's own (not merely its
    article's), every month it dates is the fact's."""
    fact = profile.fact
    stated = amounts(" ".join((fact.answer, fact.quote, *fact.questions)))
    if not all(_close(a, stated) for a in amounts(claim.text)):
        return False
    names = profile.constraints.names | profile.vocab
    if not claim.constraints.names <= names:
        return False
    return claim.constraints.months <= profile.constraints.months | profile.vocab
