"""Matching a member's question to entries: pure, in memory, no I/O.

Three steps, cheapest first:

1. **Normalise**: rapidfuzz's ``default_process`` (case, punctuation), chatter and function words
   dropped, alias variants mapped to one canonical token (Ezhov -> yezhov, Genrikh Yagoda -> yagoda),
   and a word the fact base has never seen corrected to a close one it has (Yagodda -> yagoda).
2. **Weigh**: an inverted index gives each entry the share of the question's information it
   covers, each word weighted by its inverse document frequency, so "Kalinin" or "canal" count for
   far more than "Stalin" or "1937", and a word no entry knows counts against every entry.
3. **Compare**: the best candidates' phrasings are scored against the question with rapidfuzz.

The score is a blend of the three, 0-100. An entry is answered only when the score clears a
calibrated threshold with a margin over the runner-up; otherwise the best few become suggestions.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

from askbot.models import AliasGroup, Entry

# Calibrated on the development question set (bench/quality.py); tests pin their behaviour.
ANSWER_THRESHOLD = 55.0
CONFIDENT_SCORE = 75.0
MARGIN = 6.0
SUGGEST_THRESHOLD = 30.0
MAX_SUGGESTIONS = 3
MAX_ALSO = 2
CANDIDATES = 20
TYPO_CUTOFF = 84.0
MIN_TYPO_LENGTH = 4
TYPO_LENGTH_SLACK = 2
RARE_SHARE = 0.02  # a word in more than this share of entries does not gather candidates
RARE_FLOOR = 100
SHORTLIST = 200
SUMMARY_WEIGHT = 0.5
COVERAGE_SHARE, PRECISION_SHARE, FUZZY_SHARE = 0.5, 0.25, 0.25

_FUNCTION_WORDS = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your yours
yourself s t don didn doesn isn wasn weren hasn haven hadn won wouldn couldn shouldn d ll m re ve y
how also ever really actually basically exactly kind sort thing things stuff get got go going went
say said tell told know knew think thought mean meant want wanted like one way much many lot lots
""".split()
_CHATTER = """
hey hi hello yo hiya greetings bot askbot please pls plz thanks thank thx ty cheers quick question
questions q class teacher professor homework essay assignment school curious wondering wonder
anyone anybody someone somebody guys folks yall lol lmao ok okay um uh hmm well so right need
help explain explanation info information answer answers brief briefly simple simply short
summary eli5 tldr btw idk im iirc afaik read reading heard hearing saw seen learned learning
talking talked discussing discussed history historical historically heres theres cant dont
understand understanding please reply let
""".split()
STOPWORDS = frozenset(_FUNCTION_WORDS) | frozenset(_CHATTER)


@dataclass(frozen=True)
class ScoredEntry:
    id: str
    question: str
    score: float


@dataclass
class MatchResult:
    """The best entry if it is clearly good enough, else suggestions only."""

    best: ScoredEntry | None
    also: list[ScoredEntry] = field(default_factory=list)
    near: list[ScoredEntry] = field(default_factory=list)


class Normaliser:
    """Text -> tokens with alias variants folded to one canonical token each."""

    def __init__(self, aliases: Sequence[AliasGroup]) -> None:
        self.phrases: dict[str, str] = {}
        self.longest_from: dict[str, int] = {}  # first word of a multi-word alias -> its most words
        for group in aliases:
            canonical = "_".join(utils.default_process(group.canonical).split())
            for name in (group.canonical, *group.variants):
                words = utils.default_process(name).split()
                if words:
                    self.phrases[" ".join(words)] = canonical
                    if len(words) > 1:
                        self.longest_from[words[0]] = max(
                            self.longest_from.get(words[0], 1), len(words)
                        )

    def words(self, text: str) -> list[str]:
        """All words, aliases folded, stopwords kept (for phrasing comparison)."""
        raw = utils.default_process(text).split()
        out: list[str] = []
        i = 0
        while i < len(raw):
            for n in range(min(self.longest_from.get(raw[i], 1), len(raw) - i), 0, -1):
                canonical = self.phrases.get(" ".join(raw[i : i + n]) if n > 1 else raw[i])
                if canonical:
                    out.append(canonical)
                    i += n
                    break
            else:
                out.append(raw[i])
                i += 1
        return out


def _contains(postings: Sequence[int], index: int) -> bool:
    """Membership in a sorted postings array, by bisection."""
    at = bisect_left(postings, index)
    return at < len(postings) and postings[at] == index


def content(words: Iterable[str]) -> list[str]:
    """The words that carry meaning: no stopwords, no one-letter leftovers."""
    return [w for w in words if w not in STOPWORDS and len(w) > 1]


