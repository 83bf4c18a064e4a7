"""Shared fixtures: a private copy of the bundled facts and a throwaway database per test."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from askbot.factfiles import bundled_facts_dir
from askbot.store import Store
from support import fill

BUNDLED_FACTS = bundled_facts_dir()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's environment, .env or database."""
    for name in [n for n in os.environ if n.upper().startswith("ASKBOT_")]:
        monkeypatch.delenv(name)
    for name in ("DISCORD_TOKEN", "DISCORD_TOKEN_FILE"):
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


@pytest.fixture
async def filled(store: Store) -> Store:
    """The throwaway database, filled from the bundled facts."""
    return await fill(store)


ASKBOT = Path(sys.executable).with_name("askbot")
PR_CAPBSET_DROP = 24
ROOT_FILE_OVERRIDES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _bound_by_file_modes() -> None:
    """In the child, before exec: root (as in CI containers) gives up the capabilities that let
    it read and write any file, so a read-only file or directory stops it as it stops askbot's user."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in ROOT_FILE_OVERRIDES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def askbot_unprivileged() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run(*argv)``: ``askbot ARGV`` in a child process that file permissions bind, even as root."""

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ASKBOT), *argv],
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_bound_by_file_modes,
        )

    return run
