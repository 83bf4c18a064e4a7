"""Curating the fact base through the core API: refusals, conflicts, history, review, audit."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from askbot.answering import AnswerEngine, ask
from askbot.curation import (
    EditConflict,
    add_alias,
    add_entry,
    approve,
    draft_entry,
    edit_entry,
    history,
    propose,
    prune_answered,
    reject,
    revert,
    set_retired,
    stats,
)
from askbot.errors import Refused
from askbot.factfiles import load_fact_base, write_fact_base
from askbot.models import Entry
from askbot.store import Actor, Store
from support import fill

ALICE = Actor(name="Alice", id="1001")
BOB = Actor(name="Bob", id="1002")
MEMBER = Actor(name="Mel the member", id="2001")
ARREST = "yagoda-arrest-why"
ARREST_QUESTION = "Why was Yagoda arrested, according to Victor Serge?"
NEW_QUESTION = "Who did Serge say was made a scapegoat for the Zinoviev trial?"


def new_fields(**changes: Any) -> dict[str, Any]:
    """A valid new entry's fields, with ``changes`` applied."""
    fields = {
        "id": "serge-scapegoat",
        "question": NEW_QUESTION,
        "also_asked": ["Who was blamed for the Zinoviev trial?"],
        "summary": "Victor Serge wrote in 1937 that Yagoda was made to carry the blame for the trial.",
        "status": "settled",
        "citations": [
            {
                "source": "serge-1937-yagoda",
                "quote": "A scapegoat was required",
                "locator": "para. 11",
            }
        ],
    }
    return {**fields, **changes}


def with_citation(**changes: str) -> dict[str, Any]:
    return new_fields(citations=[{**new_fields()["citations"][0], **changes}])


async def engine_for(store: Store) -> AnswerEngine:
    return AnswerEngine.from_fact_base(await store.load_fact_base())


async def answered_ids(store: Store, question: str) -> list[str]:
    return [match.id for match in (await engine_for(store)).answer(question).matches]


# --- refusals: every problem named, nothing saved ------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "why"),
    [
        (new_fields(summary="   "), "summary", "at least 1 character"),
        (new_fields(summary="x" * 901), "summary", "at most 900 characters"),
        (with_citation(source="no-such-source"), "citations[0].source", "unknown source"),
        (
            with_citation(quote="Yagoda was innocent"),
            "citations[0].quote",
            "not found verbatim",
        ),
        (
            with_citation(locator="para. 7"),
            "citations[0].locator",
            "para. 7 does not contain the quote; it is in para. 11",
        ),
        (
            new_fields(question=ARREST_QUESTION.upper()),
            "question",
            f"entry '{ARREST}' already asks this question",
        ),
        (new_fields(id=ARREST), "id", f"an entry '{ARREST}' already exists"),
    ],
    ids=[
        "empty-summary",
        "long-summary",
        "unknown-source",
        "quote-not-in-source",
        "wrong-paragraph",
        "duplicate-question",
        "duplicate-id",
    ],
)
async def test_add_is_refused_with_field_and_reason_and_nothing_saved(
    filled: Store, fields: dict[str, Any], field: str, why: str
) -> None:
    counts, fact_base = await filled.counts(), await filled.load_fact_base()
    with pytest.raises(Refused) as caught:
        await add_entry(filled, draft_entry(fields), ALICE, "new")
    assert [where for where, _ in caught.value.problems] == [field]
    assert why in caught.value.problems[0][1]
    assert await filled.counts() == counts
    assert await filled.load_fact_base() == fact_base


async def test_a_valid_add_is_live_at_revision_1(filled: Store) -> None:
    stored = await add_entry(filled, draft_entry(new_fields()), ALICE, "members ask this")
    assert stored.revision == 1
    assert (await answered_ids(filled, NEW_QUESTION))[0] == "serge-scapegoat"


async def test_concurrent_adds_of_one_question_refuse_the_second_by_field(filled: Store) -> None:
    results = await asyncio.gather(
        add_entry(filled, draft_entry(new_fields()), ALICE),
        add_entry(filled, draft_entry(new_fields(id="serge-scapegoat-2")), BOB),
        return_exceptions=True,
    )
    assert isinstance(results[0], Entry)
    assert isinstance(results[1], Refused)
    assert results[1].problems == [
        ("question", "entry 'serge-scapegoat' already asks this question")
    ]
    assert await filled.entry("serge-scapegoat-2") is None


# --- no lost updates -----------------------------------------------------------------------------


