"""How well the engine answers the community's own questions, and how members judge answers."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from askbot.answering import AnswerEngine
from askbot.evaluation import Prediction, evaluate
from askbot.learning.labels import RULES, labelled_question
from askbot.store import AnswerWeek, Label


@dataclass(frozen=True)
class Figures:
    """The engine on a set of labelled questions: percentages right, and counts."""

    questions: int
    top1: float  # answerable questions answered with their entry
    no_match: float  # questions nothing answers, left unanswered
    rule_declines: float  # hypothetical and recent-events questions declined by their rule
    wrong: int  # confident wrong answers: answered with an entry that does not answer it
    correct: int  # questions handled right, of every kind

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Figures:
        return cls(**json.loads(text))


def measure(engine: AnswerEngine, labels: Sequence[Label]) -> Figures:
    """Run the engine over labelled questions (CPU-bound: off the event loop in the bot)."""

    def predict(question: str) -> Prediction:
        answer = engine.answer(question)
        return Prediction(
            answer.status, answer.rule, answer.matches[0].id if answer.matches else None
        )

    questions = [labelled_question(label) for label in labels]
    figures = evaluate(questions, predict)
    rules = figures.counts["hypothetical"] + figures.counts["recent-events"]
    failed = {id(question) for question, _ in figures.failures}
    declined = sum(q.expect in RULES and id(q) not in failed for q in questions)
    return Figures(
        questions=len(questions),
        top1=_rate(figures.top1),
        no_match=_rate(figures.no_match),
        rule_declines=100.0 * declined / rules if rules else float("nan"),
        wrong=figures.wrong,
        correct=len(questions) - len(figures.failures),
    )


def _rate(value: float) -> float:
    return round(value, 1)


def worse(before: Figures, after: Figures) -> list[str]:
    """Why ``after`` is worse than ``before`` (empty when it is not): more confident wrong
    answers, or fewer questions handled right."""
    reasons = []
    if after.wrong > before.wrong:
        reasons.append(f"confident wrong answers {before.wrong} -> {after.wrong}")
    if after.correct < before.correct:
        reasons.append(f"questions handled right {before.correct} -> {after.correct}")
    return reasons


def figures_table(before: Figures, after: Figures) -> list[str]:
    """Before and after side by side (``askbot calibrate`` prints it; /calibrate shows it)."""
    rows = [
        ("top-1 %", before.top1, after.top1),
        ("correct no_match %", before.no_match, after.no_match),
        ("rule declines %", before.rule_declines, after.rule_declines),
        ("confident wrong", before.wrong, after.wrong),
        ("handled right", before.correct, after.correct),
    ]
    return ["                     before    after"] + [
        f"{name:20} {old:7.1f}  {new:7.1f}" for name, old, new in rows
    ]


@dataclass(frozen=True)
class Quality:
    """``askbot quality``: the figures now, those when the last calibration was applied (None
    before any), and members' verdicts by week."""

    now: Figures
    at_calibration: Figures | None
    calibrated_at: str | None
    weeks: list[AnswerWeek]


def verdict_shares(week: AnswerWeek) -> tuple[float, float]:
    """Confirmed and flagged, as percentages of the week's answers."""
    if not week.answered:
        return 0.0, 0.0
    return 100.0 * week.confirmed / week.answered, 100.0 * week.flagged / week.answered


def describe(quality: Quality) -> list[str]:
    """The figures as text, one line each (the CLI prints them; Discord shows them too)."""
    now, then = quality.now, quality.at_calibration
    lines = [f"community-labelled questions: {now.questions}"]

    def line(name: str, value: float, previous: float | None, unit: str = "%") -> str:
        if math.isnan(value):  # no labelled question of that kind yet
            return f"{name:22}    n/a"
        text = f"{name:22} {value:6.1f}{unit}" if unit else f"{name:22} {value:6.0f}"
        if previous is not None and not math.isnan(previous):
            text += f"   ({value - previous:+.1f} since the last calibration)"
        return text

    lines.append(line("top-1", now.top1, then.top1 if then else None))
    lines.append(line("correct no_match", now.no_match, then.no_match if then else None))
    lines.append(line("rule declines", now.rule_declines, then.rule_declines if then else None))
    lines.append(line("confident wrong", now.wrong, then.wrong if then else None, unit=""))
    lines.append(
        f"last calibration: {quality.calibrated_at}"
        if quality.calibrated_at
        else "last calibration: none (the shipped one answers)"
    )
    if quality.weeks:
        lines.append("week       answers  confirmed  flagged")
    for week in quality.weeks:
        confirmed, flagged = verdict_shares(week)
        lines.append(f"{week.week}  {week.answered:7}  {confirmed:8.1f}%  {flagged:6.1f}%")
    return lines
