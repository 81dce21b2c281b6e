"""Questions about the sources themselves (when an article was published, which outlet ran
it, its headline, who is credited for its photos), answered from the articles' curated
metadata and their own header and captions, in the same reply shape as any fact."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.articles import Article, fold_whitespace
from bot.factsheet import Fact
from bot.matching.language import english
from bot.matching.text import words

FIELDS = ("date", "outlet", "headline", "photo")

# Photo credits as articles print them: "(Photo Credit: Agency)", "[Photo/Agency]",
# "(Photo: Ann Lee)", and a caption "Photo taken ... (Outlet/Photographer)".
_CREDITS = (
    re.compile(r"\((?:Photo|Picture|Image)(?: Credit| credit|s)?\s*[:/]\s*([^)\n]{2,80})\)"),
    re.compile(r"\[(?:Photo|Picture|Image)\s*[:/]\s*([^\]\n]{2,80})\]"),
    re.compile(r"^(?:Photo|Picture|Image)\b[^\n]{0,400}\(([^()\n]{2,80})\)\s*$", re.MULTILINE),
)


def source_id(article_id: str, field: str) -> str:
    """The id of the answer about one article's date, outlet, headline or photo credit."""
    return f"source-{article_id}-{field}".lower().replace("_", "-")


def asked_field(text: str) -> str:
    """Which part of a source a question asks about ("" when it asks about its content).

    It must name a piece of writing ("the article", "that piece") or a part only a source has
    (outlet, headline, photo credit): "when was the policy paper published" asks about what an
    article reports, not about the article."""
    typed = words(text)
    folded = " ".join(typed)
    en = english()
    if en.source_nouns.isdisjoint(typed) and en.source_parts.isdisjoint(typed):
        return ""
    for field, pattern in en.source_fields.items():
        if pattern.search(folded):
            return field
    return ""


def followup_field(text: str) -> str:
    """Which part of a source a follow-up asks about when it points at the answer just given
    ("when was that published?", "who took it?", "source?"), or ""."""
    folded = " ".join(words(text))
    for field, pattern in english().source_followups.items():
        if pattern.search(folded):
            return field
    return ""


def photo_credits(text: str) -> list[tuple[str, str]]:
    """Each credit an article prints, with the line it is printed on (the quote)."""
    found = []
    for line in text.splitlines():
        for pattern in _CREDITS:
            if m := pattern.search(line.strip()):
                found.append((m.group(1).strip(), line.strip()))
                break
    return found


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:300]


def source_facts(article: Article) -> list[Fact]:
    """The four answers about one article, as facts citing it."""
    title = article.title
    day = f"{article.date:%-d %B %Y}"
    header = _first_line(article.text)
    facts = []

    labels = {
        "date": f"When was “{title}” published?",
        "outlet": f"Which outlet published “{title}”?",
        "headline": f"What is the headline of “{title}”?",
        "photo": f"Who is credited for the photos in “{title}”?",
    }

    def add(field: str, answer: str, quote: str) -> None:
        facts.append(
            Fact(
                id=source_id(article.id, field),
                questions=(labels[field],),
                answer=answer,
                quote=fold_whitespace(quote),
                article=article.id,
                tags=("source", field),
            )
        )

    add("date", f"The article “{title}” is dated {day}.", header)
    if article.outlet:
        add("outlet", f"“{title}” was published by {article.outlet}.", header)
    else:
        add("outlet", f"The article “{title}” names no outlet.", header)
    if article.title_descriptive:
        add(
            "headline",
            f"The article has no headline of its own; the curators call it “{title}”.",
            header,
        )
    else:
        add("headline", f"The article's headline is “{title}”.", header)
    credits = photo_credits(article.text)
    if credits:
        names = list(dict.fromkeys(name for name, _ in credits))
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        add("photo", f"The photos in “{title}” are credited to {listed}.", credits[0][1])
    else:
        add("photo", f"The article “{title}” credits no photographer.", header)
    return facts


def all_source_facts(articles: Mapping[str, Article]) -> dict[str, list[Fact]]:
    return {aid: source_facts(a) for aid, a in articles.items()}