async def test_second_edit_from_the_same_base_is_a_conflict_with_its_draft(filled: Store) -> None:
    base = await filled.entry(ARREST)
    assert base is not None
    first = base.model_copy(update={"summary": "Alice's summary."})
    second = base.model_copy(update={"summary": "Bob's summary."})
    await edit_entry(filled, first, base.revision, ALICE, "first")
    counts = await filled.counts()

    with pytest.raises(EditConflict) as caught:
        await edit_entry(filled, second, base.revision, BOB, "second")

    conflict = caught.value
    info = await filled.revision_info(ARREST, base.revision + 1)
    assert info is not None
    assert conflict.draft == second
    assert (conflict.current_revision, conflict.changed_by, conflict.changed_at) == (
        base.revision + 1,
        "Alice",
        info.created_at,
    )
    assert f"changed by Alice at {info.created_at}" in str(conflict)
    current = await filled.entry(ARREST)
    assert current is not None and current.summary == "Alice's summary."
    assert await filled.counts() == counts


# --- retire, restore -----------------------------------------------------------------------------


async def test_retire_hides_the_entry_keeps_its_history_and_restore_brings_it_back(
    filled: Store,
) -> None:
    assert (await answered_ids(filled, ARREST_QUESTION))[0] == ARREST

    retired = await set_retired(filled, ARREST, True, ALICE, "merged into another entry")
    assert retired.retired and retired.revision == 2
    assert ARREST not in await answered_ids(filled, ARREST_QUESTION)
    assert (await engine_for(filled)).entry(ARREST) is None
    changes = await history(filled, ARREST)
    assert [c.revision for c in changes] == [1, 2]
    assert changes[1].reason == "merged into another entry"
    assert changes[1].changes == ["retired: 'False' -> 'True'"]

    counts = await filled.counts()
    with pytest.raises(Refused, match="already retired"):
        await set_retired(filled, ARREST, True, BOB, "again")
    assert await filled.counts() == counts

    restored = await set_retired(filled, ARREST, False, BOB, "the merge was a mistake")
    assert not restored.retired and restored.revision == 3
    assert (await answered_ids(filled, ARREST_QUESTION))[0] == ARREST


async def test_retire_needs_a_reason(filled: Store) -> None:
    with pytest.raises(Refused) as caught:
        await set_retired(filled, ARREST, True, ALICE, "  ")
    assert caught.value.problems[0][0] == "reason"
    entry = await filled.entry(ARREST)
    assert entry is not None and not entry.retired


# --- history and revert --------------------------------------------------------------------------


async def test_history_is_readable_and_revert_makes_a_new_revision(filled: Store) -> None:
    original = await filled.entry(ARREST)
    assert original is not None
    edited = original.model_copy(
        update={
            "summary": original.summary + " Serge names no informant.",
            "also_asked": [*original.also_asked, "Why did Yagoda go to prison?"],
        }
    )
    await edit_entry(filled, edited, original.revision, ALICE, "add a phrasing")

    changes = await history(filled, ARREST)
    assert [(c.revision, c.actor) for c in changes] == [(1, "askbot"), (2, "Alice")]
    info = await filled.revision_info(ARREST, 2)
    assert info is not None
    assert (changes[1].at, changes[1].reason) == (info.created_at, "add a phrasing")
    assert changes[0].changes == ["created"]
    assert "also_asked: + Why did Yagoda go to prison?" in changes[1].changes
    summary_line = next(line for line in changes[1].changes if line.startswith("summary: "))
    assert "Serge names no informant." in summary_line  # the change itself, even at the end

    reverted = await revert(filled, ARREST, 1, BOB, base_revision=2)
    assert reverted.revision == 3
    current = await filled.entry(ARREST)
    assert current is not None and current.revision == 3 and current.content_equals(original)
    rows = await filled.revisions(ARREST)
    assert [r.revision for r in rows] == [1, 2, 3]
    assert rows[1].snapshot.content_equals(edited)  # history is never rewritten
    last = (await history(filled, ARREST))[-1]
    assert (last.actor, last.reason) == ("Bob", "revert to revision 1")
    assert "also_asked: - Why did Yagoda go to prison?" in last.changes


async def test_revert_to_a_missing_revision_is_refused(filled: Store) -> None:
    counts = await filled.counts()
    with pytest.raises(Refused, match="has no revision 7"):
        await revert(filled, ARREST, 7, BOB, base_revision=1)
    assert await filled.counts() == counts


# --- suggestions ---------------------------------------------------------------------------------


async def suggest_phrasing(store: Store) -> tuple[Entry, int]:
    entry = await store.entry(ARREST)
    assert entry is not None
    draft = entry.model_copy(
        update={"also_asked": [*entry.also_asked, "Was Yagoda arrested to silence him?"]}
    )
    return entry, await propose(store, draft, entry.revision, MEMBER)


