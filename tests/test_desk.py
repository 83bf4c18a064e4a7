"""The fact desk: the one door to the fact base, which keeps the engine in step and says what
changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from askbot.config import Settings
from askbot.curation import set_retired
from askbot.desk import FactChange, FactDesk
from askbot.errors import Refused
from askbot.store import Actor, Store

ENTRY = "yagoda-arrest-why"
SERGE = "serge-1937-yagoda"
MODERATOR = Actor(name="Alice", id="1")


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[FactDesk]:
    desk = await FactDesk.open(Settings(_env_file=None, db=tmp_path / "desk.db"), live=True)
    try:
        yield desk
    finally:
        await desk.close()


async def test_a_change_through_the_desk_reaches_the_engine_and_the_listeners(
    live: FactDesk,
) -> None:
    heard: list[FactChange] = []
    live.listen(heard.append)
    assert live.live_entry(ENTRY) is not None

    await live.set_retired(ENTRY, True, MODERATOR, "testing the desk")

    assert live.live_entry(ENTRY) is None  # no manual refresh: the desk did it
    assert heard == [FactChange("entry.retire", ENTRY)]


async def test_another_processes_change_is_announced_once_noticed(live: FactDesk) -> None:
    heard: list[FactChange] = []
    live.listen(heard.append)
    async with await Store.open(live.store.path) as cli:  # as `askbot ...` next to the bot
        await set_retired(cli, ENTRY, True, Actor(name="cli:test"), "retired from the CLI")

    assert await live.answers.reload_if_changed()
    assert heard == [FactChange("reload")]
    assert live.live_entry(ENTRY) is None


async def test_a_refused_change_is_not_announced(live: FactDesk) -> None:
    heard: list[FactChange] = []
    live.listen(heard.append)
    with pytest.raises(Refused):
        await live.set_retired("no-such-entry", True, MODERATOR, "nothing to retire")
    assert heard == []


async def test_cited_by_names_the_live_entries_citing_a_source(live: FactDesk) -> None:
    citing = await live.cited_by(SERGE)
    assert ENTRY in citing and citing == sorted(citing)
    assert (await live.citation_counts())[SERGE] == len(citing)

    await live.set_retired(ENTRY, True, MODERATOR, "retired entries cite nothing")
    assert ENTRY not in await live.cited_by(SERGE)
