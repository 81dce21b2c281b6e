"""The matcher's rules end to end, each on a small sheet made for it (not the bundled one)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.articles import Article
from bot.factsheet import Fact, FactSheet
from bot.matcher import Matcher, constraint_text, is_common_word

TEXT = (
    "The fair drew 500 exhibitors from 40 countries. Deputy director Ann Lee spoke in Lisbon. "
    "Since 2018 the fair has been held five times (2018-2022), the 2021 article said."
)


def fact(fid: str, questions: list[str], answer: str) -> Fact:
    return Fact(id=fid, questions=tuple(questions), answer=answer, quote="x", article="a")


def sheet_matcher(*facts: Fact, glossary=()) -> Matcher:
    """A matcher over `facts`, all from one article holding TEXT."""
    article = Article("a", "A fair", False, None, dt.date(2023, 1, 1), None, TEXT, "a.txt")
    return Matcher(FactSheet(facts, glossary, {"a": article}))


F500 = (("Fortune Global 500", "biggest companies"),)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    article = Article("a", "A fair", False, "Outlet", dt.date(2023, 1, 1), None, TEXT, "a.txt")
    facts = (
        fact(
            "exhibitors",
            ["how many exhibitors came to the fair", "fair exhibitor count"],
            "The fair drew 500 exhibitors from 40 countries.",
        ),
        fact(
            "speaker",
            ["who spoke at the fair", "fair speaker"],
            "Ann Lee, deputy director of the fair office, spoke at the fair in Lisbon.",
        ),
        fact(
            "history",
            ["how often has the fair been held", "fair sessions since 2018"],
            "According to the 2021 article, the fair has been held five times (2018-2022).",
        ),
        fact(
            "theme",
            ["what is the theme of the fair", "fair theme"],
            'The theme of the fair is "Open Doors".',
        ),
    )
    return Matcher(FactSheet(facts, F500, {"a": article}))


def outcome(matcher: Matcher, question: str) -> tuple[str, str | None]:
    result = matcher.match(question)
    fact_ = getattr(result, "fact", None)
    return result.outcome, fact_.id if fact_ else None


def test_how_many_needs_the_fact_to_count_that_thing(matcher):
    """A fact that counts exhibitors and countries does not say how many fairs there were."""
    assert outcome(matcher, "how many exhibitors came to the fair") == ("answer", "exhibitors")
    assert outcome(matcher, "how many countries did exhibitors come from")[1] == "exhibitors"
    assert outcome(matcher, "how many fairs did the exhibitors come to")[0] == "no_match"


def test_which_with_a_plural_needs_names_not_a_count(matcher):
    """'Which countries' is not answered by '40 countries'."""
    assert outcome(matcher, "which countries did exhibitors come from")[0] == "no_match"


def test_which_names_a_class_or_a_compound_by_its_members():
    """'Which sports events' is answered by a fact naming the games; 'which poorer countries'
    by one naming countries; a verb the focus parser does not know still leaves the noun."""
    games = fact(
        "games",
        ["what did ann lee say about the winter games", "ann lee winter games communication"],
        "Ann Lee said the Winter Games events would improve international communication.",
    )
    aid = fact(
        "aid",
        ["which countries got aid", "aid recipients"],
        "Aid went mostly to developing countries in Asia and Africa.",
    )
    waiting = fact(
        "waiting",
        ["which foreigners care about the timetable", "travel timetable"],
        "Students and tourists watch the travel timetable.",
    )
    matcher = sheet_matcher(games, aid, waiting)
    assert outcome(matcher, "which sports events did ann lee mention")[1] == "games"
    assert outcome(matcher, "which communication push did ann lee mention")[1] == "games"
    assert outcome(matcher, "which poorer countries got aid")[1] == "aid"
    assert outcome(matcher, "which foreigners watch the travel timetable")[1] == "waiting"
    assert outcome(matcher, "which cities got aid")[0] == "no_match"


def test_british_and_american_spellings_meet():
    from bot.matcher import stem

    assert stem("travellers") == stem("travelers")
    assert stem("fulfill") == stem("fulfil")
    assert stem("installed") == stem("install")
    assert stem("called") == "call"
    assert stem("pinning") == stem("pin") and stem("planned") == stem("plan")
    assert stem("internationally") == stem("international")
    assert stem("organisation") == stem("organization")
    assert stem("centre") == stem("center")
    from bot.matching.text import Glossary, general_folding, normalise

    # A sheet's own phrase group, as the bundled sheet declares it.
    premiere = ("world premiere", "global premiere", "premiere")
    glossary = Glossary((*general_folding().phrase_groups, premiere))
    assert normalise("china it'll, they'd, we don't") == ["china"]
    assert normalise("govt regs") == normalise("government regulation")
    assert normalise("what does 1+8+N stand for", glossary)[-1] == "mean"
    # A premiere is not a premier, and a world premiere is more than a debut.
    assert normalise("which premier spoke", glossary) != normalise("which premiere", glossary)
    assert normalise("its world premiere", glossary) == normalise("its premiere", glossary)
    assert normalise("its world premiere", glossary) != normalise("its debut", glossary)
    assert "stand" not in normalise("help them stand on their own feet", glossary)
    assert normalise("xi laid out", glossary) == normalise("xi announced", glossary)
    assert normalise("turn itself into", glossary) == normalise("became", glossary)
    assert normalise("sick people from other countries", glossary) == normalise(
        "sick foreigners", glossary
    )
    assert normalise("what made it one of a kind", glossary) == normalise(
        "what makes it unique", glossary
    )


def test_a_title_with_a_qualifier_is_not_the_title(matcher):
    """'Who is the director' is not answered by the deputy director."""
    assert outcome(matcher, "who is the deputy director of the fair office") == (
        "answer",
        "speaker",
    )
    assert outcome(matcher, "who is the director of the fair office")[0] == "no_match"


def test_a_range_pins_its_start_and_a_source_year_pins_nothing(matcher):
    """(2018-2022) is not about 2022 alone, and 'the 2021 article' is not about 2021."""
    assert constraint_text("held (2018-2022), the 2021 article said").split() == (
        ["held", "(2018),", "the", "article", "said"]
    )
    assert outcome(matcher, "how often has the fair been held since 2018")[1] == "history"
    assert outcome(matcher, "how often was the fair held in 2022")[0] == "no_match"
    assert outcome(matcher, "how often was the fair held in 2021")[0] == "no_match"


def test_typo_repair_leaves_real_words_alone(matcher):
    """'Theem' is a typo of 'theme'; 'mayor' is a word, not a typo of 'major'."""
    assert is_common_word("mayor") and not is_common_word("theem")
    correct = matcher.index.correct
    assert correct("theem") == "theme"
    assert correct("mayor") == "mayor"
    # One edit only: "dorx" and "door" both lose a letter to "dor", but are two edits apart.
    assert correct("doorx") == "doors"
    assert correct("dorx") == "dorx"
    assert outcome(matcher, "whats the theem of the fair") == ("answer", "theme")


def test_when_asks_for_a_time_only_when_it_opens_the_question(matcher):
    """'What ... when ...' asks what; 'when did' asks for a time, which no fact here gives."""
    assert outcome(matcher, "what was the theme when the fair opened")[1] == "theme"
    assert outcome(matcher, "when did the fair open")[0] == "no_match"


def test_glossary_aliases_match_inflections_and_synonyms():
    """'largest corporations' meets the alias 'biggest companies' through stems and synonyms."""
    f = fact(
        "f500", ["did fortune global 500 firms come"], "Fortune Global 500 firms came in force."
    )
    matcher = sheet_matcher(f, glossary=F500)
    assert matcher.glossary.apply(["big", "company"]) == ["fortune_global_500"]
    assert outcome(matcher, "did the largest corporations come")[1] == "f500"
    # A count of firms is not a count of Fortune Global 500 firms.
    firms = fact("firms", ["how many firms came"], "500 firms came.")
    matcher = sheet_matcher(firms, glossary=F500)
    assert outcome(matcher, "how many firms came") == ("answer", "firms")
    assert outcome(matcher, "how many fortune global 500 firms came")[0] == "no_match"


def test_roman_numbered_items_are_ordinals():
    """'The first part' finds a list numbered I., II., ...; a bare 'I' is not a numeral."""
    parts = fact(
        "parts", ["what are the parts of the report"], "I. Past; II. Present; III. Future."
    )
    matcher = sheet_matcher(parts)
    assert outcome(matcher, "what is the third part of the report")[1] == "parts"
    assert outcome(matcher, "what is the fifth part of the report")[0] == "no_match"
    assert outcome(matcher, "what is the last part of the report") == ("answer", "parts")
    assert outcome(matcher, "what is the closing part of the report") == ("answer", "parts")
    assert "lastitem" not in constraint_text("what did the report say last year")
    assert "I think" in constraint_text("I think")
    # "The other two": worked out from the fact's own count, not stated by it.
    assert "two" not in constraint_text("which other two fairs make up the big three")
    # "A five-year plan" is a kind of plan, not a count.
    assert "five" not in constraint_text("who released the five-year plan")


def test_a_named_topic_the_article_never_mentions_is_a_constraint():
    """'Countries at the expo' is not answered by a count of countries from an article on vaccines."""
    expo = Article(
        "a", "Expo", False, None, dt.date(2023, 1, 1), None, "The Import Expo opened.", "a"
    )
    jabs = Article("b", "Jabs", False, None, dt.date(2021, 1, 1), None, "Vaccines went out.", "b")
    donations = Fact(
        id="donations",
        questions=("how many countries got vaccines",),
        answer="Vaccines went to 69 countries.",
        quote="x",
        article="b",
    )
    matcher = Matcher(FactSheet((donations,), (("CIIE", "Import Expo"),), {"a": expo, "b": jabs}))
    assert outcome(matcher, "how many countries got vaccines") == ("answer", "donations")
    assert outcome(matcher, "how many countries got vaccines at the import expo")[0] == "no_match"


def test_first_before_a_verb_is_not_an_edition():
    """'Was first held' says when; 'the first fair' names an edition."""
    from bot.matching.query import adverbial_first

    editions = frozenset({"fair", "session"})
    assert adverbial_first(["when", "was", "the", "fair", "first", "held"], editions)[-2] == (
        "initially"
    )
    assert adverbial_first(["who", "spoke", "at", "the", "first", "fair"], editions)[-2] == "first"
    # "Their first public showing" is a debut; "its first session" an edition.
    assert adverbial_first(["their", "first", "public", "showing"], editions)[1] == "initially"
    assert adverbial_first(["its", "first", "session"], editions)[1] == "first"


def test_a_date_needs_a_day_and_how_much_money_needs_an_amount():
    """'What date' is not answered by a year; 'how much is X investing' not by a size."""
    opened = fact("opened", ["when did the fair open"], "The fair opened in 2018 on 40 sq km.")
    matcher = sheet_matcher(opened)
    assert outcome(matcher, "when did the fair open") == ("answer", "opened")
    assert outcome(matcher, "what date did the fair open")[0] == "no_match"
    # When it opened is not when it closed.
    assert outcome(matcher, "when did the fair close")[0] == "no_match"
    assert outcome(matcher, "how much is the fair investing")[0] == "no_match"
    dated = fact("dated", ["when did the fair open"], "The fair opened on Nov. 5, 2018.")
    matcher = sheet_matcher(dated)
    assert outcome(matcher, "what date did the fair open") == ("answer", "dated")


def test_comparisons_and_focus_phrasing(matcher):
    """A judgement the sheet never makes is declined; 'how many pages long' is about pages."""
    assert outcome(matcher, "is the fair more important than the theme")[0] == "no_match"
    assert outcome(matcher, "is the fair bigger than the theme")[0] == "no_match"
    assert outcome(matcher, "what is the theme of the fair") == ("answer", "theme")
    assert outcome(matcher, "do you think the theme of the fair really works")[0] == "no_match"
    assert matcher.parse("how many pages long is the fair").focus.head == "page"
    assert matcher.parse("which groups of countries came").focus.head == "country"
    longer = matcher.parse("how many brand new fair exhibitors came").focus
    assert longer.head == matcher.parse("how many exhibitors came").focus.head


def test_related_facts_are_only_near_ones():
    """An answer offers as related only facts that scored nearly as well."""
    from bot.matcher import DEFAULT_THRESHOLDS, Candidate, decide

    a, b, c = (fact(x, [f"question {x}"], f"Answer {x}.") for x in "abc")
    result = decide(
        "q", [Candidate(a, 0.9), Candidate(b, 0.8), Candidate(c, 0.4)], DEFAULT_THRESHOLDS
    )
    assert result.outcome == "answer"
    assert [r.fact.id for r in result.alternatives] == ["b"]


def test_how_many_needs_a_number_and_previous_names_another_edition():
    """A fact curated for 'how many' whose answer gives no figure does not answer it; 'the
    previous report' is not the report a fact is about."""
    record = fact(
        "record",
        ["how many big companies came to the fair", "big companies at the fair"],
        "A record number of big companies came to the fair; the article gives no figure.",
    )
    report = fact("report", ["when was the fair report released"], "The report came out in 2021.")
    matcher = sheet_matcher(record, report)
    assert outcome(matcher, "did big companies come to the fair")[1] == "record"
    assert outcome(matcher, "how many big companies came to the fair")[0] == "no_match"
    # A yes/no question about "the number of" asks whether it changed, not for a count.
    assert outcome(matcher, "did the number of big companies at the fair go up")[1] == "record"
    assert outcome(matcher, "when was the fair report released")[1] == "report"
    assert outcome(matcher, "when was the previous fair report released")[0] == "no_match"


