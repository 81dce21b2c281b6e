"""Block Kit builders: content, escaping and Slack's limits, checked on plain values."""

from __future__ import annotations

import datetime as dt
import json

from bot.articles import Article
from bot.factsheet import Fact
from bot.matcher import Ambiguous, Answer, Candidate, NoMatch
from bot.slack import blocks

ARTICLE = Article(
    id="a1",
    title="Expo opens <today> & more",
    title_descriptive=False,
    outlet="Daily News",
    date=dt.date(2023, 11, 5),
    url="https://example.com/expo",
    text="",
    path="a1.txt",
)
OTHER = Article(
    id="a2",
    title="Second article",
    title_descriptive=True,
    outlet=None,
    date=dt.date(2021, 3, 11),
    url=None,
    text="",
    path="a2.txt",
)
ARTICLES = {"a1": ARTICLE, "a2": OTHER}


def fact(n: int = 1, article: str = "a1", answer: str = "Over 3,400 exhibitors came.") -> Fact:
    return Fact(
        id=f"fact-{n}",
        questions=(f"How many exhibitors came, case {n}?",),
        answer=answer,
        quote=answer,
        article=article,
    )


def as_json(built: list) -> list[dict]:
    """Serialise through slack_sdk, which enforces Slack's limits as it goes."""
    return blocks.as_dicts(built)


def texts(built: list) -> str:
    return json.dumps(as_json(built), ensure_ascii=False)