async def test_approved_suggestion_goes_live_credited_to_both(filled: Store) -> None:
    entry, number = await suggest_phrasing(filled)
    unchanged = await filled.entry(ARREST)
    assert unchanged is not None and unchanged.revision == entry.revision  # not live yet
    assert [s.id for s in await filled.proposals()] == [number]

    stored = await approve(filled, number, ALICE)

    assert stored.revision == entry.revision + 1
    live = await filled.entry(ARREST)
    assert live is not None and "Was Yagoda arrested to silence him?" in live.also_asked
    info = await filled.revision_info(ARREST, stored.revision)
    assert info is not None and "Mel the member" in info.actor_name
    assert "Alice" in info.actor_name
    audit = {line.action: line for line in await filled.audit_log(limit=2)}
    assert audit["suggestion.add"].actor_name == "Mel the member"
    assert audit["suggestion.approve"].actor_name == "Alice"
    assert audit["suggestion.approve"].revision == stored.revision
    assert await filled.proposals() == []
    with pytest.raises(Refused, match="already approved by Alice"):
        await reject(filled, number, BOB, "too late")


async def test_rejected_suggestion_needs_a_reason_and_is_decided_once(filled: Store) -> None:
    entry, number = await suggest_phrasing(filled)
    with pytest.raises(Refused) as caught:
        await reject(filled, number, ALICE, " ")
    assert caught.value.problems[0][0] == "reason"
    pending = await filled.proposal(number)
    assert pending is not None and pending.state == "pending"

    await reject(filled, number, ALICE, "Serge does not say he was silenced")

    decided = await filled.proposal(number)
    assert decided is not None
    assert (decided.state, decided.decided_by, decided.reason) == (
        "rejected",
        "Alice",
        "Serge does not say he was silenced",
    )
    current = await filled.entry(ARREST)
    assert current is not None and current.revision == entry.revision
    counts = await filled.counts()
    with pytest.raises(Refused, match="already rejected by Alice"):
        await approve(filled, number, BOB)
    assert await filled.counts() == counts


async def test_a_suggestion_is_checked_when_made(filled: Store) -> None:
    with pytest.raises(Refused) as caught:
        await propose(filled, draft_entry(with_citation(quote="Yagoda was innocent")), None, MEMBER)
    assert caught.value.problems[0][0] == "citations[0].quote"
    assert await filled.proposals() == []


# --- the audit log -------------------------------------------------------------------------------


async def test_audit_log_has_who_what_which_when_why(filled: Store) -> None:
    await add_entry(filled, draft_entry(new_fields()), ALICE, "members ask this")
    await set_retired(filled, "serge-scapegoat", True, BOB, "duplicate")
    log = await filled.audit_log(limit=2)
    assert [
        (r.action, r.actor_id, r.actor_name, r.entry_id, r.revision, r.reason) for r in log
    ] == [
        ("entry.retire", "1002", "Bob", "serge-scapegoat", 2, "duplicate"),
        ("entry.add", "1001", "Alice", "serge-scapegoat", 1, "members ask this"),
    ]
    for row in log:
        assert datetime.fromisoformat(row.at).tzinfo is not None


# --- durability and export -----------------------------------------------------------------------


async def test_changes_survive_a_restart_and_are_exported(tmp_path: Path) -> None:
    path = tmp_path / "restart.db"
    store = await fill(await Store.open(path))
    try:
        entry = await store.entry(ARREST)
        assert entry is not None
        changed = entry.model_copy(update={"summary": "Serge blamed the trial. Curated text."})
        await edit_entry(store, changed, entry.revision, ALICE, "rewrite")
    finally:
        await store.close()

    async with await Store.open(path) as reopened:
        entry = await reopened.entry(ARREST)
        assert entry is not None
        assert (entry.summary, entry.revision) == ("Serge blamed the trial. Curated text.", 2)
        assert len(await history(reopened, ARREST)) == 2
        write_fact_base(await reopened.load_fact_base(), tmp_path / "out")

    text = (tmp_path / "out" / "entries" / f"{ARREST}.yaml").read_text()
    assert "summary: Serge blamed the trial. Curated text.\n" in text
    assert "revision: 2\n" in text
    exported = next(e for e in load_fact_base(tmp_path / "out").entries if e.id == ARREST)
    assert exported == entry


# --- aliases -------------------------------------------------------------------------------------