def test_a_topic_the_fact_does_not_name_is_out_when_it_names_another():
    """The CIFTIS hosts don't answer 'who hosts the Canton Fair', though the article names both."""
    text = "CIFTIS is hosted by the ministry. The Canton Fair and the CIIE are its sister fairs."
    article = Article("a", "Fairs", False, None, dt.date(2023, 1, 1), None, text, "a.txt")
    hosts = fact("hosts", ["who hosts ciftis", "ciftis host"], "The ministry hosts CIFTIS.")
    general = fact("general", ["who hosts the fair"], "The ministry hosts the fair.")
    glossary = (("CIFTIS", "services fair"), ("Canton Fair",), ("CIIE", "import expo"))
    matcher = Matcher(FactSheet((hosts,), glossary, {"a": article}))
    assert outcome(matcher, "who hosts the services fair") == ("answer", "hosts")
    assert outcome(matcher, "who hosts the canton fair")[0] == "no_match"
    matcher = Matcher(FactSheet((general,), glossary, {"a": article}))
    assert outcome(matcher, "who hosts the canton fair") == ("answer", "general")


def test_what_x_stands_for_needs_a_definition():
    """A fact that names the '1+8+N' mode without saying what it stands for doesn't answer that."""
    mode = fact(
        "mode", ["what mode did the fair use", "fair 1+8+N mode"], "The fair used a 1+8+N mode."
    )
    name = fact("name", ["what does ciftis stand for"], "CIFTIS is the services fair.")
    defined = fact("defined", ["fair expo acronym"], "The acronym FE stands for Fair Expo.")
    matcher = sheet_matcher(mode, name, defined)
    assert outcome(matcher, "what mode did the fair use") == ("answer", "mode")
    assert (
        outcome(matcher, "what does the 1+8+N mode of the fair actually stand for")[0] == "no_match"
    )
    assert outcome(matcher, "what does ciftis stand for") == ("answer", "name")
    assert outcome(matcher, "what does the fair expo acronym stand for") == ("answer", "defined")
    assert outcome(matcher, "what does the 1+8+N mode mean for the fair") == ("answer", "mode")


