"""The answer service: what the running bot keeps in memory and writes in the background."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from askbot import service as service_module
from askbot.bootstrap import open_store
from askbot.config import Settings
from askbot.curation import set_retired
from askbot.service import AnswerService
from askbot.store import Actor, AskedQuestion, QueueLimits, Store

QUESTION = "Why did Stalin have Yagoda arrested?"
ENTRY = "yagoda-arrest-why"


@pytest.fixture
async def answers(tmp_path: Path) -> AsyncIterator[AnswerService]:
    store = await open_store(Settings(_env_file=None, db=tmp_path / "live.db"))
    started = await AnswerService.start(store)
    try:
        yield started
    finally:
        await started.close()
        await store.close()


async def test_reload_follows_another_connections_change_but_not_its_question_counts(
    answers: AnswerService,
) -> None:
    engine = answers.engine
    async with await Store.open(answers.store.path) as cli:  # as `askbot ...` next to the bot
        await cli.record_asked([AskedQuestion("answered", ENTRY)])
        assert not await answers.reload_if_changed()
        assert answers.engine is engine and engine.entry(ENTRY) is not None

        await set_retired(cli, ENTRY, True, Actor(name="cli:test"), "retired from the CLI")
    assert await answers.reload_if_changed()
    assert answers.engine.entry(ENTRY) is None
    assert not await answers.reload_if_changed()  # nothing new since


async def test_questions_are_kept_while_the_database_is_busy_and_written_in_order(
    answers: AnswerService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "RETRY_FIRST_SECONDS", 0.01)
    recorder: Any = answers._recorder
    write = recorder.record_asked
    batches: list[list[AskedQuestion]] = []

    async def busy_once(asked: list[AskedQuestion]) -> None:
        batches.append(list(asked))
        if len(batches) == 1:
            raise sqlite3.OperationalError("database is locked")
        await write(asked)

    monkeypatch.setattr(recorder, "record_asked", busy_once)
    first = answers.ask(QUESTION)
    second = answers.ask("When was Yezhov arrested?")
    assert (first.status, second.status) == ("answered", "no_match")  # replies never waited
    await answers.recorded()

    assert [[q.status for q in batch] for batch in batches] == [
        ["answered", "no_match"],
        ["answered", "no_match"],
    ]
    counts = {(r.status, r.entry_id): r.count for r in await answers.store.ask_counts()}
    assert counts == {("answered", ENTRY): 1, ("no_match", ""): 1}


# --- the unanswered queue's limits ---------------------------------------------------------------


async def queue(store: Store, rows: list[tuple[str, int, str]]) -> None:
    """Queue questions as (text, times asked, when last asked)."""
    async with store.transaction() as db:
        await db.executemany(
            "INSERT INTO unanswered (normalised, example, count, first_asked, last_asked)"
            " VALUES (?, ?, ?, ?, ?)",
            [(text.lower(), text, count, last, last) for text, count, last in rows],
        )


async def queued(store: Store) -> list[str]:
    return sorted(row.example for row in await store.unanswered(limit=100))


async def test_a_full_queue_drops_the_least_asked_and_among_them_the_longest_unasked(
    tmp_path: Path,
) -> None:
    limits = QueueLimits(size=3, max_age_days=36_500, retention_days=36_500)
    async with await Store.open(tmp_path / "q.db", queue_limits=limits) as store:
        await queue(
            store,
            [
                ("often", 5, "2020-01-01T00:00:00+00:00"),
                ("once, long ago", 1, "2020-01-01T00:00:00+00:00"),
                ("once, lately", 1, "2024-06-01T00:00:00+00:00"),
                ("twice", 2, "2020-01-01T00:00:00+00:00"),
            ],
        )
        await store.record_unanswered("new", "new")
        assert await queued(store) == ["new", "often", "twice"]


async def test_questions_nobody_asked_within_the_age_limit_leave_the_queue(
    tmp_path: Path,
) -> None:
    limits = QueueLimits(size=100, max_age_days=30)
    async with await Store.open(tmp_path / "q.db", queue_limits=limits) as store:
        await queue(store, [("asked often, long ago", 50, "2020-01-01T00:00:00+00:00")])
        await store.record_asked([AskedQuestion("no_match", None, ("recent", "recent"))])
        assert await queued(store) == ["recent"]


async def test_the_queue_limits_come_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, db=tmp_path / "s.db", unanswered_limit=7, unanswered_days=12.5
    )
    async with await open_store(settings) as store:
        assert store.queue_limits == QueueLimits(size=7, max_age_days=12.5)
