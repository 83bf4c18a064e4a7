"""A stored row that its model refuses (written by an older askbot, or around it) never takes the
rest down: it is left out of answers with one line naming it, `db check` reports it, and every
repair path (show, history, revert, edit, import of fixed files) still works."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypeVar

import pytest

from askbot.answering import AnswerEngine
from askbot.curation import apply_import, edit_entry, history, plan_import, revert
from askbot.errors import EntryUnloadable
from askbot.factfiles import FactBaseInvalid, bundled_facts_dir, load_fact_base, write_fact_base
from askbot.store import Actor, Store
from support import run, with_store

T = TypeVar("T")
ALICE = Actor(name="Alice", id="1001")
ARREST = "yagoda-arrest-why"
SERGE = "serge-1937-yagoda"
POSITIONS_RULE = "positions: Value error, status unresolved needs at least two positions"


async def store_without_positions(store: Store, entry_id: str) -> None:
    """What an older askbot stored for `fact edit` of a file saying `status: unresolved` with
    `positions` left out: the row and its revision's snapshot, unresolved with no positions."""
    async with store.transaction() as db:
        await db.execute("UPDATE entries SET status = 'unresolved' WHERE id = ?", (entry_id,))
        await db.execute(
            "UPDATE revisions SET snapshot = json_set(snapshot, '$.status', 'unresolved')"
            " WHERE entry_id = ? AND revision = (SELECT revision FROM entries WHERE id = ?)",
            (entry_id, entry_id),
        )


