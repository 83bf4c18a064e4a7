"""Forum-rule speed: ``check_rules`` on typical questions and on crafted worst cases.

    python bench/rules_speed.py

Typical questions are the bundled entries' questions and their other phrasings. Crafted inputs
repeat the words the rules look ahead from ("if had", "would", "say", "had ,", years, "last few")
up to 5,000 characters, the shapes that made the old nested-quantifier patterns slow. Prints the
median and p99 of the typical questions and the worst crafted input, each per question, best of
a few runs so that a busy machine does not count. Checking is linear in the question's length, so
the worst case should stay within a small multiple of (length / typical length) x typical.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.rules import check_rules

TODAY = date(2026, 11, 21)
LENGTH = 5_000
RUNS = 5
CRAFTED: dict[str, Callable[[int], str]] = {
    "if had": lambda n: "if had " * (n // 7),
    "would ... have": lambda n: "would " * (n // 6 - 1) + "have",
    "say": lambda n: "say " * (n // 4),
    "had ,": lambda n: "had Kirov, " * (n // 11),
    "if X had , would": lambda n: "if Kirov had, would " * (n // 20),
    "what happens if": lambda n: "what happens if " * (n // 16),
    "years": lambda n: "1937 " * (n // 5),
    "last few": lambda n: "the last few " * (n // 13) + "years",
    "now is russia": lambda n: "now is russia " * (n // 14),
    "apostrophes": lambda n: "a'" * (n // 2),
    "one word": lambda n: "a" * n,
    "commas": lambda n: ", " * (n // 2),
    "sentences": lambda n: "Had he. " * (n // 8),
    "abbreviations": lambda n: "U.S.S.R. " * (n // 9),
}


def best_time(question: str) -> float:
    """Seconds for one check, the best of RUNS."""
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        check_rules(question, TODAY)
        best = min(best, time.perf_counter() - start)
    return best


def typical_questions() -> list[str]:
    fact_base = load_fact_base(bundled_facts_dir())
    return [text for entry in fact_base.entries for text in (entry.question, *entry.also_asked)]


def main() -> None:
    questions = typical_questions()
    timings = sorted(best_time(q) for q in questions)
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    mean_length = statistics.fmean(len(q) for q in questions)
    print(
        f"typical: {len(questions)} questions, {mean_length:.0f} chars on average: "
        f"median {statistics.median(timings) * 1e6:.0f} us, p99 {p99 * 1e6:.0f} us"
    )
    worst = ("", 0.0)
    for name, make in CRAFTED.items():
        question = make(LENGTH)
        seconds = best_time(question)
        short = best_time(make(LENGTH // 5))
        print(
            f"crafted {name!r:22} {len(question):5} chars: {seconds * 1e3:6.2f} ms "
            f"({seconds / short:.1f}x the time at a fifth of the length)"
        )
        worst = max(worst, (name, seconds), key=lambda pair: pair[1])
    print(f"worst crafted: {worst[0]!r}, {worst[1] * 1e3:.2f} ms for {LENGTH} chars")


if __name__ == "__main__":
    main()
