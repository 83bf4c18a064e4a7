"""Shared fixtures: a private copy of the bundled facts and a throwaway database per test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from askbot.factfiles import bundled_facts_dir
from askbot.store import Store

BUNDLED_FACTS = bundled_facts_dir()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's environment, .env or database."""
    for name in (
        "ASKBOT_DB",
        "ASKBOT_FACTS_DIR",
        "ASKBOT_LOG_LEVEL",
        "ASKBOT_LOG_FORMAT",
        "ASKBOT_MOD_ROLES",
        "ASKBOT_DEV_GUILD",
        "DISCORD_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASKBOT_DB", str(tmp_path / "askbot.db"))


@pytest.fixture
def facts_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled fact base."""
    target = tmp_path / "facts"
    shutil.copytree(BUNDLED_FACTS, target)
    return target


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "test.db")
    try:
        yield opened
    finally:
        await opened.close()
