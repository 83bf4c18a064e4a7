"""Answer quality on the development question set, beside three baselines.

    python bench/quality.py              # dev and held-out figures
    python bench/quality.py --dev-only   # while tuning: never look at the held-out third
    python bench/quality.py --failures   # list the dev questions askbot gets wrong

The baselines index the same entry texts (question, paraphrases, summary, people, tags, quotes):
- BM25: the bm25s package, its own tokenizer and English stopwords;
- embeddings: the packaged sentence-embedding model, cosine to the entry's closest phrasing;
- BM25 + embeddings: the naive sum of the two (BM25 scaled by its 95th-percentile top score on
  the dev split, so both are about 0-1).
Each answers its top hit when the score clears a threshold: the one with the best mean of top-1
and no_match rates on the dev split, applied unchanged to the held-out split. A second table holds
each baseline to askbot's own risk: the most permissive threshold whose dev wrong-answer rate is no
higher than askbot's, so top-1 is compared at the same share of confident wrong answers. They have no forum
rules, so they never decline anything. "Wrong answers" counts answers given with an entry that
does not answer the question (or when nothing in the base does), as a share of all questions.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from askbot.answering import AnswerEngine
from askbot.embedding import default_embedder
from askbot.evaluation import Figures, LabelledQuestion, Prediction, QuestionSet, evaluate
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import Entry, FactBase

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "questions.yaml"

Scorer = Callable[[str], tuple[str | None, float]]


def askbot_predictor(fact_base: FactBase, questions: QuestionSet) -> Callable[[str], Prediction]:
    engine = AnswerEngine.from_fact_base(fact_base)

    def predict(text: str) -> Prediction:
        answer = engine.answer(text, today=questions.written)
        top = answer.matches[0].id if answer.matches else None
        return Prediction(answer.status, answer.rule, top)

    return predict


def entry_text(entry: Entry) -> str:
    quotes = [c.quote for c in entry.all_citations()]
    return " ".join(
        [entry.question, *entry.also_asked, entry.summary, *entry.people, *entry.tags, *quotes]
    )


class Baselines:
    """BM25 alone, embeddings alone, and their naive sum, over the same entries."""

    def __init__(self, fact_base: FactBase, dev: list[LabelledQuestion]) -> None:
        live = [e for e in fact_base.entries if not e.retired and e.citations]
        self.ids = [e.id for e in live]
        self.retriever = bm25s.BM25()
        self.retriever.index(
            bm25s.tokenize([entry_text(e) for e in live], stopwords="en", show_progress=False),
            show_progress=False,
        )
        self.embedder = default_embedder()
        texts = [(i, t) for i, e in enumerate(live) for t in (e.question, *e.also_asked)]
        self.owner = np.array([i for i, _ in texts])
        self.phrasings = self.embedder.encode([t for _, t in texts])
        tops = [float(self.bm25_scores(q.q).max(initial=0.0)) for q in dev]
        self.bm25_scale = float(np.percentile(tops, 95)) or 1.0

    def bm25_scores(self, text: str) -> np.ndarray:
        tokens = bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)
        return (
            self.retriever.get_scores(tokens[0])
            if tokens and tokens[0]
            else np.zeros(len(self.ids))
        )

    def cosine_scores(self, text: str) -> np.ndarray:
        sims = self.phrasings @ self.embedder.encode([text])[0]
        best = np.full(len(self.ids), -1.0)
        np.maximum.at(best, self.owner, sims)
        return best

    def scorer(self, name: str) -> Scorer:
        def score(text: str) -> tuple[str | None, float]:
            if name == "bm25":
                values = self.bm25_scores(text)
            elif name == "embeddings":
                values = self.cosine_scores(text)
            else:
                values = self.bm25_scores(text) / self.bm25_scale + self.cosine_scores(text)
            top = int(np.argmax(values))
            return (self.ids[top], float(values[top])) if values[top] > 0 else (None, 0.0)

        return score


def thresholded(score: Scorer, threshold: float) -> Callable[[str], Prediction]:
    def predict(text: str) -> Prediction:
        entry_id, value = score(text)
        if entry_id is None or value < threshold:
            return Prediction("no_match")
        return Prediction("answered", entry_id=entry_id)

    return predict


def _figures_by_threshold(
    score: Scorer, questions: list[LabelledQuestion]
) -> list[tuple[float, Figures]]:
    """Each candidate threshold, lowest first, with the figures it gives on these questions."""
    cached = {q.q: score(q.q) for q in questions}
    candidates = sorted({round(v, 3) for _, v in cached.values()} | {0.0})
    return [
        (threshold, evaluate(questions, thresholded(lambda t: cached[t], threshold)))
        for threshold in candidates
    ]


def best_threshold(score: Scorer, questions: list[LabelledQuestion]) -> float:
    """The threshold with the best mean of top-1 and no_match rates on these questions."""
    scored = _figures_by_threshold(score, questions)
    return max(scored, key=lambda pair: (pair[1].top1 + pair[1].no_match) / 2)[0]


def threshold_at_risk(score: Scorer, questions: list[LabelledQuestion], wrong_rate: float) -> float:
    """The most permissive threshold whose wrong-answer rate on these questions is at most this."""
    scored = _figures_by_threshold(score, questions)
    return next((t for t, f in scored if f.wrong_rate <= wrong_rate), scored[-1][0])


def report(title: str, columns: dict[str, Figures]) -> None:
    first = next(iter(columns.values()))
    counts = ", ".join(f"{k} {v}" for k, v in first.counts.items())
    print(f"{title} ({counts})")
    print(f"  {'':32}" + "".join(f"{name:>12}" for name in columns))

    def line(label: str, values: list[float], unit: str = "%") -> None:
        cells = (
            "n/a" if math.isnan(v) else f"{v:.1f}{unit}" if unit else f"{v:.0f}" for v in values
        )
        print(f"  {label:32}" + "".join(f"{c:>12}" for c in cells))

    figures = list(columns.values())
    line("top-1 accuracy (answerable)", [f.top1 for f in figures])
    line("correct no_match (unanswerable)", [f.no_match for f in figures])
    line("hypotheticals declined", [f.hypothetical for f in figures])
    line("recent events declined", [f.recent for f in figures])
    line("false declines (count)", [f.false_declines for f in figures], unit="")
    line("wrong answers (share of all)", [f.wrong_rate for f in figures])
    line("wrong answers (count)", [f.wrong for f in figures], unit="")


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
    dev = questions.split("dev")
    ours = askbot_predictor(fact_base, questions)
    baselines = Baselines(fact_base, dev)
    predictors: dict[str, Callable[[str], Prediction]] = {"askbot": ours}
    ours_on_dev = evaluate(dev, ours)
    at_risk: dict[str, Callable[[str], Prediction]] = {"askbot": ours}
    for name in ("bm25", "embeddings", "bm25+emb"):
        scorer = baselines.scorer(name)
        threshold = best_threshold(scorer, dev)
        matched = threshold_at_risk(scorer, dev, ours_on_dev.wrong_rate)
        print(f"{name} threshold (dev): {threshold}; at askbot's risk: {matched}")
        predictors[name] = thresholded(scorer, threshold)
        at_risk[name] = thresholded(scorer, matched)
    print(f"fact base: {len(fact_base.entries)} entries; questions: {len(questions.questions)}\n")

    dev_figures = {name: evaluate(dev, predict) for name, predict in predictors.items()}
    report("dev split", dev_figures)
    if args.failures:
        for question, got in dev_figures["askbot"].failures:
            print(
                f"    want {question.expect:32} got {got.status}/{got.rule or got.entry_id}: {question.q}"
            )
    risk = f"baselines held to askbot's dev wrong-answer rate ({ours_on_dev.wrong_rate:.1f}%)"
    print()
    report(f"dev split, {risk}", {name: evaluate(dev, p) for name, p in at_risk.items()})
    if not args.dev_only:
        holdout = questions.split("holdout")
        print()
        report("held-out split", {name: evaluate(holdout, p) for name, p in predictors.items()})
        print()
        report(
            f"held-out split, {risk}", {name: evaluate(holdout, p) for name, p in at_risk.items()}
        )


if __name__ == "__main__":
    main()