def test_what_share_or_which_most_needs_a_figure_or_a_ranking():
    """'What share of aid goes to Africa' is not answered by 'mostly Africa', nor 'which gets
    the most'."""
    mostly = fact(
        "mostly", ["where does the aid go", "aid recipients"], "Aid goes mostly to Africa."
    )
    matcher = sheet_matcher(mostly)
    assert outcome(matcher, "does the aid go to africa") == ("answer", "mostly")
    assert outcome(matcher, "what share of the aid goes to africa")[0] == "no_match"
    # "Which of ... the most" asks for a ranking the fact must make.
    assert outcome(matcher, "which of the aid recipients gets the most")[0] == "no_match"
    half = fact("half", ["where does the aid go"], "Half of the aid goes to Africa.")
    matcher = sheet_matcher(half)
    assert outcome(matcher, "what share of the aid goes to africa") == ("answer", "half")
    top = fact("top", ["aid recipients"], "Africa gets the most aid.")
    matcher = sheet_matcher(top)
    assert outcome(matcher, "which of the aid recipients gets the most") == ("answer", "top")


def test_the_same_thing_in_two_articles_is_asked_about_unless_a_year_is_named():
    """The negative list in 2021 and in 2023: with no year named, both are offered."""
    from bot.matcher import DEFAULT_THRESHOLDS, Candidate, decide

    old = fact("old", ["negative list 2021"], "In 2021 China said it would shorten the list.")
    new = Fact(id="new", questions=("negative list 2023",), answer="x", quote="x", article="b")
    same = fact("same", ["negative list too"], "The list, again.")
    ranked = [Candidate(old, 0.80), Candidate(new, 0.77)]
    result = decide("what will china do with the negative list", ranked, DEFAULT_THRESHOLDS)
    assert result.outcome == "ambiguous"
    assert {c.fact.id for c in result.candidates} == {"old", "new"}
    named = decide(
        "what will china do with the negative list in 2021",
        ranked,
        DEFAULT_THRESHOLDS,
        names_an_era=True,
    )
    assert (named.outcome, named.fact.id) == ("answer", "old")
    # From the same article, a clear winner is answered.
    ranked = [Candidate(old, 0.80), Candidate(same, 0.77)]
    assert decide("what about the negative list", ranked, DEFAULT_THRESHOLDS).outcome == "answer"


