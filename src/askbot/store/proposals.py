"""Members' proposals awaiting review."""

from __future__ import annotations

import aiosqlite

from askbot.errors import Conflict
from askbot.models import Entry
from askbot.store.database import Database
from askbot.store.records import Actor, Proposal, utc_now


class ProposalStore(Database):
    """Proposals: queued, counted per member, decided once."""

    @staticmethod
    async def add_proposal(
        db: aiosqlite.Connection, entry: Entry, base_revision: int | None, proposer: Actor
    ) -> int:
        cursor = await db.execute(
            "INSERT INTO suggestions (entry_id, base_revision, draft, suggester_id, suggester_name, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                base_revision,
                entry.model_dump_json(),
                proposer.id,
                proposer.name,
                utc_now(),
            ),
        )
        if cursor.lastrowid is None:  # SQLite always gives an INSERT's rowid
            raise RuntimeError("no id for the new proposal")
        return cursor.lastrowid

    @staticmethod
    async def count_pending_proposals(db: aiosqlite.Connection, proposer_id: str) -> int:
        """How many of one member's proposals await review."""
        rows = await db.execute_fetchall(
            "SELECT count(*) FROM suggestions WHERE suggester_id = ? AND state = 'pending'",
            (proposer_id,),
        )
        return int(next(iter(rows))[0])

    async def pending_proposals_by(self, proposer_id: str) -> int:
        async with self._reading() as db:
            return await self.count_pending_proposals(db, proposer_id)

    async def proposals(self, state: str = "pending", limit: int = 25) -> list[Proposal]:
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM suggestions WHERE state = ? ORDER BY id LIMIT ?", (state, limit)
            )
        return [Proposal.from_row(row) for row in rows]

    async def proposal(self, proposal_id: int) -> Proposal | None:
        async with self._reading() as db:
            rows = list(
                await db.execute_fetchall("SELECT * FROM suggestions WHERE id = ?", (proposal_id,))
            )
        return Proposal.from_row(rows[0]) if rows else None

    @staticmethod
    async def decide_proposal(
        db: aiosqlite.Connection, proposal_id: int, state: str, moderator: Actor, reason: str | None
    ) -> None:
        """Mark a pending proposal decided; refuse if someone decided it first."""
        cursor = await db.execute(
            "UPDATE suggestions SET state = ?, decided_by = ?, decided_at = ?, reason = ?"
            " WHERE id = ? AND state = 'pending'",
            (state, moderator.name, utc_now(), reason, proposal_id),
        )
        if cursor.rowcount != 1:
            raise Conflict(f"suggestion #{proposal_id} is not pending any more")
