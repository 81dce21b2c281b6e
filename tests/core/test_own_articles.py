"""A team's own articles, end to end, as a new user would: init, build, check, a curator's
edit, check again, ask. The two articles in tests/data/own were written for this test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.build import question_phrasings
from bot.cli import main

OWN = Path(__file__).resolve().parents[1] / "data" / "own"


@pytest.fixture
def built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "my-sheet"
    assert main(["init", str(folder)]) == 0
    for article in OWN.iterdir():
        shutil.copy(article, folder / "articles")
    assert main(["build", str(folder)]) == 0
    capsys.readouterr()
    return folder


def test_build_reads_each_header_and_marks_what_it_guessed(built: Path) -> None:
    """Markdown title, byline and date are read; a text without a date gets one to confirm."""
    entries = {e["id"]: e for e in yaml.safe_load((built / "articles/articles.yml").read_text())}
    festival = entries["riverside-festival"]
    assert festival["title"] == "Riverside Festival Draws Record Crowds"
    assert (festival["outlet"], festival["byline"]) == ("Harbor Weekly", "Ana Lima")
    assert str(festival["date"]) == "2024-06-10" and "confirm" not in festival
    assert entries["library-hours"]["title"] == "Library Extends Weekend Opening Hours"
    assert entries["library-hours"]["confirm"] == ["date"]


def test_drafts_quote_body_sentences_and_ask_real_questions(built: Path) -> None:
    """Each draft's quote is a whole sentence of a body (never the header or a caption), and
    each phrasing is a question."""
    drafts = yaml.safe_load((built / "facts/drafts.yml").read_text())["facts"]
    texts = {p.stem: " ".join(p.read_text().split()) for p in OWN.iterdir()}
    assert len(drafts) >= 5
    for draft in drafts:
        assert draft["quote"] in texts[draft["article"]]
        assert not draft["quote"].startswith(("#", "By ", "Date:", "Photo"))
        assert "lanterns" not in draft["quote"] and "Ana Lima" not in draft["quote"]
        assert all(q.endswith("?") and len(q.split()) >= 3 for q in draft["questions"])


def test_check_accepts_what_build_wrote_and_then_a_curated_fact(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check passes on build's output (noting the date to confirm); a draft promoted with one
    phrasing fails; with three it passes and is answered, with its source and date."""
    assert main(["check", str(built)]) == 0
    assert "library-hours: confirm date" in capsys.readouterr().out
    drafts_file = built / "facts/drafts.yml"
    drafts = yaml.safe_load(drafts_file.read_text())["facts"]
    (visitors,) = [d for d in drafts if "12,000" in d["quote"]]
    rest = [d for d in drafts if d is not visitors]
    drafts_file.write_text(yaml.safe_dump({"facts": rest}, sort_keys=False))
    curated = {**visitors, "status": "curated", "tags": [], "answer": "12,000 visitors."}
    curated["questions"] = visitors["questions"][:1]
    facts = built / "facts/facts.yml"
    facts.write_text(yaml.safe_dump({"facts": [curated]}, sort_keys=False))
    assert main(["check", str(built)]) == 1
    assert "needs at least 3 phrasings (has 1)" in capsys.readouterr().out
    curated["questions"] = [
        *visitors["questions"][:1],
        "how many people came to the riverside festival",
        "riverside festival attendance",
    ]
    facts.write_text(yaml.safe_dump({"facts": [curated]}, sort_keys=False))
    assert main(["check", str(built)]) == 0
    capsys.readouterr()
    assert (
        main(["ask", "--facts", str(built), "How many visitors did the Riverside Festival get?"])
        == 0
    )
    out = capsys.readouterr().out
    assert "12,000 visitors." in out
    assert "Riverside Festival Draws Record Crowds, Harbor Weekly (2024-06-10)" in out


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (
            "The fair drew 3,400 exhibitors from 128 countries.",
            "The fair drew how many exhibitors from 128 countries?",
        ),
        ("In 2021, the economy grew 8.1 percent.", "The economy grew 8.1 percent when?"),
        ("Mayor Tomas Berg said the fair will move.", "Who said the fair will move?"),
        ("Priya Ramaswamy leads the team in Valencia.", "Priya Ramaswamy leads the team where?"),
    ],
)
def test_a_sentence_becomes_a_question_about_its_amount_date_person_or_place(
    sentence: str, question: str
) -> None:
    """how many / how much, when, who, where: asked in place, or leading when at the start."""
    assert question in question_phrasings(sentence)