def test_an_edition_counted_by_a_number_is_an_ordinal():
    """'Round two of the fair' is the second fair, not a fact stating the number 2."""
    second = fact("second", ["what happened at the second fair"], "The second fair opened in 2019.")
    third = fact("third", ["what happened at the third fair"], "The third fair went online.")
    matcher = sheet_matcher(second, third)
    assert [c.fact.id for c in matcher.rank("what happened at round two of the fair")] == ["second"]
    assert [c.fact.id for c in matcher.rank("what happened at fair edition 3")] == ["third"]
    assert outcome(matcher, "what happened at round five of the fair")[0] == "no_match"
    assert "2th round" in constraint_text("round two")


def test_what_plural_phrasing_names_its_things():
    """A fact curated for 'what roles does the fair play' names roles, so it answers 'which roles'."""
    roles = fact(
        "roles",
        ["what roles does the fair play", "fair roles"],
        "The fair is a platform for buying, investment and exchanges.",
    )
    matcher = sheet_matcher(roles)
    assert outcome(matcher, "which roles does the fair play")[1] == "roles"


def test_a_premiere_is_not_a_premier_and_chatter_is_not_asked():
    """'Which premier spoke' is not answered by products premiered; 'remind me' and 'stuff' are
    chatter."""
    launches = fact(
        "launches",
        ["what launched at the fair", "fair new products"],
        "Over 400 products had their world premiere at the fair.",
    )
    theme = fact("theme", ["what is the theme of the fair"], 'The theme is "Open Doors".')
    matcher = sheet_matcher(launches, theme)
    assert outcome(matcher, "did any products have a premiere at the fair")[1] == "launches"
    assert outcome(matcher, "which premier spoke at the fair")[0] == "no_match"
    assert outcome(matcher, "remind me, what is the fair theme stuff") == ("answer", "theme")


