"""Helpers the test modules share: running the CLI in-process, and a database filled from the
bundled facts. (pytest puts this directory on sys.path: ``from support import ...``.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from askbot.bootstrap import open_store
from askbot.cli import main
from askbot.config import load_settings
from askbot.curation import apply_import, plan_import
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.store import Actor, Store

T = TypeVar("T")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI's exit code, stdout and stderr for one command line."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def with_store(action: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``action`` on the database the CLI uses (filled on first use, like the CLI does)."""

    async def go() -> T:
        async with await open_store(load_settings()) as store:
            return await action(store)

    return asyncio.run(go())


async def fill(store: Store) -> Store:
    """Import the bundled facts into an empty store, as first use does."""
    plan = plan_import(await store.load_fact_base(), load_fact_base(bundled_facts_dir()))
    await apply_import(store, plan, Actor(name="askbot"))
    return store
