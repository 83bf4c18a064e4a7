"""Forum channels as configured, and the ledger of forum posts seen (one reply each)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from askbot.forum import ForumChannel, ForumChannelSettings, ForumCounts, Outcome
from askbot.store.database import Database
from askbot.store.records import utc_now


@dataclass(frozen=True)
class PostClaim:
    """A forum post about to get its reply (``outcome``, as /stats counts it)."""

    thread_id: int
    channel_id: int
    guild_id: int
    outcome: Outcome


class ForumStore(Database):
    """Which forum channels askbot replies in, and which posts it has already handled."""

    async def save_forum_channel(self, settings: ForumChannelSettings, added_by: str) -> bool:
        """Add a channel, or change its settings (its problem note is cleared: the moderator has
        looked at it); whether it is new."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "SELECT 1 FROM forum_channels WHERE channel_id = ?", (settings.channel_id,)
            )
            existed = await cursor.fetchone() is not None
            await db.execute(
                "INSERT INTO forum_channels (channel_id, guild_id, mode, answered_tag,"
                " rephrase_tag, welcome, problem, problem_at, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?) ON CONFLICT (channel_id) DO UPDATE"
                " SET guild_id = excluded.guild_id, mode = excluded.mode,"
                " answered_tag = excluded.answered_tag, rephrase_tag = excluded.rephrase_tag,"
                " welcome = excluded.welcome, problem = NULL, problem_at = NULL,"
                " added_by = excluded.added_by, added_at = excluded.added_at",
                (
                    settings.channel_id,
                    settings.guild_id,
                    settings.mode,
                    settings.answered_tag,
                    settings.rephrase_tag,
                    settings.welcome,
                    added_by,
                    utc_now(),
                ),
            )
        return not existed

    async def remove_forum_channel(self, channel_id: int, guild_id: int | None = None) -> bool:
        """Stop replying in a channel (of ``guild_id``, when given); whether it was configured."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM forum_channels WHERE channel_id = ? AND (? IS NULL OR guild_id = ?)",
                (channel_id, guild_id, guild_id),
            )
            return cursor.rowcount == 1

    async def forum_channel(self, channel_id: int) -> ForumChannel | None:
        async with (
            self._reading() as db,
            db.execute(
                "SELECT * FROM forum_channels WHERE channel_id = ?", (channel_id,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return ForumChannel(**dict(row)) if row else None

    async def forum_channels(self, guild_id: int | None = None) -> list[ForumChannel]:
        """The configured channels (of one guild, when given)."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM forum_channels WHERE ? IS NULL OR guild_id = ?"
                " ORDER BY guild_id, channel_id",
                (guild_id, guild_id),
            )
        return [ForumChannel(**dict(row)) for row in rows]

    async def note_forum_problem(self, channel_id: int, problem: str | None) -> bool:
        """Keep (or, with None, clear) the note moderators see on a channel; whether it changed
        (so that posts failing at once, even in two processes, log the problem once)."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE forum_channels SET problem = ?, problem_at = ?"
                " WHERE channel_id = ? AND problem IS NOT ?",
                (problem, utc_now() if problem else None, channel_id, problem),
            )
            return cursor.rowcount == 1

    async def claim_forum_post(
        self, thread_id: int, channel_id: int, guild_id: int, outcome: Outcome
    ) -> bool:
        """Record a post as handled, once: False when it already was (a duplicate event, or a
        post handled before a restart), and then nothing is posted again."""
        [claimed] = await self.claim_forum_posts(
            [PostClaim(thread_id, channel_id, guild_id, outcome)]
        )
        return claimed

    async def claim_forum_posts(self, claims: Sequence[PostClaim]) -> list[bool]:
        """``claim_forum_post`` for many posts in one transaction: whether each was claimed."""
        claimed = []
        async with self.transaction() as db:
            for claim in claims:
                cursor = await db.execute(
                    "INSERT INTO forum_posts (thread_id, channel_id, guild_id, outcome, seen_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (thread_id) DO NOTHING",
                    (claim.thread_id, claim.channel_id, claim.guild_id, claim.outcome, utc_now()),
                )
                claimed.append(cursor.rowcount == 1)
        return claimed

    async def forum_counts(self) -> ForumCounts:
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT outcome, count(*) AS n FROM forum_posts GROUP BY outcome"
            )
        by_outcome = {row["outcome"]: int(row["n"]) for row in rows}
        return ForumCounts(
            seen=sum(by_outcome.values()),
            answered=by_outcome.get("answered", 0),
            pointed=by_outcome.get("pointed", 0),
            declined=by_outcome.get("declined", 0),
        )


class PostLedger:
    """Claims of forum posts, written together: posts that arrive at once (twenty in a second)
    cost a transaction or two, not one commit each in a queue that each reply waits behind."""

    def __init__(self, store: ForumStore) -> None:
        self._store = store
        self._waiting: list[tuple[PostClaim, asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def claim(self, claim: PostClaim) -> bool:
        """Whether this post is ours to reply to (False: already handled)."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append((claim, answer))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write(), name="askbot-forum-claims")
        return await answer

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                claimed = await self._store.claim_forum_posts([claim for claim, _ in batch])
            except Exception as exc:  # each waiting post fails with it; the next batch tries anew
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), won in zip(batch, claimed, strict=True):
                if not answer.done():
                    answer.set_result(won)
