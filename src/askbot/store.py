"""The SQLite store: the only module that speaks SQL.

One connection per process, WAL and foreign keys on, schema version in ``PRAGMA user_version``
with ordered migrations applied on open. Every user action is one transaction; a lock keeps the
coroutines sharing the connection from interleaving inside each other's transactions. Any number of
processes may open one database at once: migrations re-read the schema version under the write
lock, and a long-running process may keep a second connection for writes that must not hold up
the first (see ``askbot.service``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np
from pydantic import ValidationError

from askbot.embedding import StoredVectors
from askbot.models import AliasGroup, Citation, Entry, FactBase, Source, UnloadableRecord
from askbot.paragraphs import split_paragraphs

log = logging.getLogger(__name__)

Migration = str | Callable[[aiosqlite.Connection], Awaitable[None]]


async def _index_paragraphs(db: aiosqlite.Connection, document: str, text: str) -> None:
    """(Re)index one document's paragraphs for full-text search."""
    await db.execute("DELETE FROM paragraph_index WHERE document = ?", (document,))
    await db.executemany(
        "INSERT INTO paragraph_index (document, paragraph, text) VALUES (?, ?, ?)",
        [
            (document, number, paragraph)
            for number, paragraph in enumerate(split_paragraphs(text), 1)
        ],
    )


