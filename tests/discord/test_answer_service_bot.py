"""The running bot and the database: changes from other processes, a busy database, a long
unanswered queue, all through the real discord.py client and the stand-in for Discord."""

# The waiting helper takes ``timeout=`` like the stand-in's own helpers do.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import threading
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from fake_discord import FakeDiscord

from askbot.answering import AnswerEngine, queue_key

QUESTION = "Why did Stalin have Yagoda arrested?"
ENTRY = "yagoda-arrest-why"
UNANSWERABLE = "When was Yezhov arrested?"


def mod(fake: FakeDiscord) -> dict[str, Any]:
    return {"roles": [fake.moderator_role_id]}


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 10) -> None:
    """Wait for background work to show in the bot or the database (which have no event to wait
    on); the timeout only turns a hang into a failure."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, what
        await asyncio.sleep(0.05)


async def test_a_change_from_the_cli_reaches_ask_and_cite_without_a_restart(
    bot_and_fake, tmp_path: Path
) -> None:
    fake, bot = bot_and_fake
    before = await fake.slash("ask", {"question": QUESTION})
    assert before.custom_ids[0] == f"askbot:sources:{ENTRY}"

    cli = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "askbot.cli", "fact", "retire", ENTRY, "--reason", "cli test"),
        env={**os.environ, "ASKBOT_DB": str(tmp_path / "bot.db")},
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await cli.communicate()
    assert cli.returncode == 0, err

    async def engine_dropped_it() -> bool:
        return bot.desk.engine.entry(ENTRY) is None

    await eventually(engine_dropped_it, "the bot never reloaded the fact base")
    after = await fake.slash("ask", {"question": QUESTION})
    assert f"askbot:sources:{ENTRY}" not in after.custom_ids
    cite = await fake.slash("cite", {"entry": ENTRY})
    assert cite.ephemeral and f"There is no entry `{ENTRY}`" in cite.content


async def test_ask_answers_while_another_process_holds_the_write_lock(
    bot_and_fake, tmp_path: Path
) -> None:
    fake, bot = bot_and_fake
    writer = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, check_same_thread=False)
    with closing(writer):
        # Taken in a thread: the bot, on this event loop, may be finishing a write of its own.
        await asyncio.to_thread(writer.execute, "BEGIN IMMEDIATE")  # as a long import would
        answered = await fake.slash("ask", {"question": QUESTION})
        unanswered = await fake.slash("ask", {"question": UNANSWERABLE})
        writer.execute("ROLLBACK")
    assert not answered.ephemeral and answered.custom_ids[0] == f"askbot:sources:{ENTRY}"
    assert unanswered.embeds[0]["title"] == "Nothing in the fact base answers this"

    await bot.desk.answers.recorded()  # both were kept and written once the lock was free
    counts = {(row.status, row.entry_id): row.count for row in await bot.desk.store.ask_counts()}
    assert counts == {("answered", ENTRY): 1, ("no_match", ""): 1}
    assert [row.example for row in await bot.desk.store.unanswered()] == [UNANSWERABLE]


async def test_a_change_replies_before_the_unanswered_queue_is_rechecked(
    bot_and_fake, monkeypatch
) -> None:
    fake, bot = bot_and_fake
    queued = [f"{QUESTION} ({n})" for n in range(5)]  # the fact base answers these
    for question in [*queued, UNANSWERABLE]:
        await bot.desk.store.record_unanswered(queue_key(question), question)

    # Re-checking a queued question waits until the test lets it go on: a re-check on the event
    # loop would freeze the bot (and the stand-in) until the gate's own timeout.
    gate = threading.Event()
    answer = AnswerEngine.answer

    def gated(engine: AnswerEngine, question: str, *args: Any, **kwargs: Any) -> Any:
        if question in queued:
            gate.wait(timeout=10)
        return answer(engine, question, *args, **kwargs)

    monkeypatch.setattr(AnswerEngine, "answer", gated)
    try:
        changed = await fake.slash(
            "fact alias", {"canonical": "Yezhov", "variant": "Yeschov"}, **mod(fake)
        )
        assert "now reads as" in changed.content
        meanwhile = await fake.slash("ask", {"question": "Who was Yagoda?"})
        assert meanwhile.custom_ids[0] == "askbot:sources:genrikh-yagoda"
    finally:
        gate.set()

    async def pruned() -> bool:
        return [row.example for row in await bot.desk.store.unanswered()] == [UNANSWERABLE]

    await eventually(pruned, "the answered questions never left the queue")
