"""Questions as asked: outcome counts by entry and by week, the unanswered queue, and how long
members' text is kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import aiosqlite

from askbot.store.database import Database
from askbot.store.records import AskCount, AskedQuestion, QueuedQuestion, utc_now


def _days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def this_week() -> str:
    """The ISO week now, ``2026-W49``: answers and members' verdicts are counted by it."""
    year, week, _ = datetime.now(UTC).isocalendar()
    return f"{year}-W{week:02d}"


class QuestionStore(Database):
    """What members asked and how it went."""

    async def record_unanswered(self, normalised: str, example: str) -> None:
        async with self.transaction() as db:
            await self._queue_unanswered(db, normalised, example)
            await self._trim_unanswered(db)

    @staticmethod
    async def _queue_unanswered(db: aiosqlite.Connection, normalised: str, example: str) -> None:
        now = utc_now()
        await db.execute(
            "INSERT INTO unanswered (normalised, example, count, first_asked, last_asked)"
            " VALUES (?, ?, 1, ?, ?) ON CONFLICT (normalised) DO UPDATE SET count = count + 1,"
            " example = excluded.example, last_asked = excluded.last_asked",
            (normalised, example, now, now),
        )

    async def record_asked(self, asked: Sequence[AskedQuestion]) -> None:
        """Count questions by outcome, in one transaction; no-match ones also join the queue."""
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO ask_counts (status, entry_id, count) VALUES (?, ?, 1)"
                " ON CONFLICT (status, entry_id) DO UPDATE SET count = count + 1",
                [(question.status, question.entry_id or "") for question in asked],
            )
            answered = sum(question.status == "answered" for question in asked)
            if answered:
                await db.execute(
                    "INSERT INTO answer_weeks (week, answered) VALUES (?, ?)"
                    " ON CONFLICT (week) DO UPDATE SET answered = answered + excluded.answered",
                    (this_week(), answered),
                )
            for question in asked:
                if question.unanswered is not None:
                    await self._queue_unanswered(db, *question.unanswered)
            await self._trim_unanswered(db)

    async def trim_unanswered(self) -> None:
        """Apply the queue limits now (they also apply on every write to the queue)."""
        async with self.transaction() as db:
            await self._trim_unanswered(db)

    async def _trim_unanswered(self, db: aiosqlite.Connection) -> None:
        """The queue limits, and the retention limit on members' text: a question first asked
        (or flagged) longer ago than ``retention_days`` and not labelled is deleted, and so are
        the once-per-member marks as old."""
        oldest = _days_ago(self.queue_limits.max_age_days)
        await db.execute("DELETE FROM unanswered WHERE last_asked < ?", (oldest,))
        kept_from = _days_ago(self.queue_limits.retention_days)
        await db.execute("DELETE FROM unanswered WHERE first_asked < ?", (kept_from,))
        await db.execute("DELETE FROM misfires WHERE first_flagged < ?", (kept_from,))
        await db.execute("DELETE FROM member_marks WHERE created_at < ?", (kept_from,))
        await db.execute(
            "DELETE FROM unanswered WHERE normalised IN (SELECT normalised FROM unanswered"
            " ORDER BY count, last_asked LIMIT max(0, (SELECT count(*) FROM unanswered) - ?))",
            (self.queue_limits.size,),
        )

    async def ask_counts(self) -> list[AskCount]:
        async with self._reading() as db:
            rows = await db.execute_fetchall("SELECT * FROM ask_counts ORDER BY count DESC")
        return [AskCount(**dict(row)) for row in rows]

    @staticmethod
    async def remove_unanswered(db: aiosqlite.Connection, normalised: Sequence[str]) -> None:
        await db.executemany(
            "DELETE FROM unanswered WHERE normalised = ?", [(n,) for n in normalised]
        )

    async def unanswered(self, limit: int = 25) -> list[QueuedQuestion]:
        async with (
            self._reading() as db,
            db.execute(
                "SELECT * FROM unanswered ORDER BY count DESC, last_asked DESC LIMIT ?", (limit,)
            ) as cursor,
        ):
            return [QueuedQuestion(**dict(row)) for row in await cursor.fetchall()]