def test_how_many_years_since_is_worked_out_but_how_many_days_is_not():
    """A year answers 'how many years since'; the day a fair opened doesn't say how long it ran."""
    opened = fact(
        "opened", ["when did the fair open"], "Its first day was Nov. 5 in the year 2018."
    )
    matcher = sheet_matcher(opened)
    assert outcome(matcher, "how many years since the fair opened")[1] == "opened"
    assert matcher.rank("how many days did the fair run") == []


def test_what_someone_said_needs_a_fact_that_names_them():
    """'What did the mayor say about the fair' is not answered by what Ann Lee said of it."""
    said = fact(
        "said",
        ["what did ann lee say about the fair", "fair growth"],
        "Ann Lee said the fair will grow.",
    )
    matcher = sheet_matcher(said)
    assert outcome(matcher, "what did ann lee say about the fair growth") == ("answer", "said")
    assert matcher.rank("what did the mayor say about the fair growth") == []
    # The article, or the government, quotes no one in particular.
    assert outcome(matcher, "what does the article say about the fair growth")[1] == "said"


def test_where_needs_a_place_and_stand_for_needs_a_definition_wherever_it_is():
    """'Where is the fair held' is not answered by a fact that only names the fair; 'what do the
    letters stand for in the mode' is a definition, whatever follows 'stand for'."""
    sister = fact(
        "sister", ["what are the sister fairs", "sister fairs"], "The fair has two sister fairs."
    )
    held = fact("held", ["where is the fair held"], "The fair is held in Lisbon.")
    mode = fact("mode", ["what mode did the fair use", "fair 1+8+N mode"], "It used a 1+8+N mode.")
    matcher = sheet_matcher(sister, mode)
    assert outcome(matcher, "what are the sister fairs")[1] == "sister"
    assert matcher.rank("where are the sister fairs held") == []
    assert matcher.rank("what do the 1, 8 and N stand for in the fair 1+8+N mode") == []
    # "Where does it rank" asks for a position, not a place.
    assert outcome(matcher, "where do the sister fairs rank")[1] == "sister"
    matcher = sheet_matcher(sister, held)
    assert outcome(matcher, "where is the fair held") == ("answer", "held")


