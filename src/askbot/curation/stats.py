"""The moderators' view of how the bot is doing, and the unanswered queue kept to what nothing answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from askbot.store import Store

if TYPE_CHECKING:
    from askbot.answering import AnswerEngine


@dataclass(frozen=True)
class Stats:
    asked: int
    answered: int
    no_match: int
    declined: int
    top_entries: list[tuple[str, int]]


async def stats(store: Store, top: int = 10) -> Stats:
    rows = await store.ask_counts()
    by_status = {
        status: sum(r.count for r in rows if r.status == status)
        for status in ("answered", "no_match", "declined")
    }
    top_entries = [(r.entry_id, r.count) for r in rows if r.status == "answered"][:top]
    return Stats(
        sum(by_status.values()),
        by_status["answered"],
        by_status["no_match"],
        by_status["declined"],
        top_entries,
    )


async def prune_answered(store: Store, engine: AnswerEngine) -> int:
    """Queued questions that the fact base now answers leave the queue; returns how many.

    At most the queue's size limit is checked, in a worker thread: the event loop never waits on
    it (a question takes milliseconds to answer, a thousand of them seconds).
    """
    queued = await store.unanswered(limit=store.queue_limits.size)

    def now_answered() -> list[str]:
        return [row.normalised for row in queued if engine.answer(row.example).status == "answered"]

    answered = await asyncio.to_thread(now_answered)
    if answered:
        async with store.transaction() as db:
            await store.remove_unanswered(db, answered)
    return len(answered)
