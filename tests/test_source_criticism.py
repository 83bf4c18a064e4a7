"""The bundled sources' criticism (issue 14): what the documents show stays in the note, what
comes from outside them stays in labelled moderator notes, and the thread's structure is only
what the thread shows."""

from __future__ import annotations

import pytest

from askbot.factfiles import bundled_facts_dir, load_fact_base

SOURCES = {s.id: s for s in load_fact_base(bundled_facts_dir()).sources}
# How a moderator note opens: what it is about, then where it comes from.
PROVENANCE = ("(general knowledge", "(a reading of the text, with outside support")


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_outside_facts_stand_only_in_moderator_notes_that_say_where_they_come_from(
    source_id: str,
) -> None:
    source = SOURCES[source_id]
    assert source.moderator_notes, "every bundled source has context from outside it"
    for note in source.moderator_notes:
        heading = note.split(":", 1)[0]
        assert heading.endswith(")") and any(p in heading for p in PROVENANCE), note
    for own_words in (source.note, *source.discrepancies):
        assert "general knowledge" not in own_words and "outside" not in own_words.casefold()


def test_the_question_is_read_for_what_it_presumes() -> None:
    note = SOURCES["askhistorians-great-purge-question"].note
    assert "asserts nothing" not in note
    assert "“initiated”" in note and "“a million people”" in note


def test_the_comment_stands_in_the_thread_without_a_parent_the_thread_does_not_show() -> None:
    comment = SOURCES["askhistorians-great-purge-comment"]
    answer = SOURCES["askhistorians-great-purge-answer"]
    assert comment.reply_to is None and comment.thread == "askhistorians-great-purge-question"
    assert "“your question”" not in comment.note and "your question" in answer.note
    assert answer.reply_to == answer.thread == "askhistorians-great-purge-question"


def test_the_answer_is_one_view_and_its_checkable_error_is_named() -> None:
    answer = SOURCES["askhistorians-great-purge-answer"]
    assert "one view, not the consensus" in answer.note and "undated" in answer.note
    assert any("22 May 1937" in note for note in answer.moderator_notes)
    assert any("mass operations" in note for note in answer.moderator_notes)
