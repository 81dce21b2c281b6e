"""Claims: a message someone posted ("410k visitors at the fair!"), checked against the fact the
matcher found for it. A question may be answered by a fact that is close; a claim is shown a
fact only when the fact says what the claim says: the amounts it gives, the names it names and
the months it dates. "The handbook is about 50k words" is not supported by a fact that says
26,000, and "the new office is in Porto" not by a fact about the new office in Lisbon."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.articles import Article
from bot.matching.language import english
from bot.matching.profile import Profile
from bot.matching.query import Query, is_long
from bot.matching.text import words

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
_NUMBERING = english().numbered_edition_nouns | {"number", "no", "no."}
# Not strftime("%b"): that follows the machine's locale.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def amounts(text: str, spelled: bool = True) -> list[float]:
    """The amounts a text gives, with their scale ("410k", "1.5 trillion", "a million") and, if
    `spelled`, counts written as words ("three"); years and editions are not amounts."""
    en = english()
    found = []
    for m in _AMOUNT.finditer(text):
        digits, unit = m.group(1).replace(",", ""), (m.group(3) or "").casefold()
        before = text[: m.start()].split()[-1:]
        if unit in _ORDINAL_ENDINGS or (before and before[0].casefold() in _NUMBERING):
            continue  # an edition ("the 4th", "chapter 3", "release number 2") is not an amount
        if (m.group(2) and len(unit) < 3) or unit not in en.scales:
            # "2,500 m" is metres (only a whole word, "1.5 trillion", is spaced), "2021 btw" a year.
            unit = ""
        if not unit and _YEAR.fullmatch(digits):
            continue  # a year is not an amount
        try:
            value = float(digits)
        except ValueError:
            continue
        found.append(value * en.scales.get(unit, 1.0))
    typed = re.findall(r"[a-z]+", text.casefold())
    # "A million visitors", "one billion yuan": a scale with no digits.
    found.extend(
        en.scales[w]
        for a, w in zip(typed, typed[1:], strict=False)
        if a in _ONE and len(w) > 2 and w in en.scales
    )
    if spelled:
        found.extend(float(en.numbers[w]) for w in typed if w in en.numbers)
    return found


def claim_amounts(claim: Query) -> list[float]:
    """The amounts a message claims: its figures, and the counts it spells out that stand
    alone ("three big decisions"), not inside a name ("the Three Rivers office") nor numbering
    ("the number two official")."""
    en = english()
    found = amounts(claim.text, spelled=False)
    tokens = set(claim.tokens) | {t for c in claim.clauses for t in (*c.tokens, *c.context)}
    typed = claim.typed
    for i, word in enumerate(typed):
        numbering = i > 0 and typed[i - 1] in _NUMBERING
        if word in en.numbers and en.numbers[word] in tokens and not numbering:
            found.append(float(en.numbers[word]))
    return found


def as_claim(query: Query) -> Query:
    """A parsed message read as a claim: its numbers are amounts to check with rounding
    (supports), not exact constraints ("~3.4k exhibitors" is the fact's 3,400), and a
    statement asks for nothing, so the gates on what a question asks (its kind, focus, the
    speaker or thing it asks about) do not apply: "Ana Costa, the number two at the office,"
    does not ask for a count."""

    def stated(q: Query) -> Query:
        return replace(
            q,
            constraints=replace(q.constraints, numbers=frozenset()),
            kinds=frozenset(),
            focus=None,
            phase="",
            speaker="",
            year_end="",
            what="",
        )

    return replace(stated(query), clauses=tuple(stated(c) for c in query.clauses))


def _close(amount: float, stated: list[float]) -> bool:
    return any(abs(amount - s) <= TOLERANCE * abs(s) for s in stated)


def supports(profile: Profile, claim: Query) -> bool:
    """Whether a fact says what a claim says: every amount the claim gives is one the fact
    states (rounded as people round), every name and named thing it names is the fact's own
    (not merely its article's), every month it dates is the fact's."""
    fact = profile.fact
    stated = amounts(" ".join((fact.answer, fact.quote, *fact.questions)))
    if not all(_close(a, stated) for a in claim_amounts(claim)):
        return False
    names = profile.constraints.names | profile.vocab
    # A named thing ("the Platform team") the fact itself does not name is not its claim; in a
    # long message one may be only scenery ("for a covid-year event").
    named = claim.constraints.names | (frozenset() if is_long(claim) else claim.topics)
    if not named <= names:
        return False
    return claim.constraints.months <= profile.constraints.months | profile.vocab


def claimed_fields(text: str) -> list[str]:
    """The parts of a source a message claims ("that piece is from March 11": its date; "the
    Gazette ran the story": its outlet), in the order english.yml lists them; [] when it names
    no piece of writing."""
    typed = words(text)
    en = english()
    if en.source_nouns.isdisjoint(typed):
        return []
    folded = " ".join(typed)
    return [field for field, pattern in en.source_claims.items() if pattern.search(folded)]


def article_supports(article: Article, fields: list[str], claim: Query) -> bool:
    """Whether an article's own metadata says what a claim about it says: the outlet it names
    is the article's, the day, month and year it gives are the article's date."""
    typed = set(words(claim.text))
    if "outlet" in fields and not (article.outlet and set(words(article.outlet)) <= typed):
        return False
    if "date" in fields:
        day = article.date
        month = f"@{_MONTHS[day.month - 1]}"  # as the parser folds a month ("@sep")
        # Digits only: "the Three Rivers piece is from March 11" gives the day, not "three".
        if not all(a == day.day for a in amounts(claim.text, spelled=False)):
            return False
        if claim.constraints.months and claim.constraints.months != {month}:
            return False
        if claim.constraints.years and claim.constraints.years != {str(day.year)}:
            return False
    return True
