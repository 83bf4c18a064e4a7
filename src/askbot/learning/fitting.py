"""Fitting the answerability model: the one fit that bench/calibrate.py (the shipped coefficients)
and ``askbot calibrate`` (the community's) both run.

For each labelled question the engine's best candidate is judged; a logistic regression
(scikit-learn) learns from its signals whether it answers the question. The fusion weight is the
one that ranks the right entry first most often; the answer threshold is chosen on
cross-validated confidences (each question scored by a model that did not see it), as the
threshold with the most right answers while wrong answers stay at most MAX_WRONG of the questions
and below the missed ones. scikit-learn is the optional extra ``askbot[learn]``: only fitting
needs it, answering never does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from askbot.embedding import Embedder, StoredVectors
from askbot.errors import AskbotError
from askbot.evaluation import LabelledQuestion, QuestionSet
from askbot.matching import (
    DISCLAIMER_SIGNALS,
    SIGNALS_VERSION,
    Calibration,
    Judged,
    Matcher,
    Signals,
)
from askbot.models import AliasGroup, Entry
from askbot.rules import check_rules

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FEATURES = [f.name for f in fields(Signals)]
SEMANTIC_WEIGHTS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
CANDIDATES_PER_QUESTION = 1
MAX_WRONG = 0.015  # confident wrong answers allowed, as a share of all questions (the target is
# 2 %; the margin is for the sampling noise of a few hundred questions)
SUGGEST_RECALL = 0.8  # share of unanswered answerable questions whose entry is suggested
FOLDS = 5


class LearnNotInstalled(AskbotError):
    """Fitting needs scikit-learn, which the core install leaves out."""

    def __init__(self) -> None:
        super().__init__(
            "calibrating needs scikit-learn: pip install 'askbot[learn]' (answering does not)"
        )


@dataclass(frozen=True)
class Example:
    """A question with what answers it: an entry id (and other acceptable ones), or no_match."""

    question: str
    expect: str
    also_ok: frozenset[str] = frozenset()

    @property
    def answerable(self) -> bool:
        return self.expect != "no_match"

    def correct(self, entry_id: str) -> bool:
        return entry_id in {self.expect, *self.also_ok}


@dataclass(frozen=True)
class ThresholdRow:
    """One answer threshold tried, on cross-validated confidences."""

    threshold: float
    top1: float  # percent of answerable questions answered right
    no_match: float  # percent of unanswerable questions left unanswered
    wrong: int
    chosen: bool


@dataclass(frozen=True)
class Fit:
    calibration: Calibration
    hits_by_weight: dict[float, int]  # fusion weight -> answerable questions ranked right first
    thresholds: list[ThresholdRow]
    judged: int
    answerable: int


def model_examples(
    questions: Sequence[LabelledQuestion], question_set: QuestionSet
) -> list[Example]:
    """The questions the answerability model learns from: those the forum rules leave to it."""
    return [
        Example(q.q, "no_match" if not q.answerable else q.expect, frozenset(q.also_ok))
        for q in questions
        if q.expect not in ("hypothetical", "recent-events")
        and check_rules(q.q, question_set.written) is None
    ]


def provisional(semantic_weight: float) -> Calibration:
    """Zero coefficients: every confidence is 0.5, so candidates stay in fused order."""
    n = len(FEATURES)
    return Calibration(
        semantic_weight=semantic_weight,
        features=FEATURES,
        means=[0.0] * n,
        scales=[1.0] * n,
        coefficients=[0.0] * n,
        intercept=0.0,
        answer_threshold=1.0,
        suggest_threshold=1.0,
        fitted_on="provisional",
    )


def fit(
    examples: Sequence[Example],
    entries: Sequence[Entry],
    aliases: Sequence[AliasGroup],
    embedder: Embedder,
    fitted_on: str,
    stored: Mapping[str, StoredVectors] | None = None,
) -> Fit:
    """Fit on ``examples`` against the live ``entries`` (CPU-bound: run it off the event loop)."""
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError as exc:
        raise LearnNotInstalled() from exc

    first = Matcher(entries, aliases, stored, calibration=provisional(1.0), embedder=embedder)
    vectors = {**(stored or {}), **{v.entry_id: v for v in first.fresh}}
    answerable = sum(e.answerable for e in examples)
    best_weight, best_hits = 0.0, -1
    hits_by_weight: dict[float, int] = {}
    judged_by_weight: dict[float, list[list[Judged]]] = {}
    for weight in SEMANTIC_WEIGHTS:
        matcher = Matcher(
            entries, aliases, vectors, calibration=provisional(weight), embedder=embedder
        )
        judged = [matcher.candidates(e.question) for e in examples]
        hits = sum(
            bool(j) and e.correct(j[0].entry.id) for e, j in zip(examples, judged, strict=True)
        )
        hits_by_weight[weight] = hits
        judged_by_weight[weight] = judged
        if hits > best_hits:
            best_weight, best_hits = weight, hits
    judged = judged_by_weight[best_weight]

    rows, labels, groups = [], [], []
    for number, (example, candidates) in enumerate(zip(examples, judged, strict=True)):
        for candidate in candidates[:CANDIDATES_PER_QUESTION]:
            rows.append(candidate.signals.vector(FEATURES))
            labels.append(example.correct(candidate.entry.id))
            groups.append(number)
    x, y = np.array(rows), np.array(labels)
    # each question scored by a model that did not see it; "related" as the matcher reckons it
    # for suggestions: with the disclaimer signals at zero
    unasked = x.copy()
    unasked[:, [FEATURES.index(name) for name in DISCLAIMER_SIGNALS]] = 0.0

    def fitted(on: slice | npt.NDArray[np.intp]) -> Pipeline:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
        return model.fit(x[on], y[on])

    held, held_related = np.zeros(len(y)), np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        fold = fitted(train)
        held[test] = fold.predict_proba(x[test])[:, 1]
        held_related[test] = fold.predict_proba(unasked[test])[:, 1]
    model = fitted(slice(None))

    # Per question: the candidate the engine would answer (highest confidence) and whether right;
    # and each candidate as a suggestion (offered on the higher of confidence and related).
    best_of: dict[int, tuple[float, bool]] = {}
    suggestions_of: dict[int, list[tuple[float, bool]]] = {}
    for group, confidence, related, label in zip(groups, held, held_related, y, strict=True):
        suggestions_of.setdefault(group, []).append((max(confidence, related), bool(label)))
        if group not in best_of or confidence > best_of[group][0]:
            best_of[group] = (confidence, bool(label))
    unanswerable = len(examples) - answerable

    def figures(threshold: float) -> tuple[int, int, int]:
        right = wrong = abstained_right = 0
        for number, example in enumerate(examples):
            confidence, label = best_of.get(number, (0.0, False))
            answered = confidence >= threshold
            right += answered and label
            wrong += answered and not label
            abstained_right += not example.answerable and not answered
        return right, wrong, abstained_right

    tried: list[tuple[float, int, int, int]] = []
    chosen, chosen_score = 0.5, -1.0
    for threshold in np.round(np.arange(0.2, 0.96, 0.01), 3):
        right, wrong, no_match = figures(float(threshold))
        tried.append((float(threshold), right, no_match, wrong))
        allowed = wrong <= MAX_WRONG * len(examples) and wrong < answerable - right
        score = right / max(answerable, 1) + no_match / max(unanswerable, 1)
        if allowed and score > chosen_score:
            chosen, chosen_score = float(threshold), score
    thresholds = [
        ThresholdRow(
            threshold,
            100 * right / max(answerable, 1),
            100 * no_match / max(unanswerable, 1),
            wrong,
            threshold == chosen,
        )
        for threshold, right, no_match, wrong in tried
    ]

    # "Did you mean": the highest threshold at which most missed answerable questions offer the
    # right entry among the suggestions.
    missed = [
        n
        for n, e in enumerate(examples)
        if e.answerable and best_of.get(n, (0.0, False))[0] < chosen
    ]
    suggest = 0.05
    for threshold in np.round(np.arange(chosen, 0.0, -0.01), 3):
        offered = sum(
            any(label and c >= threshold for c, label in suggestions_of.get(n, [])) for n in missed
        )
        if not missed or offered >= SUGGEST_RECALL * len(missed):
            suggest = float(threshold)
            break

    scaler, regression = model.named_steps.values()
    calibration = Calibration(
        signals=SIGNALS_VERSION,
        semantic_weight=best_weight,
        features=FEATURES,
        means=[round(float(v), 6) for v in scaler.mean_],
        scales=[round(float(v), 6) for v in scaler.scale_],
        coefficients=[round(float(v), 6) for v in regression.coef_[0]],
        intercept=round(float(regression.intercept_[0]), 6),
        answer_threshold=chosen,
        suggest_threshold=suggest,
        fitted_on=fitted_on,
    )
    return Fit(calibration, hits_by_weight, thresholds, len(examples), answerable)
