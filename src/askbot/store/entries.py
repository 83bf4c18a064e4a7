"""Sources, entries, aliases, revisions, the audit log and phrasing vectors."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import aiosqlite
import numpy as np
from pydantic import ValidationError

from askbot.embedding import StoredVectors
from askbot.errors import EntryUnloadable
from askbot.models import AliasGroup, Citation, Entry, FactBase, Source, UnloadableRecord
from askbot.store.database import Database, StaleRevision
from askbot.store.records import (
    Actor,
    AuditLine,
    Revision,
    RevisionInfo,
    _json_fields,
    _problem,
    utc_now,
)
from askbot.store.schema import index_paragraphs

log = logging.getLogger(__name__)


class EntryStore(Database):
    """The fact base itself and its history."""

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

    async def revision_info(self, entry_id: str, revision: int) -> RevisionInfo | None:
        async with (
            self._reading() as db,
            db.execute(
                "SELECT actor_name, created_at, reason FROM revisions WHERE entry_id = ? AND revision = ?",
                (entry_id, revision),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return RevisionInfo(**dict(row)) if row else None

    async def audit_log(self, limit: int = 100) -> list[AuditLine]:
        async with (
            self._reading() as db,
            db.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)) as cursor,
        ):
            return [AuditLine(**dict(row)) for row in await cursor.fetchall()]

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
        await index_paragraphs(db, source.text_file, text)
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

    @classmethod
    async def write_revision(
        cls,
        db: aiosqlite.Connection,
        entry: Entry,
        actor: Actor,
        reason: str | None,
        *,
        expected_revision: int | None,
        action: str,
        audited_as: Actor | None = None,
    ) -> None:
        """Write ``entry`` as a new revision and its audit line: the pair every change to an entry
        makes, inside the caller's transaction. ``audited_as`` is who the audit log names when
        the revision credits someone else (an approved proposal credits its author)."""
        await cls.put_entry(db, entry, actor, reason, expected_revision=expected_revision)
        await cls.audit(
            db,
            audited_as or actor,
            action,
            entry_id=entry.id,
            revision=entry.revision,
            reason=reason,
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

    async def revisions(self, entry_id: str) -> list[Revision]:
        """Every revision of an entry, oldest first."""
        async with self._reading() as db:
            rows = await db.execute_fetchall(
                "SELECT * FROM revisions WHERE entry_id = ? ORDER BY revision", (entry_id,)
            )
        return [Revision.from_row(row) for row in rows]

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


def _warn(records: Sequence[UnloadableRecord]) -> None:
    for record in records:
        log.warning("%s; left out of answers (`askbot db check` lists all)", record)


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
