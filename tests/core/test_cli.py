import json
import subprocess
import sys

from bot.cli import main


def test_ask_prints_answer_with_source_and_date(capsys):
    """`factbot ask` answers with the article's title, outlet and date."""
    assert main(["ask", "how many exhibitors attended the sixth ciie"]) == 0
    out = capsys.readouterr().out
    assert "3,400" in out
    assert "People's Daily Online (2023-11-08)" in out


def test_ask_declines_honestly(capsys):
    """An unknown question gets an honest "I don't know"."""
    assert main(["ask", "what's the wifi password?"]) == 0
    assert capsys.readouterr().out.startswith("I don't know that yet")


def test_ask_json_reads_many_questions_from_stdin():
    """One process answers one JSON line per stdin line, with every documented field."""
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input="how many countries did china donate vaccines to\nwifi password\n\n",
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [x["outcome"] for x in lines] == ["answer", "no_match"]
    first = lines[0]
    assert set(first) >= {
        "outcome",
        "fact_id",
        "answer",
        "article",
        "source",
        "date",
        "score",
        "alternatives",
    }
    assert first["date"] == "2021-03-11" and first["article"] == "000_5aad1bd69ef44ccd"
    assert lines[1]["fact_id"] is None


def test_build_drafts_once_and_leaves_curated_facts_alone(tmp_path):
    """`factbot build` adds drafts for new articles, and a second run changes nothing."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "team_news.txt").write_text(
        " date 2024-05-02 Team news\n\nAcme opened 3 new offices in Lisbon on May 2, 2024. "
        "The weather was nice.\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "facts.yml"
    curated = (
        "facts:\n  - id: keep-me\n    questions: [q]\n    answer: a\n    quote: q\n    article: x\n"
    )
    sheet.write_text(curated, encoding="utf-8")
    assert main(["build", "--articles", str(articles), "--sheet", str(sheet)]) == 0
    once = sheet.read_text(encoding="utf-8")
    assert once.startswith(curated)
    assert "status: draft" in once and "3 new offices in Lisbon" in once
    assert "weather" not in once
    assert main(["build", "--articles", str(articles), "--sheet", str(sheet)]) == 0
    assert sheet.read_text(encoding="utf-8") == once


def test_version_and_how_to_ask(capsys):
    """`factbot --version` names the version; `factbot ask help` explains how to ask and
    answers no question."""
    import pytest

    from bot import __version__

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"factbot {__version__}"
    assert main(["ask", "help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ask FactBot a question in your own words") and "Source" not in out


def test_a_sheet_that_cannot_be_used_exits_2_from_every_command(tmp_path, monkeypatch, capsys):
    """check, serve and digest agree: unusable input is exit status 2."""
    from bot.slack import digest_job, server

    bad = tmp_path / "facts.yml"
    bad.write_text("facts:\n  - id: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("FACTBOT_FACTS", str(bad))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-real")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("FACTBOT_DB", str(tmp_path / "f.db"))
    assert main(["check", str(bad)]) == 2
    assert server.main(["--http"]) == 2
    assert digest_job.main(["--dry-run"]) == 2


def test_eval_without_a_question_set_says_how_to_give_one(tmp_path, monkeypatch, capsys):
    """An installed FactBot has no tests/data: eval names the missing set and --questions."""
    import bot.cli as cli

    monkeypatch.setattr(cli, "DEFAULT_QUESTIONS", tmp_path / "absent.yml")
    assert main(["eval"]) == 2
    assert "give one with --questions FILE" in capsys.readouterr().err


def test_digest_dry_run_imports_no_slack_and_writes_nothing(tmp_path):
    """`factbot digest --dry-run` is the core alone: no Slack module loaded, no file made."""
    code = (
        "import sys; from bot.cli import main; rc = main(['digest', '--dry-run']);"
        "print(rc, sorted(m for m in sys.modules if m.startswith(('slack', 'bot.slack'))))"
    )
    env = {"PATH": "/usr/bin:/bin", "FACTBOT_DB": str(tmp_path / "f.db"), "FACTBOT_SEMANTIC": "off"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.stdout.strip().endswith("0 []"), done.stdout[-500:] + done.stderr[-500:]
    assert list(tmp_path.iterdir()) == []
