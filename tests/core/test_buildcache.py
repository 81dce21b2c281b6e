"""The build cache: an unchanged sheet is not checked and indexed again; any change is."""

import shutil
from pathlib import Path

import pytest

from bot import buildcache
from bot.core import load
from bot.errors import SheetError

TEAM2 = Path(__file__).resolve().parents[1] / "data" / "team2"


@pytest.fixture
def sheet(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTBOT_CACHE", str(tmp_path / "cache"))
    shutil.copytree(TEAM2 / "articles", tmp_path / "articles")
    shutil.copy(TEAM2 / "facts.yml", tmp_path / "facts.yml")
    return tmp_path


def test_an_unchanged_sheet_comes_from_the_cache(sheet, monkeypatch):
    """The second load reads the cache instead of checking the sheet again."""
    first = load(sheet / "facts.yml", sheet / "articles")
    assert list((sheet / "cache" / "factbot").glob("sheet-*.pickle"))
    monkeypatch.setattr("bot.core.read_sheet", lambda *a: pytest.fail("checked again"))
    again = load(sheet / "facts.yml", sheet / "articles")
    question = "who manages the minneapolis office"
    assert again.matcher.rank(question) == first.matcher.rank(question)
    assert again.matcher.rank(question)


def test_a_changed_sheet_is_checked_again(sheet):
    """An edit makes a new key: a broken edit is reported, not served from the cache."""
    load(sheet / "facts.yml", sheet / "articles")
    path = sheet / "facts.yml"
    path.write_text(path.read_text().replace("article: benefits", "article: nowhere", 1))
    with pytest.raises(SheetError, match="nowhere"):
        load(path, sheet / "articles")


def test_a_damaged_cache_file_is_rebuilt(sheet, caplog):
    """A cache file that is not a pickle is skipped with a warning, and the sheet built."""
    key = buildcache.key(sheet / "facts.yml", sheet / "articles")
    folder = sheet / "cache" / "factbot"
    folder.mkdir(parents=True)
    (folder / f"sheet-{key}.pickle").write_bytes(b"not a pickle")
    loaded = load(sheet / "facts.yml", sheet / "articles")
    assert loaded.matcher.profiles and "unreadable" in caplog.text


def test_a_reload_that_drops_facts_says_which_and_a_broken_one_keeps_the_last(sheet, caplog):
    """Removing facts is logged at WARNING by id; an emptied file keeps the last good sheet."""
    from bot.core import Core

    core = Core(sheet / "facts.yml", sheet / "articles")
    before = len(core.sheet.facts)
    path = sheet / "facts.yml"
    text = path.read_text()
    cut = text.index("  - id: handbook-scope")
    end = text.index("  - id:", cut + 10)
    path.write_text(text[:cut] + text[end:])
    assert core.reload() == []
    assert "dropped 1 fact(s): handbook-scope" in caplog.text
    path.write_text("")
    problems = core.reload()
    assert problems and "file is empty" in problems[0].message
    assert len(core.sheet.facts) == before - 1
