"""Scoring the answer engine against a labelled question set (used by bench/ and tests/).

A third of the set is held out by a stable hash of each question's text, so the held-out split
never changes when questions are added elsewhere, and tuning never sees it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

NOT_ANSWERABLE = frozenset({"no_match", "hypothetical", "recent-events"})
Split = Literal["dev", "holdout"]


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str
    expect: str = Field(description="entry id, or no_match / hypothetical / recent-events")
    also_ok: list[str] = []
    note: str | None = None

    @property
    def split(self) -> Split:
        digest = hashlib.sha256(self.q.casefold().encode()).digest()
        return "holdout" if digest[0] % 3 == 0 else "dev"

    @property
    def answerable(self) -> bool:
        return self.expect not in NOT_ANSWERABLE


class QuestionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    written: date = Field(
        description="the day the set was written; the 20-year rule is judged from it"
    )
    questions: list[LabelledQuestion]

    @classmethod
    def load(cls, path: Path) -> QuestionSet:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))

    def split(self, name: Split | None) -> list[LabelledQuestion]:
        return [q for q in self.questions if name is None or q.split == name]


class RuleQuestion(BaseModel):
    """A question of the forum-rule set: the rule that should decline it, or "history"."""

    model_config = ConfigDict(extra="forbid")

    q: str
    expect: Literal["history", "hypothetical", "recent-events"]


class RuleQuestionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    written: date = Field(description="the 20-year rule is judged from this day")
    questions: list[RuleQuestion]

    @classmethod
    def load(cls, path: Path) -> RuleQuestionSet:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Prediction:
    status: str  # answered | no_match | declined
    rule: str | None = None
    entry_id: str | None = None


@dataclass
class Figures:
    """Rates in percent; false declines and wrong answers as counts."""

    top1: float
    no_match: float
    hypothetical: float
    recent: float
    false_declines: int
    wrong: int  # answered, but with an entry that does not answer it (or when nothing does)
    asked: int  # every question in the set
    counts: dict[str, int]
    failures: list[tuple[LabelledQuestion, Prediction]] = field(default_factory=list)

    @property
    def wrong_rate(self) -> float:
        return _rate(self.wrong, self.asked)


def _rate(hits: int, total: int) -> float:
    return 100.0 * hits / total if total else float("nan")


def evaluate(
    questions: Iterable[LabelledQuestion], predict: Callable[[str], Prediction]
) -> Figures:
    tallies = {
        "answerable": [0, 0],
        "no_match": [0, 0],
        "hypothetical": [0, 0],
        "recent-events": [0, 0],
    }
    false_declines = wrong = asked = 0
    failures = []
    for question in questions:
        got = predict(question.q)
        asked += 1
        wrong += got.status == "answered" and got.entry_id not in {
            question.expect,
            *question.also_ok,
        }
        if question.answerable:
            kind = "answerable"
            ok = got.status == "answered" and got.entry_id in {question.expect, *question.also_ok}
        elif question.expect == "no_match":
            kind, ok = "no_match", got.status == "no_match"
        else:
            kind, ok = question.expect, got.status == "declined" and got.rule == question.expect
        if got.status == "declined" and question.expect not in ("hypothetical", "recent-events"):
            false_declines += 1
        tallies[kind][0] += ok
        tallies[kind][1] += 1
        if not ok:
            failures.append((question, got))
    return Figures(
        top1=_rate(*tallies["answerable"]),
        no_match=_rate(*tallies["no_match"]),
        hypothetical=_rate(*tallies["hypothetical"]),
        recent=_rate(*tallies["recent-events"]),
        false_declines=false_declines,
        wrong=wrong,
        asked=asked,
        counts={kind: total for kind, (_, total) in tallies.items()},
        failures=failures,
    )