async def _add_search_index(db: aiosqlite.Connection) -> None:
    """3: full-text search over source paragraphs (FTS5, bm25), filled from the stored texts."""
    await db.execute(
        "CREATE VIRTUAL TABLE paragraph_index USING fts5("
        "document UNINDEXED, paragraph UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for row in await db.execute_fetchall("SELECT name, text FROM documents"):
        await _index_paragraphs(db, row["name"], row["text"])


MIGRATIONS: Sequence[Migration] = (
    # 1: the initial schema
    """
    CREATE TABLE documents (
        name TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE TABLE sources (
        id TEXT PRIMARY KEY COLLATE NOCASE,
        kind TEXT NOT NULL,
        document TEXT NOT NULL REFERENCES documents(name),
        metadata TEXT NOT NULL
    );
    CREATE TABLE entries (
        id TEXT PRIMARY KEY COLLATE NOCASE,
        question TEXT NOT NULL,
        summary TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('settled', 'debated', 'unresolved')),
        retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        also_asked TEXT NOT NULL,
        people TEXT NOT NULL,
        tags TEXT NOT NULL,
        related TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE UNIQUE INDEX entries_live_question ON entries (question COLLATE NOCASE) WHERE retired = 0;
    CREATE TABLE positions (
        entry_id TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        stance TEXT NOT NULL,
        held_by TEXT NOT NULL,
        PRIMARY KEY (entry_id, ord)
    );
    CREATE TABLE citations (
        entry_id TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        position_ord INTEGER,
        ord INTEGER NOT NULL,
        source_id TEXT NOT NULL REFERENCES sources(id),
        quote TEXT NOT NULL,
        locator TEXT NOT NULL,
        prefix TEXT,
        suffix TEXT,
        FOREIGN KEY (entry_id, position_ord) REFERENCES positions(entry_id, ord) ON DELETE CASCADE
    );
    CREATE INDEX citations_entry ON citations (entry_id);
    CREATE INDEX citations_source ON citations (source_id);
    CREATE TABLE alias_groups (
        canonical TEXT PRIMARY KEY COLLATE NOCASE,
        kind TEXT NOT NULL,
        note TEXT,
        ord INTEGER NOT NULL
    );
    CREATE TABLE aliases (
        variant TEXT PRIMARY KEY COLLATE NOCASE,
        canonical TEXT NOT NULL REFERENCES alias_groups(canonical) ON DELETE CASCADE,
        ord INTEGER NOT NULL
    );
    CREATE TABLE revisions (
        entry_id TEXT NOT NULL REFERENCES entries(id),
        revision INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        reason TEXT,
        PRIMARY KEY (entry_id, revision)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        entry_id TEXT,
        revision INTEGER,
        reason TEXT
    );
    CREATE TABLE unanswered (
        normalised TEXT PRIMARY KEY,
        example TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_asked TEXT NOT NULL,
        last_asked TEXT NOT NULL
    );
    """,
    # 2: members' suggestions awaiting review, and how questions were answered (for /stats)
    """
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        entry_id TEXT NOT NULL,
        base_revision INTEGER,
        draft TEXT NOT NULL,
        suggester_id TEXT,
        suggester_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
        decided_by TEXT,
        decided_at TEXT,
        reason TEXT
    );
    CREATE INDEX suggestions_state ON suggestions (state, id);
    CREATE TABLE ask_counts (
        status TEXT NOT NULL CHECK (status IN ('answered', 'no_match', 'declined')),
        entry_id TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL,
        PRIMARY KEY (status, entry_id)
    );
    """,
    _add_search_index,
    # 4: each entry's phrasing vectors, computed once per revision and embedding model
    """
    CREATE TABLE entry_vectors (
        entry_id TEXT PRIMARY KEY COLLATE NOCASE REFERENCES entries(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        model_id TEXT NOT NULL,
        dimensions INTEGER NOT NULL CHECK (dimensions > 0),
        rows BLOB NOT NULL,
        scales BLOB NOT NULL
    );
    """,
    # 5: "Not what I asked" feedback, so each member counts once per question and answer; and
    # members' pending suggestions counted quickly (a member may have only a few waiting)
    """
    CREATE TABLE feedback (
        normalised TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (normalised, entry_id, member_id)
    );
    CREATE INDEX suggestions_suggester ON suggestions (suggester_id, state);
    """,
    # 6: an entry's moderator note: outside knowledge, shown labelled, never as the sources' words
    "ALTER TABLE entries ADD COLUMN moderator_note TEXT",
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """A store operation that cannot go ahead, worded for the person who asked for it."""


def unusable(path: Path, error: sqlite3.Error) -> StoreError:
    """SQLite's failure to use a database file, in plain words for whoever runs askbot."""
    text = str(error)
    if "readonly" in text:  # the file, or the directory that must take its -wal and -shm files
        return StoreError(
            f"cannot write {path}: it or its directory is read-only for this user"
            " (askbot writes the database and its -wal and -shm files beside it)"
        )
    if text == "unable to open database file":
        return StoreError(
            f"cannot open {path}: it must be a file this user may read and write, or not exist"
            " yet in a directory this user may write"
        )
    if text.startswith("Could not decode") or not isinstance(error, sqlite3.OperationalError):
        return StoreError(f"{path} is damaged ({text}); restore a backup")  # malformed, bad text
    return StoreError(f"cannot use {path}: {text}")  # locked, disk full, I/O error ...


class StaleRevision(StoreError):
    """An entry changed since the caller read it; nothing was written."""


class EntryUnloadable(StoreError):
    """The entry is stored but fails the Entry model; ``record`` holds what is stored."""

    def __init__(self, record: UnloadableRecord) -> None:
        self.record = record
        super().__init__(
            f"{record}. `askbot fact show {record.id}` prints it; fix it and save it with"
            f" `askbot fact edit FILE`, or go back with `askbot fact revert {record.id} N`"
        )


def _problem(error: ValidationError) -> str:
    """A model's refusal in one line: ``positions: Value error, ...; summary: ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or '(all)'}: {e['msg']}" for e in error.errors()
    )


def _json_fields(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {"(stored)": text}
    return data if isinstance(data, dict) else {"(stored)": data}


@dataclass(frozen=True)
class QueueLimits:
    """How much of the unanswered queue is kept: at most ``size`` questions, none left unasked for
    more than ``max_age_days``. The least asked go first, the longest unasked among them."""

    size: int = 1000
    max_age_days: float = 90.0


@dataclass(frozen=True)
class AskedQuestion:
    """One question's outcome as counted for /stats; ``unanswered`` (its queue key and an example)
    when nothing answered it and it joins the moderators' queue."""

    status: str
    entry_id: str | None = None
    unanswered: tuple[str, str] | None = None


@dataclass(frozen=True)
class Actor:
    """Who made a change: a Discord user (id and name) or a CLI user (name only)."""

    name: str
    id: str | None = None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Async access to one askbot database."""

    def __init__(
        self, connection: aiosqlite.Connection, path: Path, queue_limits: QueueLimits
    ) -> None:
        self._db = connection
        self._lock = asyncio.Lock()
        self.path = path
        self.queue_limits = queue_limits

    # --- lifecycle -------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, path: Path, *, migrate: bool = True, queue_limits: QueueLimits | None = None
    ) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        ``migrate=False`` is for looking at a database as it is: checks and backups.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
            raise StoreError(
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

    async def __aenter__(self) -> Store:
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
            raise StoreError(
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
                raise StoreError(f"refused by a database rule ({exc}); nothing was saved") from exc
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads wait for any open transaction, so they never see half of one."""
        async with self._lock:
            yield self._db

    # --- reading ---------------------------------------------------------------------------------

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

    async def load_fact_base(self) -> FactBase:
        """Everything in the database as models, retired entries included; rows that fail their
        model are left out (one warning each) and listed in ``unloadable``."""
        async with self._reading() as db:
            return await self.read_fact_base(db)

    @classmethod
    async def read_fact_base(cls, db: aiosqlite.Connection) -> FactBase:
        """``load_fact_base`` inside a transaction: what a change is about to be written into."""
        fact_base = await cls._read_everything(db)
        _warn(fact_base.unloadable)
        return fact_base

    async def unloadable(self) -> list[UnloadableRecord]:
        """Every stored entry and source that fails its model (``db check``), without warnings."""
        async with self._reading() as db:
            return (await self._read_everything(db)).unloadable

    @classmethod
    async def _read_everything(cls, db: aiosqlite.Connection) -> FactBase:
        texts = {
            row["name"]: row["text"]
            async for row in await db.execute("SELECT name, text FROM documents")
        }
        sources, broken_sources = await cls._sources(db)
        entries, broken_entries = await cls._entries(
            db, "SELECT * FROM entries ORDER BY id", (), {s.id for s in sources}
        )
        aliases = await cls.read_aliases(db)
        return FactBase(
            sources=sources,
            texts=texts,
            entries=entries,
            aliases=aliases,
            unloadable=broken_sources + broken_entries,
        )

    async def entries(self, *, include_retired: bool = False) -> list[Entry]:
        where = "" if include_retired else "WHERE retired = 0"
        async with self._reading() as db:
            sources, _ = await self._sources(db)
            entries, broken = await self._entries(
                db, f"SELECT * FROM entries {where} ORDER BY id", (), {s.id for s in sources}
            )
        _warn(broken)
        return entries

    async def entry(self, entry_id: str) -> Entry | None:
        """The entry, None if there is none; EntryUnloadable if it is stored but fails its model."""
        async with self._reading() as db:
            sources, _ = await self._sources(db)
            found, broken = await self._entries(
                db, "SELECT * FROM entries WHERE id = ?", (entry_id,), {s.id for s in sources}
            )
        if broken:
            raise EntryUnloadable(broken[0])
        return found[0] if found else None

    async def current_revision(self, entry_id: str) -> int | None:
        """The entry's revision as stored (None: no such entry), even if the entry fails its model."""
        async with self._reading() as db:
            return await self.entry_revision(db, entry_id)

    async def aliases(self) -> list[AliasGroup]:
        async with self._reading() as db:
            return await self.read_aliases(db)

    async def sources(self) -> list[Source]:
        """The sources' metadata only (no texts, no entries): cheap enough for every search."""
        async with self._reading() as db:
            sources, broken = await self._sources(db)
        _warn(broken)
        return sources

    @staticmethod
    async def _sources(db: aiosqlite.Connection) -> tuple[list[Source], list[UnloadableRecord]]:
        sources, broken = [], []
        for row in await db.execute_fetchall("SELECT id, metadata FROM sources ORDER BY id"):
            try:
                sources.append(Source.model_validate_json(row["metadata"]))
            except ValidationError as exc:
                broken.append(
                    UnloadableRecord(
                        kind="source",
                        id=row["id"],
                        fields=_json_fields(row["metadata"]),
                        problem=_problem(exc),
                    )
                )
        return sources, broken

    async def revision_info(self, entry_id: str, revision: int) -> dict[str, Any] | None:
        async with (
            self._reading() as db,
            db.execute(
                "SELECT actor_name, created_at, reason FROM revisions WHERE entry_id = ? AND revision = ?",
                (entry_id, revision),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return dict(row) if row else None

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

    async def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        async with (
            self._reading() as db,
            db.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)) as cursor,
        ):
            return [dict(row) for row in await cursor.fetchall()]

    @staticmethod
    async def _entries(
        db: aiosqlite.Connection, query: str, params: tuple[Any, ...], sources: set[str]
    ) -> tuple[list[Entry], list[UnloadableRecord]]:
        """The entries ``query`` selects, and those among them that fail the Entry model or cite
        a source not in ``sources`` (the loadable ones): one bad row never hides the others."""
        rows = await db.execute_fetchall(query, params)
        if not rows:
            return [], []
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids)) if len(ids) < 900 else None
        scope = f"WHERE entry_id IN ({marks})" if marks else ""
        scope_params = tuple(ids) if marks else ()
        positions: dict[str, list[Any]] = defaultdict(list)
        for row in await db.execute_fetchall(
            f"SELECT * FROM positions {scope} ORDER BY entry_id, ord", scope_params
        ):
            positions[row["entry_id"]].append(row)
        citations: dict[tuple[str, int | None], list[dict[str, Any]]] = defaultdict(list)
        for row in await db.execute_fetchall(
            f"SELECT * FROM citations {scope} ORDER BY entry_id, position_ord, ord", scope_params
        ):
            citations[(row["entry_id"], row["position_ord"])].append(
                {
                    "source": row["source_id"],
                    "quote": row["quote"],
                    "locator": row["locator"],
                    "prefix": row["prefix"],
                    "suffix": row["suffix"],
                }
            )
        entries, broken = [], []
        for row in rows:
            fields = {
                "id": row["id"],
                "question": row["question"],
                "also_asked": json.loads(row["also_asked"]),
                "summary": row["summary"],
                "moderator_note": row["moderator_note"],
                "status": row["status"],
                "positions": [
                    {
                        "stance": p["stance"],
                        "held_by": p["held_by"],
                        "citations": citations[(row["id"], p["ord"])],
                    }
                    for p in positions[row["id"]]
                ],
                "citations": citations[(row["id"], None)],
                "people": json.loads(row["people"]),
                "tags": json.loads(row["tags"]),
                "related": json.loads(row["related"]),
                "retired": bool(row["retired"]),
                "revision": row["revision"],
            }
            try:
                entry = Entry.model_validate(fields)
            except ValidationError as exc:
                problem = _problem(exc)
            else:
                missing = sorted({c.source for c in entry.all_citations()} - sources)
                if not missing:
                    entries.append(entry)
                    continue
                problem = f"it cites source '{missing[0]}', which cannot be loaded"
            broken.append(
                UnloadableRecord(
                    kind="entry",
                    id=row["id"],
                    revision=row["revision"],
                    fields=fields,
                    problem=problem,
                )
            )
        return entries, broken

    @staticmethod
    async def read_aliases(db: aiosqlite.Connection) -> list[AliasGroup]:
        """The alias groups, also inside a transaction (to change them without losing updates)."""
        variants: dict[str, list[str]] = defaultdict(list)
        for row in await db.execute_fetchall(
            "SELECT canonical, variant FROM aliases ORDER BY canonical, ord"
        ):
            variants[row["canonical"].casefold()].append(row["variant"])
        return [
            AliasGroup(
                canonical=row["canonical"],
                kind=row["kind"],
                note=row["note"],
                variants=variants[row["canonical"].casefold()],
            )
            for row in await db.execute_fetchall("SELECT * FROM alias_groups ORDER BY ord")
        ]

    # --- writing (call inside ``transaction()``) -------------------------------------------------

    @staticmethod
    async def entry_revision(db: aiosqlite.Connection, entry_id: str) -> int | None:
        """The entry's current revision, None if there is no such entry."""
        async with db.execute("SELECT revision FROM entries WHERE id = ?", (entry_id,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    @staticmethod
    async def put_source(db: aiosqlite.Connection, source: Source, text: str) -> None:
        digest = hashlib.sha256(text.encode()).hexdigest()
        await db.execute(
            "INSERT INTO documents (name, text, sha256) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET text = excluded.text, sha256 = excluded.sha256",
            (source.text_file, text, digest),
        )
        await _index_paragraphs(db, source.text_file, text)
        await db.execute(
            "INSERT INTO sources (id, kind, document, metadata) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, document = excluded.document, "
            "metadata = excluded.metadata",
            (source.id, source.kind.value, source.text_file, source.model_dump_json(by_alias=True)),
        )

    @staticmethod
    async def put_entry(
        db: aiosqlite.Connection,
        entry: Entry,
        actor: Actor,
        reason: str | None,
        *,
        expected_revision: int | None,
    ) -> None:
        """Write ``entry`` as its revision, keeping the snapshot; refuse if someone got there first.

        ``expected_revision`` is the revision the caller started from (None for a new entry).
        """
        now = utc_now()
        if expected_revision is None:
            await db.execute(
                "INSERT INTO entries (id, question, summary, moderator_note, status, retired, revision,"
                " also_asked, people, tags, related, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.id, *_entry_columns(entry), now, actor.name),
            )
        else:
            cursor = await db.execute(
                "UPDATE entries SET question = ?, summary = ?, moderator_note = ?, status = ?,"
                " retired = ?, revision = ?,"
                " also_asked = ?, people = ?, tags = ?, related = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ? AND revision = ?",
                (*_entry_columns(entry), now, actor.name, entry.id, expected_revision),
            )
            if cursor.rowcount != 1:
                raise StaleRevision(
                    f"entry '{entry.id}' is no longer at revision {expected_revision}"
                )
            await db.execute("DELETE FROM citations WHERE entry_id = ?", (entry.id,))
            await db.execute("DELETE FROM positions WHERE entry_id = ?", (entry.id,))
        for ord_, position in enumerate(entry.positions, 1):
            await db.execute(
                "INSERT INTO positions (entry_id, ord, stance, held_by) VALUES (?, ?, ?, ?)",
                (entry.id, ord_, position.stance, position.held_by),
            )
            await _insert_citations(db, entry.id, ord_, position.citations)
        await _insert_citations(db, entry.id, None, entry.citations)
        await db.execute(
            "INSERT INTO revisions (entry_id, revision, snapshot, actor_id, actor_name, created_at, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.revision, entry.model_dump_json(), actor.id, actor.name, now, reason),
        )

    @staticmethod
    async def replace_aliases(db: aiosqlite.Connection, groups: Sequence[AliasGroup]) -> None:
        await db.execute("DELETE FROM alias_groups")
        for ord_, group in enumerate(groups):
            await db.execute(
                "INSERT INTO alias_groups (canonical, kind, note, ord) VALUES (?, ?, ?, ?)",
                (group.canonical, group.kind, group.note, ord_),
            )
            await db.executemany(
                "INSERT INTO aliases (variant, canonical, ord) VALUES (?, ?, ?)",
                [(variant, group.canonical, i) for i, variant in enumerate(group.variants)],
            )

    @staticmethod
    async def audit(
        db: aiosqlite.Connection,
        actor: Actor,
        action: str,
        *,
        entry_id: str | None = None,
        revision: int | None = None,
        reason: str | None = None,
    ) -> None:
        await db.execute(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, entry_id, revision, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (utc_now(), actor.id, actor.name, action, entry_id, revision, reason),
        )

    async def search_paragraphs(
        self, match: str, limit: int, offset: int, marker: str
    ) -> tuple[int, list[dict[str, Any]]]:
        """Paragraphs matching an FTS5 expression, best (bm25) first, with highlighted snippets."""
        async with self._reading() as db:
            total_rows = await db.execute_fetchall(
                "SELECT count(*) FROM paragraph_index WHERE paragraph_index MATCH ?", (match,)
            )
            rows = await db.execute_fetchall(
                "SELECT document, paragraph, snippet(paragraph_index, 2, ?, ?, '…', 24) AS snippet"
                " FROM paragraph_index WHERE paragraph_index MATCH ? ORDER BY bm25(paragraph_index)"
                " LIMIT ? OFFSET ?",
                (marker, marker, match, limit, offset),
            )
        return int(total_rows[0][0]), [dict(row) for row in rows]

    async def entry_vectors(self) -> dict[str, StoredVectors]:
        """The phrasing vectors kept for entries; a row that does not decode is left out (and
        so embedded again)."""
        async with self._reading() as db:
            rows = await db.execute_fetchall("SELECT * FROM entry_vectors")
        out = {}
        for row in rows:
            dimensions = int(row["dimensions"])
            quantised = np.frombuffer(row["rows"], dtype=np.int8)
            scales = np.frombuffer(row["scales"], dtype=np.float32)
            if quantised.size != scales.size * dimensions:
                log.warning(
                    "entry %s: stored vectors do not decode; embedding again", row["entry_id"]
                )
                continue
            out[row["entry_id"]] = StoredVectors(
                row["entry_id"],
                int(row["revision"]),
                row["model_id"],
                quantised.reshape(scales.size, dimensions),
                scales,
            )
        return out

    async def put_entry_vectors(self, vectors: Sequence[StoredVectors]) -> None:
        """Keep freshly computed vectors (replacing an older revision's or model's)."""
        async with self.transaction() as db:
            await db.executemany(
                "INSERT OR REPLACE INTO entry_vectors"
                " (entry_id, revision, model_id, dimensions, rows, scales)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM entries WHERE id = ?)",
                [
                    (
                        v.entry_id,
                        v.revision,
                        v.model_id,
                        v.rows.shape[1],
                        v.rows.tobytes(),
                        v.scales.astype(np.float32).tobytes(),
                        v.entry_id,
                    )
                    for v in vectors
                ],
            )

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

    async def record_feedback(
        self, normalised: str, example: str, entry_id: str, member_id: str
    ) -> bool:
        """A member's "this answer missed my question": it joins the moderators' queue once per
        member, question and answer. False when this member had already said so."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO feedback (normalised, entry_id, member_id, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (normalised, entry_id, member_id, utc_now()),
            )
            if cursor.rowcount != 1:
                return False
            await self._queue_unanswered(db, normalised, example)
            await self._trim_unanswered(db)
        return True

    async def record_asked(self, asked: Sequence[AskedQuestion]) -> None:
        """Count questions by outcome, in one transaction; no-match ones also join the queue."""
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO ask_counts (status, entry_id, count) VALUES (?, ?, 1)"
                " ON CONFLICT (status, entry_id) DO UPDATE SET count = count + 1",
                [(question.status, question.entry_id or "") for question in asked],
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
        oldest = datetime.now(UTC) - timedelta(days=self.queue_limits.max_age_days)
        await db.execute(
            "DELETE FROM unanswered WHERE last_asked < ?", (oldest.isoformat(timespec="seconds"),)
        )
        await db.execute(
            "DELETE FROM unanswered WHERE normalised IN (SELECT normalised FROM unanswered"
            " ORDER BY count, last_asked LIMIT max(0, (SELECT count(*) FROM unanswered) - ?))",
            (self.queue_limits.size,),
        )

    async def ask_counts(self) -> list[dict[str, Any]]:
        async with self._reading() as db:
            rows = await db.execute_fetchall("SELECT * FROM ask_counts ORDER BY count DESC")
        return [dict(row) for row in rows]

    @staticmethod
    async def remove_unanswered(db: aiosqlite.Connection, normalised: Sequence[str]) -> None:
        await db.executemany(
            "DELETE FROM unanswered WHERE normalised = ?", [(n,) for n in normalised]
        )

    async def revisions(self, entry_id: str) -> list[dict[str, Any]]:
        """Every revision of an entry, oldest first: ``fields`` as stored, ``snapshot`` the Entry
        (None when it fails the model, and then ``problem`` says why)."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM revisions WHERE entry_id = ? ORDER BY revision", (entry_id,)
            )
        return [_revision(dict(row)) for row in rows]

    @staticmethod
    async def put_alias(db: aiosqlite.Connection, group: AliasGroup) -> None:
        """Create or replace one alias group."""
        await db.execute("DELETE FROM aliases WHERE canonical = ?", (group.canonical,))
        await db.execute(
            "INSERT INTO alias_groups (canonical, kind, note, ord) VALUES (?, ?, ?,"
            " (SELECT coalesce(max(ord), -1) + 1 FROM alias_groups))"
            " ON CONFLICT (canonical) DO UPDATE SET kind = excluded.kind, note = excluded.note",
            (group.canonical, group.kind, group.note),
        )
        await db.executemany(
            "INSERT INTO aliases (variant, canonical, ord) VALUES (?, ?, ?)",
            [(variant, group.canonical, i) for i, variant in enumerate(group.variants)],
        )

    @staticmethod
    async def add_suggestion(
        db: aiosqlite.Connection, entry: Entry, base_revision: int | None, suggester: Actor
    ) -> int:
        cursor = await db.execute(
            "INSERT INTO suggestions (entry_id, base_revision, draft, suggester_id, suggester_name, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                base_revision,
                entry.model_dump_json(),
                suggester.id,
                suggester.name,
                utc_now(),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @staticmethod
    async def count_pending_suggestions(db: aiosqlite.Connection, suggester_id: str) -> int:
        """How many of one member's suggestions await review."""
        rows = await db.execute_fetchall(
            "SELECT count(*) FROM suggestions WHERE suggester_id = ? AND state = 'pending'",
            (suggester_id,),
        )
        return int(next(iter(rows))[0])

    async def pending_suggestions_by(self, suggester_id: str) -> int:
        async with self._reading() as db:
            return await self.count_pending_suggestions(db, suggester_id)

    async def suggestions(self, state: str = "pending", limit: int = 25) -> list[dict[str, Any]]:
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM suggestions WHERE state = ? ORDER BY id LIMIT ?", (state, limit)
            )
        return [{**dict(row), "draft": Entry.model_validate_json(row["draft"])} for row in rows]

    async def suggestion(self, suggestion_id: int) -> dict[str, Any] | None:
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM suggestions WHERE id = ?", (suggestion_id,)
            )
        return (
            {**dict(rows[0]), "draft": Entry.model_validate_json(rows[0]["draft"])}
            if rows
            else None
        )

    @staticmethod
    async def decide_suggestion(
        db: aiosqlite.Connection,
        suggestion_id: int,
        state: str,
        moderator: Actor,
        reason: str | None,
    ) -> None:
        """Mark a pending suggestion decided; refuse if someone decided it first."""
        cursor = await db.execute(
            "UPDATE suggestions SET state = ?, decided_by = ?, decided_at = ?, reason = ?"
            " WHERE id = ? AND state = 'pending'",
            (state, moderator.name, utc_now(), reason, suggestion_id),
        )
        if cursor.rowcount != 1:
            raise StoreError(f"suggestion #{suggestion_id} is not pending any more")

    async def unanswered(self, limit: int = 25) -> list[dict[str, Any]]:
        async with (
            self._reading() as db,
            db.execute(
                "SELECT * FROM unanswered ORDER BY count DESC, last_asked DESC LIMIT ?", (limit,)
            ) as cursor,
        ):
            return [dict(row) for row in await cursor.fetchall()]