async def test_add_alias_makes_the_matcher_fold_the_variant(filled: Store) -> None:
    assert "yagoda" not in (await engine_for(filled)).matcher.normaliser.words("yehuda")
    group = await add_alias(filled, "Yagoda", "Yehuda", "person", ALICE)
    assert group.canonical == "Yagoda" and "Yehuda" in group.variants
    engine = await engine_for(filled)
    assert engine.matcher.normaliser.words("why was yehuda arrested") == [
        "why",
        "was",
        "yagoda",
        "arrest",
    ]
    assert (await filled.audit_log(limit=1))[0].action == "alias.add"


async def test_add_alias_refuses_a_name_another_group_uses(filled: Store) -> None:
    before = await filled.aliases()
    with pytest.raises(Refused) as caught:
        await add_alias(filled, "Yagoda", "Ezhov", "person", ALICE)
    assert caught.value.problems == [("variant", "'Ezhov' already belongs to 'Yezhov'")]
    with pytest.raises(Refused) as caught:
        await add_alias(filled, "ezhov", "Yezhow", "person", ALICE)  # a variant as a new group
    assert caught.value.problems[0][0] == "canonical"
    assert "'Yezhov'" in caught.value.problems[0][1]
    assert await filled.aliases() == before


async def test_concurrent_alias_additions_to_one_group_are_all_kept(filled: Store) -> None:
    await asyncio.gather(
        add_alias(filled, "Yagoda", "Yehuda", "person", ALICE),
        add_alias(filled, "Yagoda", "Enoch Yehuda", "person", BOB),
    )
    group = next(g for g in await filled.aliases() if g.canonical == "Yagoda")
    assert {"Yehuda", "Enoch Yehuda"} <= set(group.variants)


# --- how the bot is doing ------------------------------------------------------------------------


async def test_stats_count_each_outcome_and_the_top_entries(filled: Store) -> None:
    engine = await engine_for(filled)
    for question in (
        "Why did Stalin have Yagoda arrested?",
        "why did stalin have yagoda arrested",
        "When was Yezhov arrested?",
        "What if Trotsky had won?",
    ):
        await ask(engine, filled, question)
    await ask(engine, filled, "Why did Stalin have Yagoda arrested?", record=False)
    figures = await stats(filled)
    assert (figures.asked, figures.answered, figures.no_match, figures.declined) == (4, 2, 1, 1)
    assert figures.top_entries == [(ARREST, 2)]


async def test_prune_removes_only_questions_the_base_now_answers(filled: Store) -> None:
    engine = await engine_for(filled)
    await ask(engine, filled, NEW_QUESTION)
    await ask(engine, filled, "When was Yezhov arrested?")
    assert {r.example for r in await filled.unanswered()} == {
        NEW_QUESTION,
        "When was Yezhov arrested?",
    }
    assert await prune_answered(filled, engine) == 0

    await add_entry(filled, draft_entry(new_fields()), ALICE, "from the queue")
    assert await prune_answered(filled, await engine_for(filled)) == 1
    assert [r.example for r in await filled.unanswered()] == ["When was Yezhov arrested?"]


# --- load: many editors at once ------------------------------------------------------------------


async def test_concurrent_editors_lose_no_update(filled: Store) -> None:
    base = await filled.entry(ARREST)
    assert base is not None
    revisions_before = (await filled.counts())["revisions"]
    drafts = [base.model_copy(update={"summary": f"Editor {i} rewrote this."}) for i in range(100)]
    results = await asyncio.gather(
        *(edit_entry(filled, d, base.revision, Actor(name=f"e{i}")) for i, d in enumerate(drafts)),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Entry)]
    lost = [r for r in results if isinstance(r, EditConflict)]
    assert (len(won), len(lost)) == (1, 99)
    current = await filled.entry(ARREST)
    assert current is not None and current.revision == base.revision + 1
    assert current.summary == won[0].summary
    assert (await filled.counts())["revisions"] == revisions_before + 1

    async def editor(i: int) -> int:
        """Add my marker; on a conflict reload and re-apply it, as a person would."""
        for attempt in range(1, 1000):
            entry = await filled.entry(ARREST)
            assert entry is not None
            mine = entry.model_copy(update={"also_asked": [*entry.also_asked, f"marker{i:03d}"]})
            try:
                await edit_entry(filled, mine, entry.revision, Actor(name=f"r{i}"))
            except EditConflict:
                continue
            return attempt
        raise AssertionError(f"editor {i} never got through")

    await asyncio.gather(*(editor(i) for i in range(100)))
    final = await filled.entry(ARREST)
    assert final is not None and final.revision == base.revision + 1 + 100
    assert {f"marker{i:03d}" for i in range(100)} <= set(final.also_asked)
    assert len(await filled.revisions(ARREST)) == base.revision + 1 + 100
    assert await filled.integrity_check() == ["ok"]
