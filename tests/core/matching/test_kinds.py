"""Kinds and focus: what a question asks for, and what a fact can give."""

from bot.matching.kinds import answer_kinds, focus_of, question_kinds
from bot.matching.text import words


def test_question_kinds_come_from_general_cues():
    """'How many' asks a count, 'who' a person, 'what was' is not a 'which' question."""
    assert "count" in question_kinds("how many people work there")
    assert "person" in question_kinds("who manages the office")
    assert "which" not in question_kinds("what was the number")
    assert "which" in question_kinds("which offices opened")
    # "When" opening the question after a word or two of chat still asks a time.
    assert "time" in question_kinds("ok and when did the first one open")


def test_an_answer_gives_the_kinds_its_form_shows():
    """A number answers 'how many'; a day answers 'what date'; 'no date' answers no 'when'."""
    kinds = answer_kinds(["when did it open"], "It opened on Nov. 5 with 40 people.", True)
    assert {"count", "date", "time"} <= kinds
    vague = answer_kinds(["when will it open"], "The article gives no date.", False)
    assert not {"time", "date", "count"} & vague
    assert "date" in answer_kinds(["when are claims due"], "By the 10th of the month.", False)


def test_the_focus_is_the_noun_phrase_asked_about():
    """'How many new exhibitors came' asks about exhibitors; 'how many others' about no one."""
    assert focus_of(words("how many new exhibitors came")) == ("count", ["new", "exhibitors"])
    assert focus_of(words("how many others joined")) == ("count", [])