def _warn(records: Sequence[UnloadableRecord]) -> None:
    for record in records:
        log.warning("%s; left out of answers (`askbot db check` lists all)", record)


def _revision(row: dict[str, Any]) -> dict[str, Any]:
    try:
        snapshot, problem = Entry.model_validate_json(row["snapshot"]), None
    except ValidationError as exc:
        snapshot, problem = None, _problem(exc)
    return {
        **row,
        "fields": _json_fields(row["snapshot"]),
        "snapshot": snapshot,
        "problem": problem,
    }


def _entry_columns(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.question,
        entry.summary,
        entry.moderator_note,
        entry.status.value,
        int(entry.retired),
        entry.revision,
        json.dumps(entry.also_asked, ensure_ascii=False),
        json.dumps(entry.people, ensure_ascii=False),
        json.dumps(entry.tags, ensure_ascii=False),
        json.dumps(entry.related, ensure_ascii=False),
    )


async def _insert_citations(
    db: aiosqlite.Connection, entry_id: str, position_ord: int | None, citations: Sequence[Citation]
) -> None:
    await db.executemany(
        "INSERT INTO citations (entry_id, position_ord, ord, source_id, quote, locator, prefix, suffix)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (entry_id, position_ord, i, c.source, c.quote, c.locator, c.prefix, c.suffix)
            for i, c in enumerate(citations)
        ],
    )


def _statements(script: str) -> list[str]:
    """Split a migration into statements (migrations contain no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]
