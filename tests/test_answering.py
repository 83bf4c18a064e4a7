"""question -> Answer: the JSON contract for every status, bad input, and the unanswered queue."""

from __future__ import annotations

import json
import re

import pytest

from askbot.answering import (
    MODERATOR_NOTE_LABEL,
    UNVERIFIED_BANNER,
    AnswerEngine,
    CitationView,
    EntryView,
    PositionView,
    answer_banner,
)
from askbot.cli import main
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import EntryStatus
from askbot.rules import HYPOTHETICAL, RECENT, Rule
from askbot.store import Store

FACT_BASE = load_fact_base(bundled_facts_dir())
ENGINE = AnswerEngine.from_fact_base(FACT_BASE)
ANSWER_KEYS = {
    "question",
    "status",
    "unresolved",
    "rule",
    "confidence",
    "message",
    "matches",
    "suggestions",
}
MATCH_KEYS = {
    "id",
    "question",
    "summary",
    "status",
    "score",
    "confidence",
    "positions",
    "citations",
}
CITATION_KEYS = {"source_id", "title", "author", "date", "url", "quote", "locator"}


def ask_json(capsys: pytest.CaptureFixture[str], question: str, *flags: str) -> dict:
    assert main(["ask", "--json", *flags, question]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "exactly one JSON object on one line"
    answer = json.loads(out)
    assert set(answer) == ANSWER_KEYS
    return answer


def test_answered(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "Why did Stalin have Yagoda arrested?")
    assert answer["status"] == "answered" and answer["rule"] is None and answer["suggestions"] == []
    top = answer["matches"][0]
    assert set(top) >= MATCH_KEYS and top["id"] == "yagoda-arrest-why"
    assert top["citations"] and set(top["citations"][0]) >= CITATION_KEYS
    assert answer["unresolved"] is False
    assert top["summary"] in answer["message"]


def test_unresolved_answer_says_so_first_with_positions(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "Did Stalin plan the Great Purge or did it snowball out of control?")
    top = answer["matches"][0]
    assert answer["status"] == "answered" and top["status"] in ("unresolved", "debated")
    assert answer["unresolved"] is True
    # Its positions rest on a community answer, a primary source and a comment: not historians.
    assert answer["message"].startswith("The sources here ")
    assert "Historians" not in answer["message"].split("\n", 1)[0]
    assert len(top["positions"]) >= 2
    for position in top["positions"]:
        assert position["held_by"] in answer["message"] and position["citations"]
    assert "rests on" in answer["message"]


def test_no_match_offers_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "When was Yezhov arrested?")
    assert answer["status"] == "no_match" and answer["matches"] == []
    assert 1 <= len(answer["suggestions"]) <= 3
    assert {"id", "question", "score", "confidence"} == set(answer["suggestions"][0])
    assert "will not guess" in answer["message"]
    assert answer["suggestions"][0]["question"] in answer["message"]


async def test_unanswered_queue_counts_repeats(tmp_path) -> None:
    from askbot.answering import ask

    async with await Store.open(tmp_path / "q.db") as store:
        for text in ("When was Yezhov arrested?", "when was YEZHOV arrested", "recipe for borscht"):
            await ask(ENGINE, store, text)
        await ask(ENGINE, store, "when was yezhov arrested!!", record=False)
        await ask(ENGINE, store, "Why did Stalin have Yagoda arrested?")  # answered: not queued
        queue = await store.unanswered()
    assert [(row.normalised, row.count) for row in queue] == [
        ("when was yezhov arrested", 2),
        ("recipe for borscht", 1),
    ]


def test_declined_quotes_the_rule_and_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "What if Yagoda had fled abroad in 1936?")
    assert answer["status"] == "declined" and answer["rule"] == "hypothetical"
    assert "No hypotheticals" in answer["message"] and "How to ask instead" in answer["message"]
    recent = ask_json(capsys, "Is the 2022 invasion of Ukraine like the purges?")
    assert recent["status"] == "declined" and recent["rule"] == "recent-events"


@pytest.mark.parametrize("rule", [HYPOTHETICAL, RECENT], ids=lambda rule: rule.name)
def test_a_rules_rephrasing_hint_suggests_questions_the_base_answers(rule: Rule) -> None:
    """A declined member is told how to ask instead; the examples must lead to an answer."""
    examples = re.findall(r'"([^"]+\?)"', rule.hint.split("try", 1)[-1].split("e.g.", 1)[-1])
    assert len(examples) >= 2
    for example in examples:
        assert ENGINE.answer(example).status == "answered", example


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   \n\t ",
        "why " * 1250,
        "why was\x00 yagoda\x1b[31m arrested\x07",
        "🤔🤔 yagoda?? 🔥",
        "**why** was `yagoda` _arrested_ ||spoiler|| > quote",
        "@everyone <@123456789> why did stalin have yagoda arrested",
        "Ягода",
        "Почему арестовали Ягоду?",
        "?!?!?!",
    ],
)
def test_bad_input_never_raises(question: str) -> None:
    answer = ENGINE.answer(question)
    assert answer.status in ("answered", "no_match")
    assert answer.message
    if answer.status == "answered":
        assert answer.matches[0].citations


