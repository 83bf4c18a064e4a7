"""The learning loop's core: no member ids kept, retention, labels, fitting, refusing a worse
calibration."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import yaml

from askbot.answering import AnswerEngine, load_engine
from askbot.embedding import default_embedder
from askbot.errors import Refused
from askbot.evaluation import QuestionSet
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.learning import labels
from askbot.learning.calibrate import CalibrationPlan, apply_calibration
from askbot.learning.fitting import MAX_WRONG, Example, TooFewLabels, fit, model_examples
from askbot.learning.quality import Figures, Quality, describe, measure
from askbot.matching import SIGNALS_VERSION, default_calibration
from askbot.models import Entry, FactBase
from askbot.store import Actor, QueueLimits, Store

MEMBER_ID = "987654321098765432"
MODERATOR = Actor(name="mod")


async def test_no_member_id_is_stored_with_members_text(filled: Store) -> None:
    assert await filled.record_misfire("why x", "Why x?", "yagoda-arrest-why", MEMBER_ID)
    assert not await filled.record_misfire("why x", "Why x?", "yagoda-arrest-why", MEMBER_ID)
    assert await filled.record_confirmation("who y", "yagoda-arrest-why", MEMBER_ID)
    with sqlite3.connect(filled.path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                assert MEMBER_ID not in repr(row), table
    assert MEMBER_ID.encode() not in await asyncio.to_thread(Path(f"{filled.path}-wal").read_bytes)


async def test_unlabelled_questions_are_pruned_after_the_retention_limit(tmp_path: Path) -> None:
    async with await Store.open(
        tmp_path / "r.db", queue_limits=QueueLimits(retention_days=90)
    ) as store:
        await store.record_unanswered("old question", "Old question?")
        await store.record_unanswered("kept question", "Kept question?")
        await store.record_misfire("old misfire", "Old misfire?", "e", MEMBER_ID)
        queued = {q.normalised: q.ref for q in await store.queued()}
        await labels.label_none(store, queued["kept question"], MODERATOR)
        with sqlite3.connect(store.path) as db:
            db.execute("UPDATE unanswered SET first_asked = '2000-01-01T00:00:00+00:00'")
            db.execute("UPDATE misfires SET first_flagged = '2000-01-01T00:00:00+00:00'")
            db.execute("UPDATE member_marks SET created_at = '2000-01-01T00:00:00+00:00'")
        await store.trim_unanswered()
        assert await store.queued() == [] and await store.misfires() == []
        assert [label.question for label in await store.labels()] == ["Kept question?"]
        with sqlite3.connect(store.path) as db:
            assert db.execute("SELECT count(*) FROM member_marks").fetchone()[0] == 0


async def test_label_export_writes_the_shipped_question_set_format(
    filled: Store, tmp_path: Path
) -> None:
    await filled.record_unanswered(
        "what if stalin had died in 1930", "What if Stalin had died in 1930?"
    )
    ref = (await filled.queued())[0].ref
    await labels.label_rule(filled, ref, "hypothetical", MODERATOR)
    target = labels.export(await filled.labels(), tmp_path / "out")
    loaded = QuestionSet.model_validate(yaml.safe_load(target.read_text()))
    assert [(q.q, q.expect) for q in loaded.questions] == [
        ("What if Stalin had died in 1930?", "hypothetical")
    ]


async def test_a_calibration_worse_on_held_out_labels_is_refused_with_the_numbers(
    filled: Store,
) -> None:
    before = Figures(questions=9, top1=50.0, no_match=80.0, rule_declines=100.0, wrong=1, correct=6)
    after = Figures(questions=9, top1=40.0, no_match=80.0, rule_declines=100.0, wrong=3, correct=5)
    shipped = default_calibration()
    plan = CalibrationPlan(shipped, shipped, 600, 6, 9, before, after, after)
    with pytest.raises(Refused) as refused:
        await apply_calibration(filled, plan, MODERATOR)
    assert "confident wrong answers 1 -> 3" in str(refused.value)
    assert "questions handled right 6 -> 5" in str(refused.value)
    assert await filled.active_calibration() is None


def test_quality_before_any_label_says_not_available_instead_of_nan() -> None:
    """A new community has no labels yet: its moderators read "n/a", not a float's nan."""
    engine = AnswerEngine.from_fact_base(load_fact_base(bundled_facts_dir()))
    report = describe(Quality(measure(engine, []), None, None, []))
    assert report[0] == "community-labelled questions: 0"
    assert [line.split()[-1] for line in report[1:4]] == ["n/a", "n/a", "n/a"]
    assert not any("nan" in line for line in report)


async def test_a_reference_never_reaches_a_later_question_that_reuses_its_row(store: Store) -> None:
    """SQLite hands a deleted row's id to the next question; a moderator's older label button
    carries the old reference and must find nothing, not the new member's question."""
    await store.record_unanswered("first", "First question?")
    await store.record_unanswered("second", "Second question?")
    second = next(q for q in await store.queued() if q.normalised == "second")
    await store.dismiss(second)
    await store.record_unanswered("spam", "Spam spam?")
    reused = next(q for q in await store.queued() if q.normalised == "spam")
    assert reused.ref.split(".")[0] == second.ref.split(".")[0]  # the same row id, reused
    assert await store.pending_question(second.ref) is None
    assert await store.pending_question(reused.ref) == reused
    assert await store.pending_question(reused.ref.split(".")[0]) is None  # no check: refused