def test_the_capital_that_acts_is_the_state_not_the_city():
    """'Has Beijing given vaccines to' asks about China; 'in Beijing' still names the city."""
    jabs = Article("b", "Jabs", False, None, dt.date(2021, 1, 1), None, "Vaccines went out.", "b")
    donations = Fact(
        id="donations",
        questions=("how many countries got vaccines",),
        answer="Vaccines went to 69 countries.",
        quote="x",
        article="b",
    )
    matcher = Matcher(FactSheet((donations,), (), {"b": jabs}))
    assert outcome(matcher, "how many countries has beijing given vaccines to")[1] == "donations"
    assert matcher.rank("how many countries in beijing got vaccines") == []


def test_what_thing_needs_a_fact_about_that_thing():
    """'What growth target did the fair set' is not answered by the fair's theme; 'what phrase'
    names the form of an answer, not its subject."""
    theme = fact("theme", ["what is the theme of the fair"], "The fair's theme is 'Open Doors'.")
    matcher = sheet_matcher(theme)
    assert outcome(matcher, "what theme did the fair have")[1] == "theme"
    assert matcher.rank("what growth target did the fair theme set") == []
    assert outcome(matcher, "what phrase is the theme of the fair")[1] == "theme"


def test_a_fact_that_gives_no_date_does_not_say_when_nor_what_held_at_year_end():
    """'The article gives no date' does not answer 'when'; a count as of March 2021 does not say
    how many by the end of 2021, while a target 'by 2025' does say what is wanted by then."""
    watch = fact(
        "watch",
        ["when will the fair reopen", "fair reopening"],
        "In 2021 people were watching for the fair's reopening; the article gives no date.",
    )
    count = fact("count", ["how many countries joined the fair"], "In 2021, 40 countries joined.")
    target = fact("target", ["what does the fair want by 2025"], "It wants 60 members by 2025.")
    matcher = sheet_matcher(watch, count, target)
    assert outcome(matcher, "fair reopening") == ("answer", "watch")
    assert matcher.rank("when will the fair reopen") == []
    assert outcome(matcher, "how many countries joined the fair")[1] == "count"
    assert "count" not in {
        c.fact.id for c in matcher.rank("how many countries joined the fair by the end of 2021")
    }
    assert outcome(matcher, "what does the fair want by the end of 2025")[1] == "target"


def test_which_chapter_needs_a_fact_that_names_the_chapters():
    """'Which chapter covers trade' is answered by the list of chapters, not by what the trade
    chapter says."""
    chapters = fact(
        "chapters",
        ["which chapter of the report covers what", "report chapter titles"],
        "The report's chapters are: I. Trade; II. Aid.",
    )
    trade = fact(
        "trade",
        ["what does the report say about trade", "the trade part of the report"],
        "The report says trade grew.",
    )
    matcher = sheet_matcher(chapters, trade)
    assert outcome(matcher, "which chapter of the report covers trade")[1] == "chapters"
    assert "trade" not in {c.fact.id for c in matcher.rank("which part of the report is on trade")}
