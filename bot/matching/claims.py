"""Claims: a message someone posted ("410k visitors at the expo!"), checked against the fact the
matcher found for it. A question may be answered by a fact that is close; a claim is shown a
fact only when the fact says what the claim says: the amounts it gives, the names it names and
the months it dates. "The white paper is about 50k words" is not supported by a fact that says
26,000, and "the zone is in Chaoyang" not by a fact about the zone in Huairou."""

from __future__ import annotations

import re

from bot.matching.language import english
from bot.matching.profile import Profile
from bot.matching.query import Query

# "Almost 410k" for 409,000, "1.5 trillion" for 1.52 trillion: people round what they post.
TOLERANCE = 0.1

# A number and the word after it, if any: "410k", "1.5 trillion", "2,500 m²".
_AMOUNT = re.compile(r"(?<![\w.#])(\d[\d,]*(?:\.\d+)?)(\s?)([a-z]+\b)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})


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
    found.extend(
        float(en.numbers[w]) for w in re.findall(r"[a-z]+", text.casefold()) if w in en.numbers
    )
    return found


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
