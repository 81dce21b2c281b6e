import textwrap

from bot.articles import load_articles
from bot.cli import main
from bot.factsheet import bundled_sheet_path, read_sheet

ARTICLE = "001_d9e70123219ca994"


def write(tmp_path, body: str):
    path = tmp_path / "facts.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_bundled_sheet_is_clean(capsys):
    """`factbot check` passes on the bundled sheet and says how many facts it holds."""
    assert main(["check"]) == 0
    assert "curated facts" in capsys.readouterr().out


def test_bundled_sheet_covers_every_article():
    """Every article has facts, and every fact has several phrasings."""
    articles, _ = load_articles()
    sheet, problems = read_sheet(bundled_sheet_path(), articles)
    assert problems == []
    assert {f.article for f in sheet.facts} == set(articles)
    assert len(sheet.facts) >= 80
    assert all(len(f.questions) >= 3 for f in sheet.facts)


def test_check_reports_every_problem_with_file_and_line(tmp_path, capsys):
    """Duplicate ids, unknown fields/articles, bad quotes and shared questions all print at once."""
    path = write(
        tmp_path,
        f"""\
        facts:
          - id: one
            questions: ["How many exhibitors came?", "exhibitor count at the fair", "stand total"]
            answer: Over 3,400.
            quote: "Over 3,400 exhibitors"
            article: {ARTICLE}
          - id: one
            questions: [Something else, another thing entirely, a third question]
            answer: Something.
            quote: "not in the article at all"
            article: {ARTICLE}
            colour: blue
          - id: two
            questions: [how many exhibitors came, what did two say, where is two based]
            answer: x
            quote: y
            article: no-such-article
        """,
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{path}:12: one: unknown field 'colour'" in out
    assert f"{path}:17: two: unknown article 'no-such-article'" in out
    assert any(line.startswith(f"{path}:7: one: duplicate id (first at {path}:2)") for line in out)
    assert any(line.startswith(f"{path}:13: two: duplicate question") for line in out)
    assert f"{path}:10: one: quote not found verbatim in {ARTICLE}" in out
    assert len(out) == 5


def test_quote_must_be_verbatim(tmp_path, capsys):
    """A quote that is not in its article is reported at the quote's line."""
    path = write(
        tmp_path,
        f"""\
        facts:
          - id: one
            questions: ["How many exhibitors came?", "exhibitor count at the fair", "stand total"]
            answer: Over 3,400.
            quote: "Over 3,500 exhibitors"
            article: {ARTICLE}
        """,
    )
    assert main(["check", str(path)]) == 1
    assert (
        capsys.readouterr().out.strip() == f"{path}:5: one: quote not found verbatim in {ARTICLE}"
    )


def test_bad_yaml_is_unusable_input(tmp_path, capsys):
    """Broken YAML exits 2 and names the line."""
    path = write(tmp_path, "facts:\n  - id: [unclosed\n")
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().out.startswith(f"{path}:3: invalid YAML")


def test_near_duplicate_questions_across_facts(tmp_path, capsys):
    """Questions that differ only by a typo across two facts are flagged."""
    path = write(
        tmp_path,
        f"""\
        facts:
          - id: one
            questions: [How many professional visitors attended the sixth CIIE]
            answer: a
            quote: "Over 3,400 exhibitors"
            article: {ARTICLE}
          - id: two
            questions: [How many professional visitors attended the sixth CIIEs]
            answer: b
            quote: "Over 3,400 exhibitors"
            article: {ARTICLE}
        """,
    )
    assert main(["check", str(path)]) == 1
    assert "two: " in capsys.readouterr().out


def test_an_emptied_sheet_file_is_an_error_not_an_empty_sheet(tmp_path, capsys):
    """A file truncated to 0 bytes is reported with its name; it is not served as no facts."""
    path = write(tmp_path, "")
    assert main(["check", str(path)]) == 2
    assert f"{path}:1: file is empty" in capsys.readouterr().out


def test_yaml_anchors_and_aliases_are_refused_with_their_line(tmp_path, capsys):
    """A few hundred bytes of aliases can expand to gigabytes: refused at once, with the line."""
    path = write(
        tmp_path,
        """\
        facts: []
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        """,
    )
    assert main(["check", str(path)]) == 2
    assert f"{path}:2: YAML anchor 'a' not allowed in a sheet" in capsys.readouterr().out


def test_an_oversized_sheet_file_is_refused(tmp_path, capsys, monkeypatch):
    """Past the size limit a file is not parsed at all; the message says the limit."""
    monkeypatch.setattr("bot.yamlfile.MAX_BYTES", 100)
    path = write(tmp_path, "facts: []\n" + "# padding\n" * 20)
    assert main(["check", str(path)]) == 2
    assert "a sheet file may be at most 100" in capsys.readouterr().out
