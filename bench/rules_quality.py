"""Forum rules on their own question set: how many of each kind are declined, and false declines.

    python bench/rules_quality.py        # the figures
    python bench/rules_quality.py -v     # ... and every question the rules get wrong

The set (tests/data/rules_questions.yaml) was written blind to the rules' code; it has since been
used to improve them, so it measures regressions, not how the rules do on questions nobody has
seen (bench/quality.py's held-out split does that, with fewer rule questions).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from askbot.evaluation import RuleQuestionSet
from askbot.rules import check_rules

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "rules_questions.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    question_set = RuleQuestionSet.load(QUESTIONS)
    asked: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong = []
    for question in question_set.questions:
        rule = check_rules(question.q, question_set.written)
        got = rule.name if rule else "history"
        asked[question.expect] += 1
        right[question.expect] += got == question.expect
        if got != question.expect:
            wrong.append((question.expect, got, question.q))
    for expect in ("hypothetical", "recent-events"):
        share = 100 * right[expect] / asked[expect]
        print(f"{expect:14} declined {right[expect]:3d} of {asked[expect]:3d} ({share:.1f} %)")
    print(
        f"{'history':14} false declines {asked['history'] - right['history']} of {asked['history']}"
    )
    if args.verbose:
        for expect, got, text in sorted(wrong):
            print(f"  {expect} -> {got}: {text}")


if __name__ == "__main__":
    main()