def shown(built: list) -> str:
    """Every text people see (button values are not shown, so they are left out)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "text" and isinstance(child, str):
                    found.append(child)
                elif key != "value":
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(as_json(built))
    return "\n".join(found)


def action_ids(built: list) -> list[str]:
    ids = []
    for block in as_json(built):
        for element in block.get("elements", []):
            if "action_id" in element:
                ids.append(element["action_id"])
        if "accessory" in block and "action_id" in block["accessory"]:
            ids.append(block["accessory"]["action_id"])
    return ids


def test_escape_makes_plain_text_inert() -> None:
    """&, <, > are escaped, so no broadcast, mention or link can come out of plain text."""
    assert blocks.escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert blocks.escape("a &amp; b") == "a &amp;amp; b"


def test_answer_shows_answer_source_date_and_buttons() -> None:
    """An answer has the fact, a linked source with outlet and date, and feedback buttons."""
    built = blocks.render_answer(fact(), ARTICLE, question="how many?", asker="U1", share=True)
    out = as_json(built)
    assert out[1]["text"]["text"] == "Over 3,400 exhibitors came."
    assert out[2]["elements"][0]["text"] == (
        "Source: <https://example.com/expo|Expo opens &lt;today&gt; &amp; more, Daily News>"
        " · 5 November 2023"
    )
    assert action_ids(built) == [blocks.SHARE, blocks.HELPFUL, blocks.NOT_HELPFUL]
    value = blocks.ButtonValue.decode(out[3]["elements"][0]["value"])
    assert value == blocks.ButtonValue("fact-1", "U1", "how many?")


def test_descriptive_title_and_missing_outlet_are_said_plainly() -> None:
    """A title made up by curators is marked as such; no link without a URL."""
    line = blocks.source_line(OTHER)
    assert line == "Source: Second article (descriptive title) · 11 March 2021"


def test_broadcast_in_a_question_cannot_ping() -> None:
    """<!channel>, <!here> and user mentions in a question come out escaped."""
    for question in ("<!channel> what?", "&lt;!here&gt; what?", "<@U999> said"):
        built = blocks.render_answer(fact(), ARTICLE, question=question, asker="U1")
        out = shown(built)
        assert "&lt;" in out
        assert "<!channel>" not in out and "<!here>" not in out and "<@U999>" not in out


def test_shared_answer_names_who_asked() -> None:
    """A public answer says who asked, and has no Share button."""
    built = blocks.render_answer(fact(), ARTICLE, question="q?", asker="U1", shared_by="U1")
    assert as_json(built)[0]["elements"][0]["text"] == "<@U1> asked: _q?_"
    assert blocks.SHARE not in action_ids(built)


def test_very_long_answer_is_cut_within_the_section_limit() -> None:
    """A 10,000-character answer is cut cleanly at a word with an ellipsis."""
    built = blocks.render_answer(
        fact(answer="word & " * 1500), ARTICLE, question="q", asker="U1", share=True
    )
    text = as_json(built)[1]["text"]["text"]
    assert len(text) <= 3000 and text.endswith("…")
    assert not text[:-1].endswith("&amp") and "&amp;" in text


def test_button_value_stays_under_2000_with_a_huge_question() -> None:
    """The question is cut so the JSON value fits, keeping fact id and asker."""
    value = blocks.ButtonValue("fact-1", "U1", "é" + "x" * 5000).encode()
    assert len(value) <= 2000
    decoded = blocks.ButtonValue.decode(value)
    assert (decoded.fact_id, decoded.asker) == ("fact-1", "U1")
    assert decoded.question.startswith("éxxx")
    as_json(blocks.render_answer(fact(), ARTICLE, question="q" * 5000, asker="U1", share=True))


def test_many_alternatives_are_capped_with_unique_action_ids() -> None:
    """Did-you-mean shows at most five choices, each with its own action id."""
    candidates = tuple(Candidate(fact(i), 0.5) for i in range(30))
    built = blocks.render_choices(Ambiguous("expo?", candidates), ARTICLES, asker="U1")
    ids = action_ids(built)
    assert ids == [f"{blocks.PICK_PREFIX}{i}" for i in range(5)]
    assert "5 November 2023" in texts(built)


def test_no_match_says_so_offers_topics_and_never_answers() -> None:
    """NoMatch: "I don't know that yet", the closest topics, no buttons."""
    built = blocks.render_no_match(NoMatch("wifi password?", (Candidate(fact(2), 0.2),)), ARTICLES)
    out = texts(built)
    assert "I don't know that yet" in out and "How many exhibitors came, case 2?" in out
    assert action_ids(built) == []
    empty = texts(blocks.render_no_match(NoMatch("zzz"), ARTICLES))
    assert "Second article (11 March 2021)" in empty


def test_render_result_covers_each_outcome() -> None:
    """Answer, Ambiguous and NoMatch each render."""
    answer = Answer("q", fact(), 0.9)
    assert "Over 3,400" in texts(blocks.render_result(answer, ARTICLES, asker="U1"))
    assert blocks.result_text(NoMatch("q"), ARTICLES) == "I don't know that yet."


def test_search_and_list_stay_within_50_blocks() -> None:
    """Hundreds of facts or articles never exceed 50 blocks or 3000 characters a section."""
    many = [fact(i, answer="long answer " * 40) for i in range(200)]
    found = blocks.render_search("expo", many, ARTICLES)
    assert len(as_json(found)) <= 50
    articles = {
        f"x{i}": Article(f"x{i}", "T" * 200, False, "O", dt.date(2020, 1, 1), None, "", "")
        for i in range(300)
    }
    listed = as_json(blocks.render_list(articles, many))
    assert len(listed) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in listed if b["type"] == "section")


def test_list_counts_facts_per_article_with_dates() -> None:
    """/ask list: each article with outlet, date and its number of facts."""
    out = texts(blocks.render_list(ARTICLES, [fact(1), fact(2), fact(3, article="a2")]))
    assert "3 facts from 2 articles" in out
    assert "Daily News · 5 November 2023 · 2 facts" in out
    assert "Second article* · 11 March 2021 · 1 fact" in out


def test_help_gives_three_examples_from_different_articles() -> None:
    """Help shows usage and three example questions, spread over the articles."""
    facts = [fact(1), fact(2), fact(3, article="a2"), fact(4, article="a2")]
    examples = blocks.pick_examples(facts, 3)
    assert [f.id for f in examples] == ["fact-1", "fact-3", "fact-2"]
    out = texts(blocks.render_help(examples, "/ask"))
    assert "`/ask How many exhibitors came, case 3?`" in out


def test_home_has_articles_top_questions_and_load_time() -> None:
    """Home: how to ask, examples as buttons, articles, most asked, when the sheet loaded."""
    loaded = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    built = blocks.render_home(
        articles=ARTICLES,
        facts=[fact(1), fact(2, article="a2")],
        examples=[fact(1), fact(2, article="a2")],
        top_questions=[("what is <ciie>?", 4)] * 60,
        loaded_at=loaded,
    )
    out = texts(built)
    assert len(as_json(built)) <= 50
    assert "what is &lt;ciie&gt;? (4 people)" in out
    assert f"<!date^{int(loaded.timestamp())}^" in out and "2026-11-23 09:30 UTC" in out
    assert action_ids(built) == [f"{blocks.EXAMPLE_PREFIX}0", f"{blocks.EXAMPLE_PREFIX}1"]


def test_home_without_questions_says_nobody_asked() -> None:
    """An empty week is said, not left blank."""
    built = blocks.render_home(
        articles=ARTICLES,
        facts=[],
        examples=[],
        top_questions=[],
        loaded_at=dt.datetime.now(dt.UTC),
    )
    assert "Nothing has been asked by several people this week yet." in texts(built)


def test_fast_payload_equals_slack_sdk_serialisation_for_every_builder() -> None:
    """to_payload (the hot path) gives exactly slack_sdk's validated to_dict output."""
    candidates = tuple(Candidate(fact(i), 0.5) for i in range(8))
    loaded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    built = [
        blocks.render_answer(fact(), ARTICLE, question="<!here> q", asker="U1", share=True),
        blocks.render_answer(fact(answer="x " * 3000), OTHER, question="", asker="U1"),
        blocks.render_answer(
            fact(), ARTICLE, question="q", asker="U1", share=True, feedback=False, note="Thanks"
        ),
        blocks.render_choices(Ambiguous("q", candidates), ARTICLES, asker="U1"),
        blocks.render_no_match(NoMatch("q", candidates), ARTICLES),
        blocks.render_no_match(NoMatch("q"), ARTICLES),
        blocks.render_help([fact(1), fact(2)], "/ask"),
        blocks.render_list(ARTICLES, [fact(1)]),
        blocks.render_search("q", [fact(i) for i in range(30)], ARTICLES),
        blocks.render_search("q", [], ARTICLES),
        blocks.render_home(
            articles=ARTICLES,
            facts=[fact(1)],
            examples=[fact(1)],
            top_questions=[("q", 2)],
            loaded_at=loaded,
            shown=blocks.render_answer(fact(), ARTICLE, question="q", asker="U1"),
        ),
    ]
    for one in built:
        assert blocks.to_payload(one) == blocks.as_dicts(one)


def test_bidi_control_and_zero_width_characters_never_reach_others() -> None:
    """A right-to-left override or a zero-width space from one person is dropped when shown."""
    shown = blocks.escape("pay \u202eevil\u202c to <@U1> now\u200b\x07")
    assert shown == "pay evil to &lt;@U1&gt; now"