async def store_impossible_date(store: Store, source_id: str) -> None:
    """A source an older askbot accepted with month 13 in its date."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE sources SET metadata = json_set(metadata, '$.csl.issued.\"date-parts\"[0][1]', 13)"
            " WHERE id = ?",
            (source_id,),
        )


async def edited_then_broken(store: Store) -> None:
    """Revision 1 of ARREST as imported, revision 2 an edit stored without its positions."""
    entry = await store.entry(ARREST)
    assert entry is not None
    await edit_entry(store, entry.model_copy(update={"summary": "Edited once."}), 1, ALICE)
    await store_without_positions(store, ARREST)


# --- loading -------------------------------------------------------------------------------------


async def test_an_entry_that_fails_its_model_is_left_out_and_everything_else_loads(
    filled: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await edited_then_broken(filled)

    with caplog.at_level(logging.WARNING, logger="askbot.store"):
        fact_base = await filled.load_fact_base()

    bundled = len(load_fact_base(bundled_facts_dir()).entries)
    assert ARREST not in {e.id for e in fact_base.entries} and len(fact_base.entries) == bundled - 1
    [record] = fact_base.unloadable
    assert (record.kind, record.id, record.revision) == ("entry", ARREST, 2)
    assert record.problem.startswith(POSITIONS_RULE)
    assert record.fields["summary"] == "Edited once." and record.fields["status"] == "unresolved"
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"entry '{ARREST}' cannot be loaded: {POSITIONS_RULE}")
    engine = AnswerEngine.from_fact_base(fact_base)
    other = fact_base.entries[0]
    assert engine.answer(other.question).matches[0].id == other.id
    assert ARREST not in {e.id for e in await filled.entries(include_retired=True)}
    with pytest.raises(EntryUnloadable, match=f"entry '{ARREST}' cannot be loaded"):
        await filled.entry(ARREST)
    assert await filled.entry(other.id) == other
    assert [r.id for r in await filled.unloadable()] == [ARREST]


async def test_a_source_that_fails_its_model_is_left_out_with_the_entries_citing_it(
    filled: Store,
) -> None:
    await store_impossible_date(filled, SERGE)

    fact_base = await filled.load_fact_base()

    assert SERGE not in {s.id for s in fact_base.sources}
    assert SERGE not in {s.id for s in await filled.sources()}
    source_record = next(r for r in fact_base.unloadable if r.kind == "source")
    assert source_record.id == SERGE and "month 13 is not a month" in source_record.problem
    citing = {r.id for r in fact_base.unloadable if r.kind == "entry"}
    assert ARREST in citing
    assert all(
        r.problem == f"it cites source '{SERGE}', which cannot be loaded"
        for r in fact_base.unloadable
        if r.kind == "entry"
    )
    assert fact_base.entries and all(
        c.source != SERGE for e in fact_base.entries for c in e.all_citations()
    )
    AnswerEngine.from_fact_base(fact_base)  # the rest still answers

    # The fixed source file repairs it; its entries, unchanged, need no new revision.
    revisions = (await filled.counts())["revisions"]
    plan = plan_import(fact_base, load_fact_base(bundled_facts_dir()))
    assert plan.sources_written == [SERGE] and not plan.problems and not plan.repaired
    await apply_import(filled, plan, ALICE)
    assert await filled.unloadable() == []
    assert len((await filled.load_fact_base()).entries) == len(
        load_fact_base(bundled_facts_dir()).entries
    )
    assert (await filled.counts())["revisions"] == revisions


# --- repairs -------------------------------------------------------------------------------------


async def test_history_and_revert_work_on_an_entry_that_cannot_be_loaded(filled: Store) -> None:
    await edited_then_broken(filled)

    changes = await history(filled, ARREST)

    assert [c.revision for c in changes] == [1, 2]
    assert "status: 'settled' -> 'unresolved'" in changes[1].changes
    assert changes[1].changes[-1].startswith(f"cannot be loaded: {POSITIONS_RULE}")
    reverted = await revert(filled, ARREST, 1, ALICE, base_revision=2)
    assert reverted.revision == 3
    current = await filled.entry(ARREST)
    assert current is not None and current.status == "settled" and current.summary != "Edited once."
    assert await filled.unloadable() == []


async def test_an_edit_from_a_fixed_file_repairs_an_entry_that_cannot_be_loaded(
    filled: Store,
) -> None:
    await edited_then_broken(filled)
    with pytest.raises(EntryUnloadable) as caught:
        await filled.entry(ARREST)
    fixed = load_fact_base(bundled_facts_dir()).entries
    draft = next(e for e in fixed if e.id == ARREST).model_copy(
        update={"summary": caught.value.record.fields["summary"], "revision": 2}
    )

    saved = await edit_entry(filled, draft, 2, ALICE, "positions were missing")

    assert saved.revision == 3
    assert await filled.entry(ARREST) == saved and await filled.unloadable() == []


async def test_export_keeps_an_entry_that_cannot_be_loaded_and_a_fixed_import_repairs_it(
    filled: Store, tmp_path: Path
) -> None:
    await edited_then_broken(filled)
    exported = tmp_path / "exported"
    write_fact_base(await filled.load_fact_base(), exported)
    path = exported / "entries" / f"{ARREST}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "summary: Edited once.\n" in text  # nothing lost on the way out
    with pytest.raises(FactBaseInvalid) as caught:
        load_fact_base(exported)
    in_file = [e.field for e in caught.value.errors if e.file.endswith(f"{ARREST}.yaml")]
    assert in_file == ["positions"]  # and refused on the way in

    path.write_text(text.replace("status: unresolved", "status: settled"), encoding="utf-8")
    plan = plan_import(await filled.load_fact_base(), load_fact_base(exported))
    assert [new.id for _, new in plan.repaired] == [ARREST] and not plan.added
    assert not plan.problems and "1 repaired" in plan.summary()
    await apply_import(filled, plan, ALICE)

    repaired = await filled.entry(ARREST)
    assert repaired is not None and (repaired.revision, repaired.summary) == (3, "Edited once.")
    assert await filled.unloadable() == []
    actions = [row.action for row in await filled.audit_log(limit=1)]
    assert actions == ["entry.import.repair"]


# --- the CLI -------------------------------------------------------------------------------------


def test_the_cli_reports_repairs_and_answers_around_an_entry_that_cannot_be_loaded(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    with_store(edited_then_broken)

    code, out, err = run(capsys, "db", "check")
    assert (code, out) == (1, "")
    assert "1 stored row(s) cannot be loaded" in err
    assert f"  entry '{ARREST}' cannot be loaded: {POSITIONS_RULE}" in err
    code, out, err = run(capsys, "db", "migrate")  # as after an upgrade: says so at once
    assert code == 1 and "nothing to migrate" in out
    assert f"entry '{ARREST}' cannot be loaded: {POSITIONS_RULE}" in err
    code, out, _ = run(capsys, "doctor")
    database = next(line for line in out.splitlines() if line.startswith("database: "))
    assert code == 1 and database.startswith("database: problem: ")
    assert f"entry '{ARREST}' cannot be loaded" in out

    caplog.clear()
    code, out, _ = run(capsys, "ask", "--json", "--no-record", "When was Yezhov arrested?")
    assert code == 0 and out.startswith("{")
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.startswith(f"entry '{ARREST}' cannot be loaded")
    assert run(capsys, "fact", "retire", "yagoda-charges", "--reason", "test")[0] == 0

    code, out, err = run(capsys, "fact", "retire", ARREST, "--reason", "test")
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"askbot: entry '{ARREST}' cannot be loaded: ")
    assert f"askbot fact revert {ARREST} N" in err

    code, out, err = run(capsys, "fact", "show", ARREST)
    assert code == 0 and out.startswith(f"id: {ARREST}\n") and "status: unresolved\n" in out
    assert (
        err.startswith(f"askbot: entry '{ARREST}' cannot be loaded") and len(err.splitlines()) == 1
    )
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(out.replace("status: unresolved", "status: settled"), encoding="utf-8")

    code, out, _ = run(capsys, "fact", "history", ARREST)
    assert code == 0 and "cannot be loaded: positions" in out

    assert run(capsys, "fact", "edit", str(fixed)) == (0, f"{ARREST} is now at revision 3\n", "")
    code, out, err = run(capsys, "db", "check")
    assert code == 0 and "integrity ok" in out and err == ""


@pytest.mark.parametrize("command", ["add", "edit"])
def test_fact_add_and_edit_refuse_a_contested_entry_without_positions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    code, shown, _ = run(capsys, "fact", "show", ARREST)
    assert code == 0
    if command == "add":
        shown = shown.replace(f"id: {ARREST}", "id: another-entry").replace(
            "question: Why was", "question: Why, really, was"
        )
    path = tmp_path / "entry.yaml"
    path.write_text(shown.replace("status: settled", "status: unresolved"), encoding="utf-8")
    counts = with_store(lambda store: store.counts())

    code, out, err = run(capsys, "fact", command, str(path))

    assert (code, out) == (1, "")
    assert f"{path}:" in err and f": {POSITIONS_RULE}" in err
    assert with_store(lambda store: store.counts()) == counts