class Matcher:
    """An index over entries' questions, paraphrases, people, tags and summaries.

    It keeps ids, questions and the index, not the entries: a large fact base can be streamed in.
    """

    def __init__(self, entries: Iterable[Entry], aliases: Sequence[AliasGroup]) -> None:
        self.normaliser = Normaliser(aliases)
        self.ids: list[str] = []
        self.questions: list[str] = []
        self.phrasings: list[tuple[str, ...]] = []
        self.key_postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        self.summary_postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        for index, entry in enumerate(entries):
            self.ids.append(entry.id)
            self.questions.append(entry.question)
            phrasings = [
                " ".join(self.normaliser.words(t)) for t in (entry.question, *entry.also_asked)
            ]
            self.phrasings.append(tuple(phrasings))
            key_text = " ".join([*phrasings, *entry.people, *entry.tags])
            key = set(content(self.normaliser.words(key_text)))
            for token in key:
                self.key_postings[token].append(index)
            for token in set(content(self.normaliser.words(entry.summary))) - key:
                self.summary_postings[token].append(index)
        # Lookups must not grow the index.
        self.key_postings.default_factory = self.summary_postings.default_factory = None
        count = max(len(self.ids), 1)
        self.idf: dict[str, float] = {}
        for token in self.key_postings.keys() | self.summary_postings.keys():
            self.idf[token] = math.log(1 + count / self._df(token))
        self.unknown_weight = math.log(1 + count)
        self._buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        known = [w for w in self.idf if "_" not in w] + [
            p for p in self.normaliser.phrases if " " not in p
        ]
        for word in known:
            if len(word) >= MIN_TYPO_LENGTH:
                self._buckets[(word[0], len(word))].append(word)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    # --- query side ------------------------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str:
        """A word the index does not know, mapped to a close one it does (or left as it is)."""
        if word in self.idf or len(word) < MIN_TYPO_LENGTH or not word.isalpha():
            return word
        best: tuple[str, float] | None = None
        for length in range(len(word) - TYPO_LENGTH_SLACK, len(word) + TYPO_LENGTH_SLACK + 1):
            bucket = self._buckets.get((word[0], length), ())
            hit = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            if hit is not None and (best is None or hit[1] > best[1]):
                best = (hit[0], hit[1])
        if best is None:
            return word
        return self.normaliser.phrases.get(best[0], best[0])

    def query_words(self, question: str) -> list[str]:
        return [self._correct(w) for w in self.normaliser.words(question)]

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_weight)

    def _df(self, token: str) -> int:
        return len(self.key_postings.get(token, ())) + len(self.summary_postings.get(token, ()))

    # --- scoring ---------------------------------------------------------------------------------

    def match(self, question: str) -> MatchResult:
        words = self.query_words(question[:2000])
        terms = set(content(words))
        if not terms or not self.ids:
            return MatchResult(best=None)
        total = sum(self.weight(t) for t in terms)
        by_rarity = sorted(terms, key=self._df)
        rare_limit = max(RARE_FLOOR, int(RARE_SHARE * len(self.ids)))
        gathering = [t for t in by_rarity if self._df(t) <= rare_limit] or by_rarity[:1]
        covered: dict[int, float] = defaultdict(float)
        for token in gathering:
            w = self.weight(token)
            for index in self.key_postings.get(token, ()):
                covered[index] += w
            for index in self.summary_postings.get(token, ()):
                covered[index] += w * SUMMARY_WEIGHT
        if not covered:
            return MatchResult(best=None)
        shortlist = sorted(covered.items(), key=lambda item: -item[1])[:SHORTLIST]
        for token in by_rarity[len(gathering) :]:
            w = self.weight(token)
            key, summary = self.key_postings.get(token, ()), self.summary_postings.get(token, ())
            shortlist = [
                (
                    index,
                    cover
                    + w
                    * (
                        1.0 if _contains(key, index) else SUMMARY_WEIGHT * _contains(summary, index)
                    ),
                )
                for index, cover in shortlist
            ]
        shortlist = sorted(shortlist, key=lambda item: -item[1])[:CANDIDATES]
        query_text = " ".join(words)
        scored = sorted(
            (self._score(index, cover / total, terms, query_text) for index, cover in shortlist),
            key=lambda s: -s.score,
        )
        return self.decide(scored)

    def _score(self, index: int, coverage: float, terms: set[str], query_text: str) -> ScoredEntry:
        precision = 0.0
        for phrasing in self.phrasings[index]:
            tokens = set(content(phrasing.split()))
            if tokens:
                shared = sum(self.weight(t) for t in tokens & terms)
                precision = max(precision, shared / sum(self.weight(t) for t in tokens))
        similarity = max(fuzz.token_set_ratio(query_text, p) for p in self.phrasings[index]) / 100
        score = 100 * (
            COVERAGE_SHARE * coverage + PRECISION_SHARE * precision + FUZZY_SHARE * similarity
        )
        return ScoredEntry(self.ids[index], self.questions[index], score)

    @staticmethod
    def decide(scored: list[ScoredEntry]) -> MatchResult:
        """Answer only a clear winner; otherwise offer the close ones as suggestions."""
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        clear = best.score >= CONFIDENT_SCORE or best.score - runner_up >= MARGIN
        if best.score >= ANSWER_THRESHOLD and clear:
            also = [s for s in scored[1 : 1 + MAX_ALSO] if s.score >= ANSWER_THRESHOLD]
            return MatchResult(best=best, also=also)
        near = [s for s in scored if s.score >= SUGGEST_THRESHOLD][:MAX_SUGGESTIONS]
        return MatchResult(best=None, near=near)
