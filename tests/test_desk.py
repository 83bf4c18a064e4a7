"""The fact desk: the one door to the fact base, which keeps the engine in step and says what
changed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from askbot import service
from askbot.answering import AnswerEngine, load_engine
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


async def test_a_rebuild_longer_than_a_reply_may_wait_finishes_after_the_reply(
    live: FactDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large fact base takes longer to rebuild than Discord gives a reply: the change returns
    (and its reply goes out) while /ask still answers from the previous engine, which the new one
    replaces as soon as it is built."""
    may_finish, built = asyncio.Event(), asyncio.Event()

    async def slow_load(store: Store) -> AnswerEngine:
        await may_finish.wait()
        engine = await load_engine(store)
        asyncio.get_running_loop().call_soon(built.set)  # once the service has put it in place
        return engine

    monkeypatch.setattr(service, "REFRESH_REPLY_SECONDS", 0.01)
    monkeypatch.setattr(service, "load_engine", slow_load)
    heard: list[FactChange] = []
    live.listen(heard.append)
    # (bounded: a desk that waited for the rebuild would wait here for ever)
    await asyncio.wait_for(live.set_retired(ENTRY, True, MODERATOR, "a slow rebuild"), 10)
    assert heard == [FactChange("entry.retire", ENTRY)]
    assert live.live_entry(ENTRY) is not None  # the previous engine still answers
    may_finish.set()
    await asyncio.wait_for(built.wait(), 30)
    assert live.live_entry(ENTRY) is None


async def test_a_late_rebuild_that_fails_is_logged_and_the_last_engine_answers(
    live: FactDesk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    may_fail, failed = asyncio.Event(), asyncio.Event()

    async def failing_load(store: Store) -> AnswerEngine:
        await may_fail.wait()
        asyncio.get_running_loop().call_soon(failed.set)  # runs before the task's own callbacks
        raise RuntimeError("disk gone")

    monkeypatch.setattr(service, "REFRESH_REPLY_SECONDS", 0.01)
    monkeypatch.setattr(service, "load_engine", failing_load)
    await asyncio.wait_for(live.set_retired(ENTRY, True, MODERATOR, "a failing rebuild"), 10)
    may_fail.set()
    await asyncio.wait_for(failed.wait(), 30)
    await asyncio.sleep(0)  # the task's done callback, which logs, runs next
    assert "could not rebuild the fact base" in caplog.text and "disk gone" in caplog.text
    assert live.live_entry(ENTRY) is not None  # still answering from the last good engine


async def test_closing_stops_a_rebuild_a_reply_is_still_waiting_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shutting down mid-change: the rebuild is stopped with the service, not left running
    against a closed store."""
    waiting, never = asyncio.Event(), asyncio.Event()

    async def stuck_load(store: Store) -> AnswerEngine:
        waiting.set()
        await never.wait()
        return await load_engine(store)

    desk = await FactDesk.open(Settings(_env_file=None, db=tmp_path / "desk.db"), live=True)
    monkeypatch.setattr(service, "load_engine", stuck_load)
    change = asyncio.create_task(desk.set_retired(ENTRY, True, MODERATOR, "closing mid-change"))
    await asyncio.wait_for(waiting.wait(), 10)  # the change now waits on its rebuild
    await desk.close()
    await asyncio.gather(change, return_exceptions=True)
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "askbot-refresh"]
