"""Shared fixtures: the bundled core, built once per session."""

from __future__ import annotations

import pytest

from bot.core import Core


@pytest.fixture(scope="session")
def core() -> Core:
    """The bundled fact sheet and articles, loaded and validated."""
    return Core()
