"""The SQLite store and fact-base import/export."""

from __future__ import annotations

import filecmp
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from askbot.curation import ImportConflict, apply_import, plan_import
from askbot.errors import Conflict, StoreUnavailable
from askbot.factfiles import bundled_facts_dir, dump_yaml, load_fact_base, write_fact_base
from askbot.store import SCHEMA_VERSION, Actor, Store

ACTOR = Actor(name="tester", id="42")


async def import_dir(store: Store, directory: Path):
    plan = plan_import(await store.load_fact_base(), load_fact_base(directory))
    await apply_import(store, plan, ACTOR)
    return plan


async def test_open_applies_migrations_and_pragmas(store: Store) -> None:
    assert await store.schema_version() == SCHEMA_VERSION
    async with store.transaction() as db:
        assert (await (await db.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
        assert (await (await db.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    opened = await Store.open(path)
    async with opened.transaction() as db:
        await db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    await opened.close()
    with pytest.raises(StoreUnavailable, match="newer than this askbot"):
        await Store.open(path)


async def test_import_counts_and_reimport_changes_nothing(store: Store) -> None:
    facts = bundled_facts_dir()
    first = await import_dir(store, facts)
    expected = len(load_fact_base(facts).entries)
    assert len(first.added) == expected and not first.changed
    counts = await store.counts()
    assert counts["entries"] == expected and counts["revisions"] == expected

    second = await import_dir(store, facts)
    assert (len(second.added), len(second.changed), len(second.unchanged)) == (0, 0, expected)
    assert not second.has_changes
    assert await store.counts() == counts


async def test_import_export_import_is_byte_for_byte_lossless(store: Store, tmp_path: Path) -> None:
    facts = bundled_facts_dir()
    await import_dir(store, facts)
    exported = tmp_path / "exported"
    write_fact_base(await store.load_fact_base(), exported)
    for original in sorted(p for p in facts.rglob("*") if p.is_file() and p.name != "README.md"):
        copy = exported / original.relative_to(facts)
        assert copy.exists(), f"export lost {original.relative_to(facts)}"
        assert filecmp.cmp(original, copy, shallow=False), (
            f"{original.relative_to(facts)} differs after export"
        )
    second = await import_dir(store, exported)
    assert not second.has_changes


async def test_changed_file_makes_a_new_revision_and_keeps_the_old(
    store: Store, facts_copy: Path
) -> None:
    await import_dir(store, facts_copy)
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("status: settled", "status: settled\nretired: true"))
    plan = await import_dir(store, facts_copy)
    assert plan.retired == ["yagoda-arrest-why"]
    entry = await store.entry("yagoda-arrest-why")
    assert entry is not None and entry.retired and entry.revision == 2
    assert (await store.revision_info("yagoda-arrest-why", 1)).actor_name == "tester"
    assert "yagoda-arrest-why" not in {e.id for e in await store.entries()}


async def test_stale_file_is_a_conflict_not_an_overwrite(store: Store, facts_copy: Path) -> None:
    await import_dir(store, facts_copy)
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("status: settled", "status: settled\nretired: true"))
    await import_dir(store, facts_copy)  # database now at revision 2
    path.write_text(
        path.read_text().replace("retired: true\n", "").replace("summary: ", "summary: Edited. ")
    )
    plan = plan_import(await store.load_fact_base(), load_fact_base(facts_copy))
    assert plan.problems == [
        "entry 'yagoda-arrest-why': the file is at revision 1 but the database is at revision 2; it changed"
        " since the file was exported. Export, merge your edit, import again."
    ]
    with pytest.raises(ImportConflict):
        await apply_import(store, plan, ACTOR)


async def test_failed_import_leaves_the_database_unchanged(store: Store, facts_copy: Path) -> None:
    await import_dir(store, facts_copy)
    # An entry that exists only in the database (as if added from Discord) ...
    template = (await store.entries())[0]
    db_only = template.model_copy(
        update={"id": "db-only", "question": "Who kept the keys?", "related": []}
    )
    async with store.transaction() as db:
        await store.put_entry(db, db_only, ACTOR, "test", expected_revision=None)
    before = await store.load_fact_base()
    counts = await store.counts()
    # ... and files that add the same question under another id: the files alone are consistent, so
    # validation passes, but the database's unique rule refuses it halfway through the import.
    (facts_copy / "entries" / "a-twin.yaml").write_text(
        dump_yaml(db_only.model_copy(update={"id": "a-twin"}))
    )
    aliases = facts_copy / "aliases.yaml"
    aliases.write_text(aliases.read_text() + "- canonical: Zzz\n  kind: term\n  variants: [zz]\n")
    plan = plan_import(before, load_fact_base(facts_copy))
    assert plan.added and plan.aliases_changed and not plan.problems
    with pytest.raises(Conflict, match="UNIQUE constraint failed"):
        await apply_import(store, plan, ACTOR)
    assert await store.load_fact_base() == before
    assert await store.counts() == counts


async def test_an_upgraded_database_whose_replies_name_no_thread_loads_whole(
    store: Store, tmp_path: Path
) -> None:
    """Before schema 9 a stored reply had only ``reply_to``; the Source model now also wants
    ``thread``. The migration fills it in, so an upgrade never leaves sources (and every entry
    citing them) out of answers."""
    await apply_import(
        store, plan_import(await store.load_fact_base(), load_fact_base(bundled_facts_dir())), ACTOR
    )
    expected = await store.load_fact_base()
    await store.close()
    with closing(sqlite3.connect(tmp_path / "test.db")) as db:
        for source_id, metadata in db.execute("SELECT id, metadata FROM sources").fetchall():
            fields = json.loads(metadata)
            if fields.pop("thread", None) is not None:  # as schema 8 stored it
                fields["reply_to"] = fields.get("reply_to") or "askhistorians-great-purge-question"
                db.execute(
                    "UPDATE sources SET metadata = ? WHERE id = ?", (json.dumps(fields), source_id)
                )
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        db.commit()
    reopened = await Store.open(tmp_path / "test.db")
    try:
        upgraded = await reopened.load_fact_base()
    finally:
        await reopened.close()
    assert not upgraded.unloadable
    assert {s.id: s.thread for s in upgraded.sources} == {s.id: s.thread for s in expected.sources}
    assert len(upgraded.entries) == len(expected.entries)


# --- first use: many processes at once -----------------------------------------------------------

FIRST_USE_PROCESSES = 8
# Each process imports askbot, says it is ready, and waits for one line on stdin: they then open
# the same new database together, as `askbot ask` run from several shells or a cron burst would.
FIRST_USE_CHILD = """
import sys
from askbot.cli import main
print("ready", flush=True)
sys.stdin.readline()
sys.exit(main(["ask", "--json", "--no-record", "Why did Stalin have Yagoda arrested?"]))
"""


def test_processes_starting_at_once_on_a_new_database_create_and_fill_it_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "first-use.db"
    env = {**os.environ, "ASKBOT_DB": str(path)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_USE_CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(FIRST_USE_PROCESSES)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=120) for child in children]
    failures = [err for child, (_, err) in zip(children, results, strict=True) if child.returncode]
    assert failures == []
    assert all(json.loads(out)["status"] == "answered" for out, _ in results)

    bundled = load_fact_base(bundled_facts_dir())
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        (entries,) = db.execute("SELECT count(*) FROM entries").fetchone()
        (added,) = db.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'entry.import.add'"
        ).fetchone()
    assert entries == added == len(bundled.entries)  # filled once, not twice
