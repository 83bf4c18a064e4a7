"""Weighing members' suggestions: each changed quote shown old -> new, quotes on word boundaries
at approval too, stale suggestions rebased or their conflict named; edits that change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest

from askbot.curation import (
    approve,
    edit_entry,
    find_proposal,
    propose,
    review_proposal,
)
from askbot.errors import Refused
from askbot.models import Citation, Entry
from askbot.store import Actor, Store
from support import run, with_store

T = TypeVar("T")
ALICE = Actor(name="Alice", id="1001")
MEMBER = Actor(name="Mel the member", id="2001")
ARREST = "yagoda-arrest-why"
WITNESS = (
    "Above all was it necessary to suppress Yagoda because he had become, in his turn, an"
    " intolerably disturbing witness."
)
SHORTER = "he had become, in his turn, an intolerably disturbing witness"
CUT = "tolerably disturbing witness"  # the source says "intolerably"
PHRASING = "Was Yagoda arrested to silence him?"


def with_quote(entry: Entry, index: int, quote: str) -> Entry:
    citations = list(entry.citations)
    citations[index] = citations[index].model_copy(update={"quote": quote})
    return entry.model_copy(update={"citations": citations})


async def arrest(store: Store) -> Entry:
    entry = await store.entry(ARREST)
    assert entry is not None
    return entry


# --- each changed quote, old -> new ----------------------------------------------------------------


async def test_review_shows_each_changed_quote_old_and_new(filled: Store) -> None:
    entry = await arrest(filled)
    assert entry.citations[1].quote == WITNESS
    draft = with_quote(entry, 1, SHORTER)
    draft = draft.model_copy(
        update={
            "citations": [
                *draft.citations,
                Citation(source="serge-1937-yagoda", quote="He is accused.", locator="para. 11"),
            ]
        }
    )
    number = await propose(filled, draft, entry.revision, MEMBER)

    review = await review_proposal(filled, await find_proposal(filled, number))

    assert review.changes == [
        f"citations[1].quote: {WITNESS!r} -> {SHORTER!r}",
        "citations[5]: + serge-1937-yagoda | para. 11 | 'He is accused.'",
    ]
    assert not review.conflicts and not review.rebased


async def test_a_new_entry_suggestion_lists_its_quotes(filled: Store) -> None:
    entry = await arrest(filled)
    draft = entry.model_copy(
        update={"id": "serge-witness", "question": "Whom did Serge call a disturbing witness?"}
    )
    number = await propose(filled, draft, None, MEMBER)

    review = await review_proposal(filled, await find_proposal(filled, number))

    assert review.changes[0] == "new entry"
    assert f"citations[1]: + serge-1937-yagoda | para. 11 | {WITNESS!r}" in review.changes


async def test_a_quote_cut_mid_word_is_refused_when_suggested_and_when_approved(
    filled: Store,
) -> None:
    entry = await arrest(filled)
    draft = with_quote(entry, 1, CUT)
    with pytest.raises(Refused) as caught:
        await propose(filled, draft, entry.revision, MEMBER)
    assert caught.value.problems == [
        (
            "citations[1].quote",
            "begins or ends inside a word: para. 11 has 'intolerably disturbing witness';"
            " quote whole words",
        )
    ]
    # A suggestion stored before the rule is checked again when a moderator approves it.
    async with filled.transaction() as db:
        number = await filled.add_proposal(db, draft, entry.revision, MEMBER)
    counts = await filled.counts()
    with pytest.raises(Refused, match="begins or ends inside a word"):
        await approve(filled, number, ALICE)
    assert await filled.counts() == counts and await arrest(filled) == entry


# --- stale suggestions ---------------------------------------------------------------------------


async def test_a_stale_suggestion_is_rebased_when_later_edits_changed_other_fields(
    filled: Store,
) -> None:
    entry = await arrest(filled)
    suggested = entry.model_copy(update={"also_asked": [*entry.also_asked, PHRASING]})
    number = await propose(filled, suggested, entry.revision, MEMBER)
    summary = entry.summary + " Serge names no informant."
    await edit_entry(filled, entry.model_copy(update={"summary": summary}), 1, ALICE)

    review = await review_proposal(filled, await find_proposal(filled, number))
    assert review.rebased and review.onto_revision == 2 and not review.conflicts
    assert review.changes == [f"also_asked: + {PHRASING}"]

    stored = await approve(filled, number, ALICE)

    live = await arrest(filled)
    assert stored.revision == live.revision == 3
    assert live.summary == summary and PHRASING in live.also_asked  # both edits kept
    info = await filled.revision_info(ARREST, 3)
    assert info is not None and "rebased from revision 1 onto 2" in info.reason


async def test_a_stale_suggestion_that_changed_the_same_field_names_the_conflict(
    filled: Store,
) -> None:
    entry = await arrest(filled)
    suggested = entry.model_copy(update={"also_asked": [*entry.also_asked, PHRASING]})
    number = await propose(filled, suggested, entry.revision, MEMBER)
    mine = entry.model_copy(update={"also_asked": [*entry.also_asked, "Who arrested Yagoda?"]})
    await edit_entry(filled, mine, 1, ALICE)
    info = await filled.revision_info(ARREST, 2)
    assert info is not None
    counts = await filled.counts()

    with pytest.raises(Refused) as caught:
        await approve(filled, number, ALICE)

    assert caught.value.problems[0] == (
        "also_asked",
        f"changed by the suggestion (from revision 1) and by revision 2 (Alice, {info.created_at})",
    )
    assert caught.value.problems[1][0] == "suggestion"
    assert await filled.counts() == counts
    pending = await filled.proposal(number)
    assert pending is not None and pending.state == "pending"


# --- the CLI -------------------------------------------------------------------------------------


def test_review_show_prints_each_changed_quote_and_a_conflict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def suggest_shorter(store: Store) -> int:
        entry = await arrest(store)
        return await propose(store, with_quote(entry, 1, SHORTER), entry.revision, MEMBER)

    number = with_store(suggest_shorter)

    code, out, _ = run(capsys, "review", "show", str(number))

    assert code == 0
    assert f"    citations[1].quote: {WITNESS!r} -> {SHORTER!r}\n" in out
    assert "contents changed" not in out

    async def edit_the_same_quote(store: Store) -> None:
        entry = await arrest(store)
        await edit_entry(
            store, with_quote(entry, 1, WITNESS.removesuffix(".")), entry.revision, ALICE
        )

    with_store(edit_the_same_quote)
    code, out, _ = run(capsys, "review", "show", str(number))
    assert code == 0
    assert "edit of yagoda-arrest-why from revision 1 (now revision 2)\n" in out
    assert (
        "conflict: citations: changed by the suggestion (from revision 1) and by revision 2" in out
    )


def test_editing_an_unchanged_file_writes_no_revision_and_keeps_other_edits_fresh(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, shown, _ = run(capsys, "fact", "show", ARREST)
    assert code == 0
    unchanged, other = tmp_path / "unchanged.yaml", tmp_path / "other.yaml"
    unchanged.write_text(shown)
    other.write_text(shown.replace("summary: ", "summary: Another editor. ", 1))
    counts = with_store(lambda store: store.counts())

    result = run(capsys, "fact", "edit", str(unchanged), "--reason", "nothing")

    assert result == (0, f"{ARREST}: no change (still at revision 1)\n", "")
    assert with_store(lambda store: store.counts()) == counts
    assert run(capsys, "fact", "edit", str(other)) == (0, f"{ARREST} is now at revision 2\n", "")
