"""``askbot calibrate``: refit the answerability model on the shipped dev set plus the
community's labels, judge it on the held-out third of those labels, and keep it only when told
to and only when it is not worse."""

from __future__ import annotations

import asyncio
import importlib.resources
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from askbot.answering import AnswerEngine
from askbot.embedding import default_embedder
from askbot.errors import Refused
from askbot.evaluation import QuestionSet
from askbot.learning.fitting import Example, fit, model_examples
from askbot.learning.labels import RULES, community_split
from askbot.learning.quality import Figures, measure, worse
from askbot.matching import Calibration, default_calibration
from askbot.store import Actor, Label, Store

SHIPPED_QUESTIONS = "_questions.yaml"


def shipped_questions() -> QuestionSet:
    """The labelled set shipped with askbot: inside the wheel, or tests/data/ of a checkout."""
    packaged = Path(str(importlib.resources.files("askbot") / SHIPPED_QUESTIONS))
    if not packaged.is_file():
        packaged = Path(__file__).resolve().parents[3] / "tests" / "data" / "questions.yaml"
    return QuestionSet.load(packaged)


@dataclass(frozen=True)
class CalibrationPlan:
    """A refit and what it would change on the held-out community labels."""

    calibration: Calibration
    current: Calibration
    trained_on: int  # shipped dev questions plus community labels
    community_trained: int
    held_out: int
    before: Figures
    after: Figures
    after_all: Figures  # every community label, with the new calibration

    @property
    def worse(self) -> list[str]:
        return worse(self.before, self.after)

    def report(self) -> str:
        return json.dumps(
            {
                "trained_on": self.trained_on,
                "community_trained": self.community_trained,
                "held_out": self.held_out,
                "before": json.loads(self.before.to_json()),
                "after": json.loads(self.after.to_json()),
                "all_labels": json.loads(self.after_all.to_json()),
            }
        )


async def current_calibration(store: Store) -> Calibration:
    applied = await store.active_calibration()
    return (
        Calibration.model_validate_json(applied.calibration) if applied else default_calibration()
    )


def _community_examples(labels: list[Label], live: set[str]) -> list[Example]:
    return [
        Example(label.question, label.expect)
        for label in labels
        if label.expect not in RULES and (label.expect == "no_match" or label.expect in live)
    ]


async def plan_calibration(store: Store) -> CalibrationPlan:
    """Fit and compare (CPU-bound parts in a worker thread); nothing is written."""
    labels = await store.labels()
    train = [label for label in labels if community_split(label) == "train"]
    held_out = [label for label in labels if community_split(label) == "holdout"]
    if not train or not held_out:
        raise Refused(
            [
                (
                    "labels",
                    f"{len(labels)} community label(s): calibrating needs some to learn from and"
                    " some held out to judge by (a third is held out); label more questions",
                )
            ]
        )
    fact_base = await store.load_fact_base()
    entries = [e for e in fact_base.entries if not e.retired and e.citations]
    live = {e.id for e in entries}
    stored = await store.entry_vectors()
    current = await current_calibration(store)
    question_set = shipped_questions()
    dev = [
        example
        for example in model_examples(question_set.split("dev"), question_set)
        if not example.answerable or example.expect in live
    ]
    community = _community_examples(train, live)
    examples = dev + community

    def run() -> CalibrationPlan:
        embedder = default_embedder()
        fitted = fit(
            examples,
            entries,
            fact_base.aliases,
            embedder,
            fitted_on=f"{len(dev)} shipped dev questions and {len(community)} community labels,"
            f" model {embedder.model_id}, {date.today().isoformat()}",
            stored=stored,
        )

        def engine(calibration: Calibration) -> AnswerEngine:
            return AnswerEngine(
                fact_base.entries, fact_base.sources, fact_base.aliases, stored, calibration
            )

        old, new = engine(current), engine(fitted.calibration)
        return CalibrationPlan(
            calibration=fitted.calibration,
            current=current,
            trained_on=len(examples),
            community_trained=len(community),
            held_out=len(held_out),
            before=measure(old, held_out),
            after=measure(new, held_out),
            after_all=measure(new, labels),
        )

    return await asyncio.to_thread(run)


async def apply_calibration(store: Store, plan: CalibrationPlan, actor: Actor) -> int:
    """Store the plan's calibration as the active one; refused, with the numbers, when it is
    worse on the held-out labels."""
    reasons = plan.worse
    if reasons:
        raise Refused(
            [
                (
                    "calibration",
                    f"worse on the held-out labels: {'; '.join(reasons)}; nothing was applied",
                )
            ]
        )
    summary = (
        f"top-1 {plan.before.top1:.1f} -> {plan.after.top1:.1f}, wrong {plan.before.wrong} ->"
        f" {plan.after.wrong} on {plan.held_out} held-out labels"
    )
    return await store.apply_calibration(
        plan.calibration.model_dump_json(), plan.report(), actor, summary
    )
