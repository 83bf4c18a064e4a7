"""Fitting the answerability model: the one fit that bench/calibrate.py (the shipped coefficients)
and ``askbot calibrate`` (the community's) both run.

For each labelled question the engine's best candidate is judged; a logistic regression
(scikit-learn) learns from its signals whether it answers the question. The fusion weight is the
one that ranks the right entry first most often; the answer threshold is chosen on
cross-validated confidences (each question scored by a model that did not see it), as the
threshold with the most right answers while wrong answers stay at most MAX_WRONG of the questions
and below the missed ones. The cross-validation is repeated over REPEATS shuffles and the figures
averaged: one split's luck would otherwise pick the threshold (one fixed split had put it where
other splits give a third more wrong answers). scikit-learn is the optional extra
``askbot[learn]``: only fitting needs it, answering never does.
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
REPEATS = 10  # shuffles of the folds; thresholds are chosen on the mean over them
MIN_PER_CLASS = (
    2 * FOLDS
)  # right and wrong candidates needed, so that no training fold has one kind


class TooFewLabels(AskbotError):
    """Cross-validation needs right and wrong answers in every fold."""

    def __init__(self, right: int, wrong: int) -> None:
        super().__init__(
            f"too few labelled questions to calibrate: the engine's best candidate is right for"
            f" {right} and wrong for {wrong}; each needs at least {MIN_PER_CLASS}"
        )


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
    wrong: float  # confident wrong answers, the mean over the repeats
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
    if min(int(y.sum()), len(y) - int(y.sum())) < MIN_PER_CLASS:
        raise TooFewLabels(int(y.sum()), len(y) - int(y.sum()))
    # each question scored by a model that did not see it; "related" as the matcher reckons it
    # for suggestions: with the disclaimer signals at zero
    unasked = x.copy()
    unasked[:, [FEATURES.index(name) for name in DISCLAIMER_SIGNALS]] = 0.0

    def fitted(on: slice | npt.NDArray[np.intp]) -> Pipeline:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
        return model.fit(x[on], y[on])

    held, held_related = np.zeros((REPEATS, len(y))), np.zeros((REPEATS, len(y)))
    for repeat in range(REPEATS):
        folds = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=repeat)
        for train, test in folds.split(x, y, groups):
            fold = fitted(train)
            held[repeat, test] = fold.predict_proba(x[test])[:, 1]
            held_related[repeat, test] = fold.predict_proba(unasked[test])[:, 1]
    model = fitted(slice(None))

    # Per repeat and question: the confidence of the candidate the engine would answer (its
    # highest) and whether it is right; each candidate is offered as a suggestion on the higher
    # of its confidence and its relatedness.
    question_of = np.array(groups, dtype=np.intp)
    best = np.zeros((REPEATS, len(examples)))
    best_right = np.zeros((REPEATS, len(examples)), dtype=bool)
    for row in range(len(y)):
        better = held[:, row] > best[:, question_of[row]]
        best[better, question_of[row]] = held[better, row]
        best_right[better, question_of[row]] = y[row]
    offered = np.maximum(held, held_related)
    unanswerable_mask = np.array([not e.answerable for e in examples])
    unanswerable = int(unanswerable_mask.sum())

    def figures(threshold: float) -> tuple[float, float, float]:
        """Right and wrong answers and questions rightly left unanswered, means over repeats."""
        answered = best >= threshold
        right = float((answered & best_right).sum(axis=1).mean())
        wrong = float((answered & ~best_right).sum(axis=1).mean())
        abstained_right = float((~answered & unanswerable_mask).sum(axis=1).mean())
        return right, wrong, abstained_right

    tried: list[tuple[float, float, float, float]] = []
    ranked: list[tuple[bool, float, float, float]] = []  # (allowed, -wrong, score, threshold)
    for threshold in np.round(np.arange(0.2, 0.99, 0.01), 3):
        right, wrong, no_match = figures(float(threshold))
        tried.append((float(threshold), right, no_match, wrong))
        allowed = wrong <= MAX_WRONG * len(examples) and wrong < answerable - right
        score = right / max(answerable, 1) + no_match / max(unanswerable, 1)
        ranked.append((allowed, -wrong if not allowed else 0.0, score, float(threshold)))
    # the best-scoring allowed threshold; when too few labels allow any, the one with the fewest
    # wrong answers, so that a small community's fit errs towards saying "not known"
    chosen = max(ranked)[3]
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
    # right entry among the suggestions (over all repeats).
    missed = (best < chosen) & ~unanswerable_mask
    right_rows = np.flatnonzero(y)
    suggest = 0.05
    for threshold in np.round(np.arange(chosen, 0.0, -0.01), 3):
        suggested = np.zeros_like(missed)
        for row in right_rows.tolist():
            suggested[:, question_of[row]] |= offered[:, row] >= threshold
        if not missed.any() or (suggested & missed).sum() >= SUGGEST_RECALL * missed.sum():
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
