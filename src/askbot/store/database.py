"""One connection to an askbot database: opening, migrating, transactions.

One connection per process, WAL and foreign keys on, schema version in ``PRAGMA user_version``
with ordered migrations applied on open. Every user action is one transaction; a lock keeps the
coroutines sharing the connection from interleaving inside each other's transactions. Any number of
processes may open one database at once: migrations re-read the schema version under the write
lock, and a long-running process may keep a second connection for writes that must not hold up
the first (see ``askbot.service``)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from askbot.errors import Conflict, StoreUnavailable
from askbot.store.records import QueueLimits
from askbot.store.schema import MIGRATIONS, SCHEMA_VERSION, _statements

log = logging.getLogger(__name__)


def unusable(path: Path, error: sqlite3.Error) -> StoreUnavailable:
    """SQLite's failure to use a database file, in plain words for whoever runs askbot."""
    text = str(error)
    if "readonly" in text:  # the file, or the directory that must take its -wal and -shm files
        return StoreUnavailable(
            f"cannot write {path}: it or its directory is read-only for this user"
            " (askbot writes the database and its -wal and -shm files beside it)"
        )
    if text == "unable to open database file":
        return StoreUnavailable(
            f"cannot open {path}: it must be a file this user may read and write, or not exist"
            " yet in a directory this user may write"
        )
    if text.startswith("Could not decode") or not isinstance(error, sqlite3.OperationalError):
        return StoreUnavailable(
            f"{path} is damaged ({text}); restore a backup"
        )  # malformed, bad text
    return StoreUnavailable(f"cannot use {path}: {text}")  # locked, disk full, I/O error ...


class StaleRevision(Conflict):
    """An entry changed since the caller read it; nothing was written."""


class Database:
    """One connection to an askbot database: opening and migrating it, transactions, and
    what describes the file as a whole."""

    def __init__(
        self, connection: aiosqlite.Connection, path: Path, queue_limits: QueueLimits
    ) -> None:
        self._db = connection
        self._lock = asyncio.Lock()
        self.path = path
        self.queue_limits = queue_limits

    @classmethod
    async def open(
        cls, path: Path, *, migrate: bool = True, queue_limits: QueueLimits | None = None
    ) -> Self:
        """Open (creating if needed) and migrate the database at ``path``.

        ``migrate=False`` is for looking at a database as it is: checks and backups.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
            raise StoreUnavailable(
                f"cannot create the directory {path.parent} for the database: {why}"
            ) from exc
        connection = aiosqlite.connect(path, isolation_level=None)
        try:
            await connection
        except sqlite3.Error as exc:
            # aiosqlite stops its worker thread without waiting for it: wait here, or the thread
            # reports to an event loop already closed ("Event loop is closed") after our message.
            await asyncio.to_thread(connection._thread.join)
            raise unusable(path, exc) from exc
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            store = cls(connection, path, queue_limits or QueueLimits())
            if migrate:
                await store.migrate()
        except sqlite3.DatabaseError as exc:
            await connection.close()
            raise unusable(path, exc) from exc
        except BaseException:
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def migrate(self) -> tuple[int, int]:
        """Apply the pending migrations in order; the schema versions before and after.

        Each migration re-reads the version under the write lock, so processes opening a new
        database at once apply every migration exactly once between them.
        """
        before = version = self._refuse_newer(await self.schema_version())
        while version < SCHEMA_VERSION:
            async with self.transaction():
                version = self._refuse_newer(await self.schema_version())
                if version == SCHEMA_VERSION:
                    break  # another process finished the job
                migration = MIGRATIONS[version]
                if isinstance(migration, str):
                    for statement in _statements(migration):
                        await self._db.execute(statement)
                else:
                    await migration(self._db)
                version += 1
                await self._db.execute(f"PRAGMA user_version = {version}")
            log.info("migrated %s to schema version %d", self.path, version)
        return before, SCHEMA_VERSION

    def _refuse_newer(self, version: int) -> int:
        if version > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"{self.path} has schema version {version}, newer than this askbot ({SCHEMA_VERSION}); upgrade askbot"
            )
        return version

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic unit of work: everything inside commits together or not at all."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except sqlite3.IntegrityError as exc:
                await self._db.execute("ROLLBACK")
                raise Conflict(f"refused by a database rule ({exc}); nothing was saved") from exc
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads wait for any open transaction, so they never see half of one."""
        async with self._lock:
            yield self._db

    async def is_empty(self) -> bool:
        async with self._reading() as db:
            return await self.read_is_empty(db)

    @staticmethod
    async def read_is_empty(db: aiosqlite.Connection) -> bool:
        """``is_empty`` inside a transaction: re-checked under the write lock before seeding."""
        async with db.execute("SELECT 1 FROM sources LIMIT 1") as cursor:
            return await cursor.fetchone() is None

    async def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection (any process)
        commits, never for this connection's own commits. Cheap enough to poll every second."""
        async with self._reading() as db, db.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def fact_base_version(self) -> int:
        """The last audit row's id: every change to sources, entries or aliases writes one in its
        transaction, while counting questions or keeping vectors writes none."""
        async with self._reading() as db, db.execute("SELECT max(id) FROM audit_log") as cursor:
            row = await cursor.fetchone()
        return int(row[0] or 0) if row else 0

    async def counts(self) -> dict[str, int]:
        tables = (
            "documents",
            "sources",
            "entries",
            "citations",
            "aliases",
            "revisions",
            "audit_log",
            "unanswered",
        )
        result = {}
        async with self._reading() as db:
            for table in tables:
                async with db.execute(f"SELECT count(*) FROM {table}") as cursor:
                    row = await cursor.fetchone()
                    result[table] = int(row[0]) if row else 0
        return result

    async def integrity_check(self) -> list[str]:
        """SQLite's own check of the file: ``["ok"]`` when sound, else each problem it found."""
        async with self._reading() as db:
            rows = await db.execute_fetchall("PRAGMA integrity_check")
        return [str(row[0]) for row in rows]

    async def backup(self, target: Path) -> None:
        """Copy the database to ``target`` with SQLite's online backup API: one consistent
        snapshot, even while other connections write (a file copy could catch a write halfway)."""
        async with self._reading() as db, aiosqlite.connect(target) as copy:
            await db.backup(copy)
