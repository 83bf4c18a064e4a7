"""Fit the answerability model on the development split; write src/askbot/answerability.json.

    python bench/calibrate.py            # fit, print the figures, write the coefficients
    python bench/calibrate.py --dry-run  # fit and print only

Only the dev split is read (never the held-out third). For each dev question the engine's best
candidates are judged; a logistic regression (scikit-learn) learns from their signals whether a
candidate answers the question. The fusion weight is the one that ranks the right entry first most
often; the answer threshold is chosen on cross-validated confidences (each question scored by a
model that did not see it), as the threshold with the most right answers while wrong answers stay
at most MAX_WRONG of the questions and below the missed ones.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import fields
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from askbot.embedding import default_embedder
from askbot.evaluation import LabelledQuestion, QuestionSet
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.matching import Calibration, Matcher, Signals
from askbot.rules import check_rules

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
TARGET = ROOT / "src" / "askbot" / "answerability.json"
FEATURES = [f.name for f in fields(Signals)]
SEMANTIC_WEIGHTS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
CANDIDATES_PER_QUESTION = 1
MAX_WRONG = 0.03
SUGGEST_RECALL = 0.8  # share of unanswered answerable questions whose entry is suggested


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


def correct(question: LabelledQuestion, entry_id: str) -> bool:
    return entry_id in {question.expect, *question.also_ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="do not write the coefficients")
    args = parser.parse_args()
    fact_base = load_fact_base(bundled_facts_dir())
    live = [e for e in fact_base.entries if not e.retired and e.citations]
    question_set = QuestionSet.load(QUESTIONS)
    dev = [
        q
        for q in question_set.split("dev")
        if q.expect not in ("hypothetical", "recent-events")
        and check_rules(q.q, question_set.written) is None
    ]
    embedder = default_embedder()
    first = Matcher(live, fact_base.aliases, calibration=provisional(1.0), embedder=embedder)
    stored = {v.entry_id: v for v in first.fresh}

    print(f"dev questions judged: {len(dev)} ({sum(q.answerable for q in dev)} answerable)")
    print("fusion weight -> right entry ranked first (answerable dev questions)")
    best_weight, best_hits, judged_by_weight = 0.0, -1, {}
    for weight in SEMANTIC_WEIGHTS:
        matcher = Matcher(
            live, fact_base.aliases, stored, calibration=provisional(weight), embedder=embedder
        )
        judged = [matcher.candidates(q.q) for q in dev]
        hits = sum(bool(j) and correct(q, j[0].entry.id) for q, j in zip(dev, judged, strict=True))
        print(f"  {weight:4.1f}: {hits}")
        judged_by_weight[weight] = judged
        if hits > best_hits:
            best_weight, best_hits = weight, hits
    judged = judged_by_weight[best_weight]

    rows, labels, groups = [], [], []
    for number, (question, candidates) in enumerate(zip(dev, judged, strict=True)):
        for candidate in candidates[:CANDIDATES_PER_QUESTION]:
            rows.append(candidate.signals.vector(FEATURES))
            labels.append(correct(question, candidate.entry.id))
            groups.append(number)
    x, y = np.array(rows), np.array(labels)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    held = cross_val_predict(
        model, x, y, groups=groups, cv=GroupKFold(n_splits=5), method="predict_proba"
    )[:, 1]
    model.fit(x, y)

    # Per question: the candidate the engine would answer (highest confidence) and whether right.
    best_of: dict[int, tuple[float, bool]] = {}
    suggestions_of: dict[int, list[tuple[float, bool]]] = {}
    for group, confidence, label in zip(groups, held, y, strict=True):
        suggestions_of.setdefault(group, []).append((confidence, bool(label)))
        if group not in best_of or confidence > best_of[group][0]:
            best_of[group] = (confidence, bool(label))
    answerable = sum(q.answerable for q in dev)
    unanswerable = len(dev) - answerable

    def figures(threshold: float) -> tuple[int, int, int]:
        right = wrong = abstained_right = 0
        for number, question in enumerate(dev):
            confidence, label = best_of.get(number, (0.0, False))
            answered = confidence >= threshold
            right += answered and label
            wrong += answered and not label
            abstained_right += not question.answerable and not answered
        return right, wrong, abstained_right

    print("\nthreshold  top-1  no_match  wrong (cross-validated, dev)")
    chosen, chosen_score = 0.5, -1.0
    for threshold in np.round(np.arange(0.2, 0.96, 0.025), 3):
        right, wrong, no_match = figures(float(threshold))
        missed = answerable - right
        allowed = wrong <= MAX_WRONG * len(dev) and wrong < missed
        score = right / answerable + no_match / unanswerable
        mark = ""
        if allowed and score > chosen_score:
            chosen, chosen_score, mark = float(threshold), score, "  <"
        print(
            f"  {threshold:5.3f}  {100 * right / answerable:5.1f}  {100 * no_match / unanswerable:6.1f}"
            f"  {wrong:3d}{mark}"
        )

    # "Did you mean": the highest threshold at which most missed answerable questions offer the
    # right entry among the suggestions.
    missed_groups = [
        n for n, q in enumerate(dev) if q.answerable and best_of.get(n, (0.0, False))[0] < chosen
    ]
    suggest = 0.05
    for threshold in np.round(np.arange(chosen, 0.0, -0.01), 3):
        offered = sum(
            any(label and c >= threshold for c, label in suggestions_of.get(n, []))
            for n in missed_groups
        )
        if not missed_groups or offered >= SUGGEST_RECALL * len(missed_groups):
            suggest = float(threshold)
            break
    print(f"\nfusion weight {best_weight}, answer threshold {chosen}, suggest threshold {suggest}")

    scaler, regression = model.named_steps.values()
    digest = hashlib.sha256(QUESTIONS.read_bytes()).hexdigest()[:12]
    calibration = Calibration(
        semantic_weight=best_weight,
        features=FEATURES,
        means=[round(float(v), 6) for v in scaler.mean_],
        scales=[round(float(v), 6) for v in scaler.scale_],
        coefficients=[round(float(v), 6) for v in regression.coef_[0]],
        intercept=round(float(regression.intercept_[0]), 6),
        answer_threshold=chosen,
        suggest_threshold=suggest,
        fitted_on=f"dev split of tests/data/questions.yaml (sha256 {digest}), {len(dev)} questions, "
        f"model {embedder.model_id}, {date.today().isoformat()}",
    )
    for name, coefficient in zip(FEATURES, calibration.coefficients, strict=True):
        print(f"  {name:14} {coefficient:+.3f}")
    if not args.dry_run:
        TARGET.write_text(calibration.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
