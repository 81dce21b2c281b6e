import datetime as dt
from pathlib import Path

from bot.articles import bundled_articles_dir, load_articles, parse_header

SHARED = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_bundled_articles_load_without_problems():
    """The five seed articles and their curated metadata agree."""
    articles, problems = load_articles()
    assert problems == []
    assert len(articles) == 5


def test_seed_texts_are_unchanged():
    """seeds/ holds the shared articles byte for byte."""
    if not SHARED.is_dir():
        return
    for path in SHARED.glob("*.txt"):
        assert (bundled_articles_dir() / path.name).read_bytes() == path.read_bytes()


def test_parse_header_reads_each_header_style():
    """Date lines, a Source|Date line and a China Daily byline are all understood."""
    assert parse_header(
        " date 2021-03-11 During every year’s Two Sessions, a question."
    ).date == dt.date(2021, 3, 11)
    h = parse_header("A Headline\n\nSource:Organizing_Committee  |  Date:2021-01-11\n\nBody.")
    assert (h.title, h.outlet, h.date) == (
        "A Headline",
        "Organizing Committee",
        dt.date(2021, 1, 11),
    )
    h = parse_header("Beijing sets path\n\nChina Daily) 14:02, September 20, 2021\n")
    assert (h.outlet, h.date) == ("China Daily", dt.date(2021, 9, 20))


def test_metadata_disagreeing_with_header_is_reported(tmp_path):
    """A curated date that differs from the text's own date line is a problem with its line."""
    (tmp_path / "a.txt").write_text(" date 2021-03-11 Body text.", encoding="utf-8")
    (tmp_path / "articles.yml").write_text(
        "- id: a\n  file: a.txt\n  title: T\n  title_descriptive: true\n  date: 2022-01-01\n",
        encoding="utf-8",
    )
    _, problems = load_articles(tmp_path)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'articles.yml'}:5: a: date 2022-01-01 disagrees with the text's header (2021-03-11)"
    ]
