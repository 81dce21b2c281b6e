"""Shared fixtures: the bundled core, built once per session, and a clean environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import Cluster, Unavailable

from bot.core import Core


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory: pytest.TempPathFactory):
    """Built sheets and vectors are cached in a folder of this test run, never the user's."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def core() -> Core:
    """The bundled fact sheet and articles, loaded and validated."""
    return Core()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Slack or FactBot settings, and no proxy, leak in from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "FACTBOT_")) or name.upper() in ("HTTP_PROXY", "HTTPS_PROXY"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server for this test run (see tests/postgres.py), or the tests that need
    one skip with the reason."""
    cluster = Cluster()
    try:
        cluster.start()
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database."""
    url = postgres_cluster.database()
    try:
        yield url
    finally:
        postgres_cluster.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a SQLite file, then a PostgreSQL database (each test runs on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "factbot.db")
    return str(request.getfixturevalue("postgres_url"))
