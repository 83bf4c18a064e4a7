"""Fit the answerability model on the development split; write src/askbot/answerability.json.

    python bench/calibrate.py            # fit, print the figures, write the coefficients
    python bench/calibrate.py --dry-run  # fit and print only

Only the dev split is read (never the held-out third). The fit itself is
``askbot.learning.fitting.fit``, which ``askbot calibrate`` runs too (see its docstring).
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import date
from pathlib import Path

from askbot.embedding import default_embedder
from askbot.evaluation import QuestionSet
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.learning.fitting import FEATURES, fit, model_examples

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
TARGET = ROOT / "src" / "askbot" / "answerability.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="do not write the coefficients")
    args = parser.parse_args()
    fact_base = load_fact_base(bundled_facts_dir())
    live = [e for e in fact_base.entries if not e.retired and e.citations]
    question_set = QuestionSet.load(QUESTIONS)
    dev = model_examples(question_set.split("dev"), question_set)
    embedder = default_embedder()
    digest = hashlib.sha256(QUESTIONS.read_bytes()).hexdigest()[:12]
    result = fit(
        dev,
        live,
        fact_base.aliases,
        embedder,
        fitted_on=f"dev split of tests/data/questions.yaml (sha256 {digest}), {len(dev)} questions, "
        f"model {embedder.model_id}, {date.today().isoformat()}",
    )
    print(f"dev questions judged: {result.judged} ({result.answerable} answerable)")
    print("fusion weight -> right entry ranked first (answerable dev questions)")
    for weight, hits in result.hits_by_weight.items():
        print(f"  {weight:4.1f}: {hits}")
    print("\nthreshold  top-1  no_match  wrong (cross-validated, dev)")
    for row in result.thresholds:
        mark = "  <" if row.chosen else ""
        print(
            f"  {row.threshold:5.3f}  {row.top1:5.1f}  {row.no_match:6.1f}  {row.wrong:5.1f}{mark}"
        )
    calibration = result.calibration
    print(
        f"\nfusion weight {calibration.semantic_weight}, answer threshold"
        f" {calibration.answer_threshold}, suggest threshold {calibration.suggest_threshold}"
    )
    for name, coefficient in zip(FEATURES, calibration.coefficients, strict=True):
        print(f"  {name:14} {coefficient:+.3f}")
    if not args.dry_run:
        TARGET.write_text(calibration.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
