"""Questions about the sources: date, outlet, headline and photo credits, from the articles."""

from bot.matching.sources import asked_field, followup_field, photo_credits


def test_the_field_asked_about_a_source_is_recognised():
    """'When was the piece published', 'which outlet ran it', 'who took the photo'."""
    assert asked_field("when was the handbook piece published?") == "date"
    assert asked_field("which outlet ran the charity article") == "outlet"
    assert asked_field("what's the headline of that article") == "headline"
    assert asked_field("who took the photo in the handbook") == "photo"
    # What an article reports is not a question about the article.
    assert asked_field("when was the white paper published") == ""


def test_a_follow_up_about_the_source_of_an_answer_is_recognised():
    """ "When was that published?", "who took it?", "source?" point at the answer just given;
    "when did it run" may ask when an event ran, so it is not a source question."""
    assert followup_field("sharing this with my team, when was that published") == "date"
    assert followup_field("who took it") == "photo"
    assert followup_field("source?") == "outlet"
    assert followup_field("when did it run") == ""


def test_photo_credits_are_read_from_captions():
    """Credits as articles print them."""
    text = "A caption.\n(Photo: Rui Alves)\nPhoto taken on May 1 shows a hall. (Daily/Ann Lee)\n[Photo/Xinhua]"
    assert [name for name, _ in photo_credits(text)] == ["Rui Alves", "Daily/Ann Lee", "Xinhua"]


def test_source_answers_come_from_metadata_and_say_what_is_missing(office):
    """The outlet from articles.yml; an article with none says so, and one with a descriptive
    title says it has no headline of its own."""
    outlet = office.match("which outlet published the handbook article?")
    assert outlet.outcome == "answer" and "Team Wiki" in outlet.fact.answer
    none = office.match("which outlet ran the charity news piece?")
    assert none.outcome == "answer" and "names no outlet" in none.fact.answer
    photo = office.match("who took the photo in the handbook article?")
    assert photo.outcome == "answer" and "Rui Alves" in photo.fact.answer
    headline = office.match("what is the headline of the charity news article?")
    assert "no headline of its own" in headline.fact.answer