async def test_a_calibration_fitted_on_older_signals_is_set_aside(
    filled: Store, caplog: pytest.LogCaptureFixture
) -> None:
    shipped = default_calibration()
    assert shipped.signals == SIGNALS_VERSION
    loose = shipped.model_copy(update={"answer_threshold": 0.0})  # would answer anything
    await filled.apply_calibration(loose.model_dump_json(), "{}", MODERATOR, "current signals")
    assert (await load_engine(filled)).matcher.calibration.answer_threshold == 0.0
    older = loose.model_copy(update={"signals": SIGNALS_VERSION - 1})
    await filled.apply_calibration(older.model_dump_json(), "{}", MODERATOR, "older signals")
    engine = await load_engine(filled)
    assert engine.matcher.calibration == shipped
    assert "older version of the answer signals" in caplog.text


@pytest.fixture(scope="module")
def dev_examples() -> tuple[list[Entry], FactBase, list[Example]]:
    fact_base = load_fact_base(bundled_facts_dir())
    live = [e for e in fact_base.entries if not e.retired and e.citations]
    question_set = QuestionSet.load(Path(__file__).parent / "data" / "questions.yaml")
    return live, fact_base, model_examples(question_set.split("dev"), question_set)


def test_a_fit_keeps_the_mean_of_its_repeated_cross_validation_within_the_wrong_budget(
    dev_examples: tuple[list[Entry], FactBase, list[Example]],
) -> None:
    live, fact_base, examples = dev_examples
    result = fit(examples, live, fact_base.aliases, default_embedder(), "test")
    chosen = next(row for row in result.thresholds if row.chosen)
    assert chosen.threshold == result.calibration.answer_threshold
    assert chosen.wrong <= MAX_WRONG * len(examples)
    assert any(row.wrong != int(row.wrong) for row in result.thresholds)  # means over shuffles
    higher = [row for row in result.thresholds if row.threshold > chosen.threshold]
    assert all(row.top1 < chosen.top1 for row in higher)


def test_a_fit_is_reproducible_and_with_few_labels_picks_the_fewest_wrong_answers(
    dev_examples: tuple[list[Entry], FactBase, list[Example]],
) -> None:
    """Moderators who run calibrate twice on the same labels get the same calibration; a new
    community whose labels are too few to meet the wrong budget gets the most careful threshold."""
    live, fact_base, examples = dev_examples
    few = [e for e in examples if e.answerable][:30] + [e for e in examples if not e.answerable][
        :30
    ]
    embedder = default_embedder()
    first, second = (fit(few, live, fact_base.aliases, embedder, "test") for _ in range(2))
    assert first.calibration == second.calibration
    assert all(row.wrong > MAX_WRONG * len(few) for row in first.thresholds)  # none allowed
    chosen = next(row for row in first.thresholds if row.chosen)
    assert chosen.wrong == min(row.wrong for row in first.thresholds)


async def test_a_label_that_adds_a_phrasing_is_saved_whole_or_not_at_all(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The label and the entry's new phrasing share one transaction: when the label cannot be
    written, the entry keeps its revision and the question stays in the queue."""
    await filled.record_unanswered("why was yagoda jailed", "Why was Yagoda jailed?")
    ref = (await filled.queued())[0].ref
    before = await filled.entry("yagoda-arrest-why")
    assert before is not None

    async def disk_full(db: object, label: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "write_label", staticmethod(disk_full))
    with pytest.raises(sqlite3.OperationalError):
        await labels.label_answer(filled, ref, "yagoda-arrest-why", MODERATOR, also_asked=True)
    assert await filled.entry("yagoda-arrest-why") == before
    assert [q.ref for q in await filled.queued()] == [ref]
    monkeypatch.undo()
    label, edited = await labels.label_answer(
        filled, ref, "yagoda-arrest-why", MODERATOR, also_asked=True
    )
    assert edited is not None and edited.revision == before.revision + 1
    assert "Why was Yagoda jailed?" in edited.also_asked
    assert label.expect == "yagoda-arrest-why" and await filled.labels() == [label]
    assert await filled.queued() == []


def test_too_few_labels_to_cross_validate_are_refused_with_the_counts(
    dev_examples: tuple[list[Entry], FactBase, list[Example]],
) -> None:
    """A fold whose training part holds only right (or only wrong) answers cannot be fitted: a
    community with a handful of labels is told how many it has, not shown sklearn's error."""
    live, fact_base, examples = dev_examples
    few = [e for e in examples if e.answerable][:3] + [e for e in examples if not e.answerable][:17]
    with pytest.raises(TooFewLabels, match="each needs at least 10"):
        fit(few, live, fact_base.aliases, default_embedder(), "test")
