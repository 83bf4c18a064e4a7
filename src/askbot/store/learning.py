"""What the community teaches the bot: misfires, members' once-only marks, moderators' labels,
weekly verdicts and the calibrations applied from them."""

from __future__ import annotations

import hashlib

import aiosqlite

from askbot.store.database import Database
from askbot.store.entries import EntryStore
from askbot.store.questions import this_week
from askbot.store.records import (
    Actor,
    AnswerWeek,
    Label,
    PendingQuestion,
    StoredCalibration,
    utc_now,
)
from askbot.store.schema import member_mark

REF_CHECK_CHARS = 4  # hex digits of the question's digest in its ref


class LearningStore(Database):
    """Signals from members and the moderators' answers to them."""

    _secret: bytes | None = None

    async def _member_secret(self, db: aiosqlite.Connection) -> bytes:
        if self._secret is None:
            rows = list(
                await db.execute_fetchall("SELECT value FROM meta WHERE name = 'member_secret'")
            )
            self._secret = bytes.fromhex(rows[0]["value"])
        return self._secret

    async def _mark_once(
        self, db: aiosqlite.Connection, kind: str, member_id: str, normalised: str, entry_id: str
    ) -> bool:
        """Whether this member said this of this question and answer for the first time."""
        token = member_mark(await self._member_secret(db), kind, member_id, normalised, entry_id)
        cursor = await db.execute(
            "INSERT INTO member_marks (token, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (token, utc_now()),
        )
        return cursor.rowcount == 1

    async def record_misfire(
        self, normalised: str, example: str, entry_id: str, member_id: str
    ) -> bool:
        """A member's "this answer missed my question": the question and the entry it got join
        the misfires, once per member, question and answer. False when already said."""
        async with self.transaction() as db:
            if not await self._mark_once(db, "wrong", member_id, normalised, entry_id):
                return False
            now = utc_now()
            await db.execute(
                "INSERT INTO misfires (normalised, entry_id, example, count, first_flagged,"
                " last_flagged) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (normalised, entry_id)"
                " DO UPDATE SET count = count + 1, example = excluded.example,"
                " last_flagged = excluded.last_flagged",
                (normalised, entry_id, example, now, now),
            )
            await self._count_verdict(db, "flagged")
        return True

    async def record_confirmation(self, normalised: str, entry_id: str, member_id: str) -> bool:
        """A member's "That answered it", counted once per member, question and answer (only
        the count is kept, not the question)."""
        async with self.transaction() as db:
            if not await self._mark_once(db, "confirm", member_id, normalised, entry_id):
                return False
            await self._count_verdict(db, "confirmed")
        return True

    @staticmethod
    async def _count_verdict(db: aiosqlite.Connection, column: str) -> None:
        await db.execute(
            f"INSERT INTO answer_weeks (week, {column}) VALUES (?, 1)"
            f" ON CONFLICT (week) DO UPDATE SET {column} = {column} + 1",
            (this_week(),),
        )

    async def answer_weeks(self, limit: int = 12) -> list[AnswerWeek]:
        """The latest weeks, oldest first."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM answer_weeks ORDER BY week DESC LIMIT ?", (limit,)
            )
        return [AnswerWeek(**dict(row)) for row in reversed(list(rows))]

    # --- labelling --------------------------------------------------------------------------------

    async def misfires(self, limit: int = 25) -> list[PendingQuestion]:
        """Flagged questions, most often flagged first."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT 'm' || id AS ref, normalised, example AS question, count,"
                " entry_id AS got, last_flagged AS last FROM misfires"
                " ORDER BY count DESC, last_flagged DESC LIMIT ?",
                (limit,),
            )
        return [_pending(row) for row in rows]

    async def queued(self, limit: int = 25) -> list[PendingQuestion]:
        """The unanswered queue, most asked first, as questions to label."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT 'u' || rowid AS ref, normalised, example AS question, count,"
                " NULL AS got, last_asked AS last FROM unanswered"
                " ORDER BY count DESC, last_asked DESC LIMIT ?",
                (limit,),
            )
        return [_pending(row) for row in rows]

    async def pending_question(self, ref: str) -> PendingQuestion | None:
        """A question by its reference (``u12.3f9a``, ``m3.b07c``), None when it is gone.

        The part after the dot checks the question itself: SQLite may give a deleted row's id
        to a new question, and a moderator's older message must never label that one."""
        row_ref, _, check = ref.partition(".")
        kind, number = row_ref[:1].lower(), row_ref[1:]
        if kind not in ("u", "m") or not number.isdigit() or not check:
            return None
        query = (
            "SELECT 'm' || id AS ref, normalised, example AS question, count, entry_id AS got,"
            " last_flagged AS last FROM misfires WHERE id = ?"
            if kind == "m"
            else "SELECT 'u' || rowid AS ref, normalised, example AS question, count, NULL AS got,"
            " last_asked AS last FROM unanswered WHERE rowid = ?"
        )
        async with self._reading() as db:
            rows = list(await db.execute_fetchall(query, (int(number),)))
        found = _pending(rows[0]) if rows else None
        return found if found is not None and found.ref == ref.lower() else None

    async def save_label(self, pending: PendingQuestion, expect: str, actor: Actor) -> Label:
        """The moderator's verdict replaces the question's place in the queues, in one step."""
        label = Label.given_now(pending, expect, actor.name)
        async with self.transaction() as db:
            await self.write_label(db, label)
        return label

    @classmethod
    async def write_label(cls, db: aiosqlite.Connection, label: Label) -> None:
        """``save_label`` inside the caller's transaction: a label that comes with an edit."""
        await db.execute(
            "INSERT OR REPLACE INTO labels (normalised, question, expect, got, labelled_by,"
            " labelled_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                label.normalised,
                label.question,
                label.expect,
                label.got,
                label.labelled_by,
                label.labelled_at,
            ),
        )
        await cls._forget_pending(db, label.normalised)

    async def dismiss(self, pending: PendingQuestion) -> None:
        """Spam or junk: the question leaves every queue and nothing of it is kept."""
        async with self.transaction() as db:
            await self._forget_pending(db, pending.normalised)

    @staticmethod
    async def _forget_pending(db: aiosqlite.Connection, normalised: str) -> None:
        await db.execute("DELETE FROM unanswered WHERE normalised = ?", (normalised,))
        await db.execute("DELETE FROM misfires WHERE normalised = ?", (normalised,))

    async def labels(self) -> list[Label]:
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM labels ORDER BY labelled_at, normalised"
            )
        return [Label(**dict(row)) for row in rows]

    # --- calibrations -----------------------------------------------------------------------------

    async def active_calibration(self) -> StoredCalibration | None:
        """The calibration the engine answers with, None for the shipped one."""
        async with self._reading() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT * FROM calibrations WHERE reverted_at IS NULL ORDER BY id DESC LIMIT 1"
                )
            )
        return StoredCalibration(**dict(rows[0])) if rows else None

    async def apply_calibration(
        self, calibration: str, report: str, actor: Actor, reason: str
    ) -> int:
        """Store a calibration as the active one, with an audit line (which also tells every
        process to reload its engine)."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO calibrations (calibration, report, applied_by, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (calibration, report, actor.name, utc_now()),
            )
            number = int(cursor.lastrowid or 0)
            await EntryStore.audit(db, actor, "calibration.apply", revision=number, reason=reason)
        return number

    async def revert_calibration(self, actor: Actor) -> StoredCalibration | None:
        """Set the active calibration aside (the one before it, or the shipped one, answers
        again); None when the shipped one is already active."""
        active = await self.active_calibration()
        if active is None:
            return None
        async with self.transaction() as db:
            await db.execute(
                "UPDATE calibrations SET reverted_by = ?, reverted_at = ? WHERE id = ?",
                (actor.name, utc_now(), active.id),
            )
            await EntryStore.audit(
                db, actor, "calibration.revert", revision=active.id, reason="calibration reverted"
            )
        return active


def _pending(row: aiosqlite.Row) -> PendingQuestion:
    """A queued or flagged question; its ref is the row's (``u12``) and a check on its text."""
    fields = dict(row)
    check = hashlib.sha256(fields["normalised"].encode()).hexdigest()[:REF_CHECK_CHARS]
    return PendingQuestion(**{**fields, "ref": f"{fields['ref']}.{check}"})
