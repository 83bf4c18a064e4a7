"""The schema as ordered migrations; its version is ``PRAGMA user_version``."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Sequence

import aiosqlite

from askbot.paragraphs import split_paragraphs

Migration = str | Callable[[aiosqlite.Connection], Awaitable[None]]


async def index_paragraphs(db: aiosqlite.Connection, document: str, text: str) -> None:
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
        await index_paragraphs(db, row["name"], row["text"])


def member_mark(secret: bytes, kind: str, member_id: str, normalised: str, entry_id: str) -> str:
    """What is kept of "this member already said so": a keyed hash of the member, the question and
    the answer together: no member id is stored and no two of a member's marks share anything.
    The secret is in the database, so a copy of it still lets someone who knows a member's id test
    whether that member flagged a given answer (README says so)."""
    message = "\0".join((kind, member_id, normalised, entry_id)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


LEARNING_TABLES = """
    CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE member_marks (
        token TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE TABLE misfires (
        id INTEGER PRIMARY KEY,
        normalised TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        example TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_flagged TEXT NOT NULL,
        last_flagged TEXT NOT NULL,
        UNIQUE (normalised, entry_id)
    );
    CREATE TABLE labels (
        normalised TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        expect TEXT NOT NULL,
        got TEXT,
        labelled_by TEXT NOT NULL,
        labelled_at TEXT NOT NULL
    );
    CREATE TABLE answer_weeks (
        week TEXT PRIMARY KEY,
        answered INTEGER NOT NULL DEFAULT 0,
        confirmed INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY,
        calibration TEXT NOT NULL,
        report TEXT NOT NULL,
        applied_by TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        reverted_by TEXT,
        reverted_at TEXT
    )
"""


async def _add_learning(db: aiosqlite.Connection) -> None:
    """8: the community teaches the bot: misfires (question and the entry it got), moderators'
    labels, weekly confirmed/flagged counts, stored calibrations; "Not what I asked" marks keep a
    keyed hash instead of the member id (the old rows are hashed, then the ids dropped)."""
    for statement in LEARNING_TABLES.split(";"):
        await db.execute(statement)
    secret = secrets.token_bytes(32)
    await db.execute("INSERT INTO meta (name, value) VALUES ('member_secret', ?)", (secret.hex(),))
    rows = await db.execute_fetchall(
        "SELECT f.normalised, f.entry_id, f.member_id, f.created_at, u.example FROM feedback f"
        " LEFT JOIN unanswered u USING (normalised)"
    )
    for row in rows:
        token = member_mark(secret, "wrong", row["member_id"], row["normalised"], row["entry_id"])
        await db.execute(
            "INSERT INTO member_marks (token, created_at) VALUES (?, ?)", (token, row["created_at"])
        )
        await db.execute(
            "INSERT INTO misfires (normalised, entry_id, example, count, first_flagged,"
            " last_flagged) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (normalised, entry_id)"
            " DO UPDATE SET count = count + 1, last_flagged = max(last_flagged, excluded.last_flagged)",
            (
                row["normalised"],
                row["entry_id"],
                row["example"] or row["normalised"],
                row["created_at"],
                row["created_at"],
            ),
        )
    await db.execute("DROP TABLE feedback")


async def _name_threads(db: aiosqlite.Connection) -> None:
    """9: a reply now names its thread (the post that opens it), which Source requires: stored
    replies get the root of their ``reply_to`` chain, so an upgraded database loads as before."""
    rows = await db.execute_fetchall("SELECT id, metadata FROM sources")
    metadata = {row["id"]: json.loads(row["metadata"]) for row in rows}

    def root(source_id: str) -> str:
        seen = {source_id}
        while (parent := metadata.get(source_id, {}).get("reply_to")) and parent not in seen:
            seen.add(parent)
            source_id = parent
        return source_id

    for source_id, fields in metadata.items():
        if fields.get("reply_to") and not fields.get("thread"):
            fields["thread"] = root(source_id)
            await db.execute(
                "UPDATE sources SET metadata = ? WHERE id = ?",
                (json.dumps(fields, ensure_ascii=False), source_id),
            )


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
    # 7: forum channels the bot replies in, and every post it has seen there (each gets at most
    # one reply, across restarts and duplicate events)
    """
    CREATE TABLE forum_channels (
        channel_id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('answer', 'point', 'rules-only')),
        answered_tag TEXT,
        rephrase_tag TEXT,
        welcome TEXT,
        problem TEXT,
        problem_at TEXT,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE INDEX forum_channels_guild ON forum_channels (guild_id);
    CREATE TABLE forum_posts (
        thread_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        guild_id INTEGER NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('answered', 'pointed', 'declined', 'welcomed', 'silent')),
        seen_at TEXT NOT NULL
    );
    """,
    # 8: the learning loop (misfires, confirmations, labels, calibrations; no member ids)
    _add_learning,
    # 9: stored replies name their thread
    _name_threads,
)


SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (migrations contain no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]
