"""Answer quality on the development question set, beside a plain BM25 baseline.

    python bench/quality.py              # dev and held-out figures, askbot and BM25
    python bench/quality.py --dev-only   # while tuning: never look at the held-out third
    python bench/quality.py --failures   # list the dev questions askbot gets wrong

BM25 (the bm25s package) indexes the same entry texts (question, paraphrases, summary, people) and
answers its top hit when the score clears a threshold; the threshold is the one that does best on the
dev split, then applied unchanged to the held-out split. Plain BM25 has no forum rules, so it never
declines anything.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import bm25s

from askbot.answering import AnswerEngine
from askbot.evaluation import Figures, LabelledQuestion, Prediction, QuestionSet, evaluate
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import FactBase

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "questions.yaml"


def askbot_predictor(fact_base: FactBase, questions: QuestionSet) -> Callable[[str], Prediction]:
    engine = AnswerEngine.from_fact_base(fact_base)

    def predict(text: str) -> Prediction:
        answer = engine.answer(text, today=questions.written)
        top = answer.matches[0].id if answer.matches else None
        return Prediction(answer.status, answer.rule, top)

    return predict


class Bm25Baseline:
    def __init__(self, fact_base: FactBase) -> None:
        live = [e for e in fact_base.entries if not e.retired]
        self.ids = [e.id for e in live]
        corpus = [" ".join([e.question, *e.also_asked, e.summary, *e.people]) for e in live]
        self.retriever = bm25s.BM25()
        self.retriever.index(
            bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
        )

    def top(self, text: str) -> tuple[str | None, float]:
        tokens = bm25s.tokenize([text], stopwords="en", show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return None, 0.0
        docs, scores = self.retriever.retrieve(tokens, k=1, show_progress=False)
        return self.ids[int(docs[0][0])], float(scores[0][0])

    def predictor(self, threshold: float) -> Callable[[str], Prediction]:
        def predict(text: str) -> Prediction:
            entry_id, score = self.top(text)
            if entry_id is None or score < threshold:
                return Prediction("no_match")
            return Prediction("answered", entry_id=entry_id)

        return predict

    def best_threshold(self, questions: list[LabelledQuestion]) -> float:
        """The threshold with the best mean of top-1 and no_match rates on these questions."""
        scores = sorted({round(self.top(q.q)[1], 3) for q in questions} | {0.0})

        def quality(threshold: float) -> float:
            figures = evaluate(questions, self.predictor(threshold))
            return (figures.top1 + figures.no_match) / 2

        return max(scores, key=quality)


def row(name: str, ours: float, theirs: float, unit: str = "%") -> str:
    fmt = (
        (lambda v: "  n/a" if math.isnan(v) else f"{v:5.1f}{unit}")
        if unit
        else (lambda v: f"{v:5.0f} ")
    )
    return f"  {name:34} {fmt(ours):>8} {fmt(theirs):>8}"


def report(title: str, ours: Figures, theirs: Figures) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in ours.counts.items())
    print(f"{title} ({counts})")
    print(f"  {'':34} {'askbot':>8} {'BM25':>8}")
    print(row("top-1 accuracy (answerable)", ours.top1, theirs.top1))
    print(row("correct no_match (unanswerable)", ours.no_match, theirs.no_match))
    print(row("hypotheticals declined", ours.hypothetical, theirs.hypothetical))
    print(row("recent events declined", ours.recent, theirs.recent))
    print(row("false declines (count)", ours.false_declines, theirs.false_declines, unit=""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dev-only", action="store_true", help="do not evaluate the held-out split"
    )
    parser.add_argument(
        "--failures", action="store_true", help="list dev questions askbot gets wrong"
    )
    args = parser.parse_args()

    fact_base = load_fact_base(bundled_facts_dir())
    questions = QuestionSet.load(QUESTIONS)
    ours = askbot_predictor(fact_base, questions)
    bm25 = Bm25Baseline(fact_base)
    dev = questions.split("dev")
    threshold = bm25.best_threshold(dev)
    print(
        f"fact base: {len(fact_base.entries)} entries; questions: {len(questions.questions)}; BM25 threshold {threshold}\n"
    )

    dev_figures = evaluate(dev, ours)
    report("dev split", dev_figures, evaluate(dev, bm25.predictor(threshold)))
    if args.failures:
        for question, got in dev_figures.failures:
            print(
                f"    want {question.expect:32} got {got.status}/{got.rule or got.entry_id}: {question.q}"
            )
    if not args.dev_only:
        holdout = questions.split("holdout")
        print()
        report(
            "held-out split", evaluate(holdout, ours), evaluate(holdout, bm25.predictor(threshold))
        )


if __name__ == "__main__":
    main()