def test_empty_question_gets_a_clear_prompt() -> None:
    answer = ENGINE.answer("   ")
    assert answer.status == "no_match" and "Please ask a question" in answer.message


def test_every_live_entry_can_be_shown_with_citations() -> None:
    for entry in FACT_BASE.entries:
        shown = ENGINE.entry(entry.id)
        assert (shown is None) == entry.retired
        if shown:
            assert shown.citations


def _entry_resting_on(
    status: EntryStatus, *kinds: tuple[str, ...], cites: str = "primary"
) -> EntryView:
    """An entry whose positions rest on sources of the given kinds (one tuple a position) and
    whose own citation is of kind ``cites``."""

    def cited(kind: str) -> CitationView:
        return CitationView(
            source_id=f"a-{kind}-source",
            title="T",
            author="A",
            date=None,
            url=None,
            kind=kind,
            quote="q",
            locator="para. 1",
        )

    positions = [
        PositionView(stance=f"stance {i}", held_by=f"holder {i}", citations=[cited(k) for k in ks])
        for i, ks in enumerate(kinds)
    ]
    return EntryView(
        id="e",
        question="Q?",
        summary="S.",
        moderator_note=None,
        status=status,
        positions=positions,
        citations=[cited(cites)],
    )


@pytest.mark.parametrize(
    ("status", "kinds", "banner"),
    [
        (EntryStatus.DEBATED, [("community",), ("primary",)], "The sources here disagree"),
        (EntryStatus.UNRESOLVED, [("community",), ("unsourced",)], "The sources here say"),
        (EntryStatus.DEBATED, [("secondary",), ("secondary",)], "Historians disagree"),
        (EntryStatus.UNRESOLVED, [("secondary",), ("secondary",)], "Historians consider"),
        (EntryStatus.DEBATED, [("secondary",), ("secondary", "primary")], "The sources here"),
    ],
)
def test_the_banner_follows_what_the_positions_rest_on(status, kinds, banner) -> None:
    """ "Historians" only when every position rests on historians' work (secondary sources)."""
    assert answer_banner(_entry_resting_on(status, *kinds)).startswith(banner)


def test_a_settled_entry_is_flagged_only_when_all_it_cites_is_unsourced() -> None:
    assert answer_banner(_entry_resting_on(EntryStatus.SETTLED)) is None
    flagged = answer_banner(_entry_resting_on(EntryStatus.SETTLED, cites="unsourced"))
    assert flagged is not None and flagged.startswith("Unverified")


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Who was Victor Serge?", "who-was-victor-serge"),
        ("Is the r/AskHistorians answer reliable?", "askhistorians-answer-reliability"),
        ("What was the real reason Yagoda fell?", "yagoda-fall-two-accounts"),
        (
            "What do 'Thermidor' and 'Eighteenth Brumaire' mean in Serge's sentence?",
            "serge-thermidor-brumaire",
        ),
    ],
)
def test_the_plain_question_finds_its_entry(question: str, entry_id: str) -> None:
    answer = ENGINE.answer(question)
    assert answer.status == "answered" and answer.matches[0].id == entry_id


def test_a_question_the_base_has_no_figures_for_is_no_match_not_an_open_question() -> None:
    """Historians have death tolls; the base does not. That is "nothing here", not "unknown"."""
    answer = ENGINE.answer("How many people died in the Great Purge?")
    assert answer.status == "no_match" and not answer.unresolved


@pytest.mark.parametrize(
    "question",
    [
        "What did Khrushchev think drove Stalin during the purges?",
        "Did Stalin know Hitler was going to invade?",
    ],
)
def test_a_recollection_nobody_can_cite_is_flagged_unverified(question: str) -> None:
    answer = ENGINE.answer(question)
    assert answer.status == "answered"
    assert answer.message.startswith(UNVERIFIED_BANNER)
    assert not answer.matches[0].summary.startswith("Yes")


def test_a_moderator_note_is_shown_labelled_apart_from_the_sources_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = ask_json(capsys, "How were Tukhachevsky's arrest, trial and execution carried out?")
    top = answer["matches"][0]
    assert top["id"] == "tukhachevsky-arrest-and-execution" and "22 May" in top["moderator_note"]
    assert "22 May" not in top["summary"]
    assert f"{MODERATOR_NOTE_LABEL}: {top['moderator_note']}" in answer["message"]
