"""Matching a member's question to entries: pure, in memory, no I/O.

Three steps, cheapest first:

1. **Normalise**: rapidfuzz's ``default_process`` (case, punctuation); alias variants mapped to one
   canonical token (Ezhov -> yezhov, Genrikh Yagoda -> yagoda); a word the fact base has never seen
   corrected to a close one it has (Yagodda -> yagoda); chatter and function words dropped; the
   rest stemmed (arrested -> arrest).
2. **Weigh**: an inverted index gives each entry the share of the question's information it covers,
   each word weighted by its inverse document frequency, so "Kalinin" or "canal" count for far more
   than "Stalin" or "1937", and a word no entry knows counts against every entry. Question words
   (who, when, why ...) count a little, so "when was he arrested" and "why was he arrested" differ.
3. **Compare**: the best candidates' phrasings are compared with the question with rapidfuzz.

The score (0-100) is the covered share of the question, scaled by how well the entry's own
phrasing fits it. An entry is answered only when the score clears a calibrated threshold with a
margin over the runner-up; otherwise the best few become suggestions.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process, utils

from askbot.models import AliasGroup, Entry

MAX_SUGGESTIONS = 3
MAX_ALSO = 2
CANDIDATES = 20
SHORTLIST = 200
RARE_SHARE = 0.02  # a word in more than this share of entries does not gather candidates
RARE_FLOOR = 100
MIN_TYPO_LENGTH = 4
TYPO_LENGTH_SLACK = 2
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class MatchSettings:
    """Weights and cut-offs, calibrated on the development question set (bench/quality.py)."""

    # The operating point favours honest abstention: a confident answer to a different question
    # costs a community more than "not in the fact base, did you mean ...".
    answer_threshold: float = 36.0  # below this, never answer
    confident_score: float = 100.0  # at or above this, answer even without a margin
    margin: float = 14.0  # otherwise the winner must lead the runner-up by this much
    suggest_threshold: float = 20.0  # "did you mean" candidates score at least this
    summary_weight: float = 0.5  # a word found only in the summary counts this much
    question_word_weight: float = 1.0  # who/when/why ... count this share of their IDF
    other_type_factor: float = 0.65  # score kept when no phrasing asks the same kind of question
    coverage_gate: float = 2.0  # score = 100 * coverage ** gate * fit * type factor
    # fit = base + the weighted evidence of the best phrasing (the four weights sum to 1)
    fit_base: float = 0.35
    precision_weight: float = 0.19
    phrase_coverage_weight: float = 0.12
    similarity_weight: float = 0.34
    typo_cutoff: float = 92.0  # rapidfuzz ratio a typo must reach to be corrected


DEFAULT_SETTINGS = MatchSettings()

_FUNCTION_WORDS = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his i if in into is it its itself just me more my
myself no nor not now of off on once only or other our ours out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under
until up very was we were while whom will with would you your yours yourself s t don didn doesn isn
wasn weren hasn haven hadn won wouldn couldn shouldn d ll m re ve y also ever really actually
basically exactly kind sort thing things stuff get got go going went say said tell told know knew
think thought mean meant want wanted like one way much many lot lots
""".split()
_CHATTER = """
hey hi hello yo hiya greetings bot askbot please pls plz thanks thank thx ty cheers quick question
questions q class teacher professor homework essay assignment school curious wondering wonder
anyone anybody someone somebody guys guy folks yall lol lmao ok okay um uh hmm well so right need
help explain explanation info information answer answers brief briefly simple simply short
summary eli5 tldr btw idk im iirc afaik read reading heard hearing saw seen learned learning
talking talked discussing discussed history historical historically heres theres cant dont
understand understanding reply let exactly whats whos give u ur
""".split()
QUESTION_WORDS = frozenset({"who", "what", "when", "where", "why", "how", "which"})
# The question words that say what kind of answer is wanted ("what" and "which" can ask anything).
ANSWER_TYPES = frozenset({"who", "when", "where", "why", "how"})
# "tell me about X", "background on X", "X?": with only a person named, the question is who X was.
_ABOUT_A_PERSON = frozenset({"background", "bio", "biography", "profile", "about"})
STOPWORDS = frozenset(_FUNCTION_WORDS) | frozenset(_CHATTER) | _ABOUT_A_PERSON


@dataclass(frozen=True)
class ScoredEntry:
    id: str
    question: str
    score: float


@dataclass(frozen=True)
class Candidate:
    """One entry's raw evidence for one question, before the settings turn it into a score."""

    index: int
    coverage: float  # IDF-weighted share of the question's terms the entry contains
    precision: float  # IDF-weighted share of the best phrasing's terms the question contains
    phrase_coverage: float  # IDF-weighted share of the question's terms the best phrasing contains
    similarity: float  # rapidfuzz token_sort_ratio of question and best phrasing, 0-1
    same_type: bool  # a phrasing asks the same kind of question (who/when/why ...) or none is asked


@dataclass
class MatchResult:
    """The best entry if it is clearly good enough, else suggestions only."""

    best: ScoredEntry | None
    also: list[ScoredEntry] = field(default_factory=list)
    near: list[ScoredEntry] = field(default_factory=list)


_stem = lru_cache(maxsize=65536)(snowballstemmer.stemmer("english").stemWord)


class Normaliser:
    """Text -> words with alias variants folded to one canonical token each."""

    def __init__(self, aliases: Sequence[AliasGroup]) -> None:
        self.phrases: dict[str, str] = {}
        self.longest_from: dict[str, int] = {}  # first word of a multi-word alias -> its most words
        self.people: set[str] = set()  # canonical tokens of people
        for group in aliases:
            canonical = "_".join(utils.default_process(group.canonical).split())
            if group.kind == "person":
                self.people.add(canonical)
            for name in (group.canonical, *group.variants):
                words = utils.default_process(name).split()
                if words:
                    self.phrases[" ".join(words)] = canonical
                    if len(words) > 1:
                        self.longest_from[words[0]] = max(
                            self.longest_from.get(words[0], 1), len(words)
                        )

    def words(self, text: str) -> list[str]:
        """All words, aliases folded, nothing dropped."""
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


def terms(words: Iterable[str]) -> list[str]:
    """The words that carry meaning, stemmed; alias tokens and question words kept as they are."""
    out = []
    for word in words:
        if word in QUESTION_WORDS or "_" in word:
            out.append(word)
        elif word not in STOPWORDS and len(word) > 1:
            out.append(_stem(word))
    return out


def _contains(postings: Sequence[int], index: int) -> bool:
    """Membership in a sorted postings array, by bisection."""
    at = bisect_left(postings, index)
    return at < len(postings) and postings[at] == index


class Matcher:
    """An index over entries' questions, paraphrases, people, tags and summaries.

    It keeps ids, questions and the index, not the entries: a large fact base can be streamed in.
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        aliases: Sequence[AliasGroup],
        settings: MatchSettings = DEFAULT_SETTINGS,
    ) -> None:
        self.settings = settings
        self.normaliser = Normaliser(aliases)
        self.ids: list[str] = []
        self.questions: list[str] = []
        self.phrasings: list[tuple[str, ...]] = []  # each phrasing as its terms, space-joined
        self.key_postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        self.summary_postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        known_words: set[str] = set()
        for index, entry in enumerate(entries):
            self.ids.append(entry.id)
            self.questions.append(entry.question)
            phrasings = []
            key: set[str] = set()
            for text in (entry.question, *entry.also_asked):
                words = self.normaliser.words(text)
                known_words.update(words)
                phrasing = terms(words)
                phrasings.append(" ".join(phrasing))
                key.update(phrasing)
            self.phrasings.append(tuple(phrasings))
            for text in (*entry.people, *entry.tags):
                words = self.normaliser.words(text)
                known_words.update(words)
                key.update(terms(words))
            summary_words = self.normaliser.words(entry.summary)
            known_words.update(summary_words)
            for token in key:
                self.key_postings[token].append(index)
            for token in set(terms(summary_words)) - key:
                self.summary_postings[token].append(index)
        # Lookups must not grow the index.
        self.key_postings.default_factory = self.summary_postings.default_factory = None
        count = max(len(self.ids), 1)
        self.idf = {
            token: math.log(1 + count / self._df(token))
            for token in self.key_postings.keys() | self.summary_postings.keys()
        }
        self.unknown_weight = math.log(1 + count)
        self._buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in known_words | {p for p in self.normaliser.phrases if " " not in p}:
            if len(word) >= MIN_TYPO_LENGTH and word.isalpha():
                self._buckets[(word[0], len(word))].append(word)
        self._known_words = frozenset(known_words)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    # --- query side ------------------------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str:
        """A word the index does not know, mapped to a close one it does (or left as it is)."""
        if (
            word in self._known_words
            or word in STOPWORDS
            or len(word) < MIN_TYPO_LENGTH
            or not word.isalpha()
        ):
            return word
        best: tuple[str, float] | None = None
        for length in range(len(word) - TYPO_LENGTH_SLACK, len(word) + TYPO_LENGTH_SLACK + 1):
            bucket = self._buckets.get((word[0], length), ())
            hit = process.extractOne(
                word, bucket, scorer=fuzz.ratio, score_cutoff=self.settings.typo_cutoff
            )
            if hit is not None and (best is None or hit[1] > best[1]):
                best = (hit[0], hit[1])
        if best is None:
            return word
        return self.normaliser.phrases.get(best[0], best[0])

    def query_terms(self, question: str) -> list[str]:
        words = [self._correct(w) for w in self.normaliser.words(question[:MAX_QUERY_CHARS])]
        found = terms(words)
        if found and set(found) <= self.normaliser.people:
            found.append("who")  # "yagoda?", "tell me about Iagoda": who was he?
        return found

    def weight(self, token: str) -> float:
        weight = self.idf.get(token, self.unknown_weight)
        return weight * self.settings.question_word_weight if token in QUESTION_WORDS else weight

    def _df(self, token: str) -> int:
        return len(self.key_postings.get(token, ())) + len(self.summary_postings.get(token, ()))

    # --- candidates and scores -------------------------------------------------------------------

    def candidates(self, question: str) -> list[Candidate]:
        """The entries that share the question's rarest words, with their raw evidence."""
        query = self.query_terms(question)
        wanted = set(query)
        if not wanted - QUESTION_WORDS or not self.ids:
            return []
        total = sum(self.weight(t) for t in wanted)
        by_rarity = sorted(wanted, key=self._df)
        rare_limit = max(RARE_FLOOR, int(RARE_SHARE * len(self.ids)))
        gathering = [t for t in by_rarity if self._df(t) <= rare_limit] or by_rarity[:1]
        covered: dict[int, float] = defaultdict(float)
        for token in gathering:
            for index in self.key_postings.get(token, ()):
                covered[index] += self.weight(token)
            for index in self.summary_postings.get(token, ()):
                covered[index] += self.weight(token) * self.settings.summary_weight
        shortlist = sorted(covered.items(), key=lambda item: -item[1])[:SHORTLIST]
        for token in by_rarity[len(gathering) :]:
            shortlist = [(i, cover + self._presence(token, i)) for i, cover in shortlist]
        shortlist = sorted(shortlist, key=lambda item: -item[1])[:CANDIDATES]
        query_text = " ".join(query)
        return [self._evidence(i, cover / total, wanted, query_text) for i, cover in shortlist]

    def _presence(self, token: str, index: int) -> float:
        """What a common word adds to one entry's coverage (found by bisection, not by scanning)."""
        if _contains(self.key_postings.get(token, ()), index):
            return self.weight(token)
        if _contains(self.summary_postings.get(token, ()), index):
            return self.weight(token) * self.settings.summary_weight
        return 0.0

    def _evidence(
        self, index: int, coverage: float, wanted: set[str], query_text: str
    ) -> Candidate:
        precision = phrase_coverage = similarity = 0.0
        total = sum(self.weight(t) for t in wanted)
        asked = wanted & ANSWER_TYPES
        same_type = not asked
        for phrasing in self.phrasings[index]:
            tokens = set(phrasing.split())
            same_type = same_type or bool(tokens & asked)
            if tokens:
                shared = sum(self.weight(t) for t in tokens & wanted)
                precision = max(precision, shared / sum(self.weight(t) for t in tokens))
                phrase_coverage = max(phrase_coverage, shared / total)
            similarity = max(similarity, fuzz.token_sort_ratio(query_text, phrasing) / 100)
        return Candidate(index, coverage, precision, phrase_coverage, similarity, same_type)

    def score(self, candidate: Candidate) -> float:
        s = self.settings
        fit = (
            s.fit_base
            + s.precision_weight * candidate.precision
            + s.phrase_coverage_weight * candidate.phrase_coverage
            + s.similarity_weight * candidate.similarity
        )
        kind = 1.0 if candidate.same_type else s.other_type_factor
        return 100 * candidate.coverage**s.coverage_gate * fit * kind

    def match(self, question: str) -> MatchResult:
        scored = sorted(
            (
                ScoredEntry(self.ids[c.index], self.questions[c.index], self.score(c))
                for c in self.candidates(question)
            ),
            key=lambda s: -s.score,
        )
        return self.decide(scored)

    def decide(self, scored: list[ScoredEntry]) -> MatchResult:
        """Answer only a clear winner; otherwise offer the close ones as suggestions."""
        s = self.settings
        if not scored:
            return MatchResult(best=None)
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        clear = best.score >= s.confident_score or best.score - runner_up >= s.margin
        if best.score >= s.answer_threshold and clear:
            also = [x for x in scored[1 : 1 + MAX_ALSO] if x.score >= s.answer_threshold]
            return MatchResult(best=best, also=also)
        near = [x for x in scored if x.score >= s.suggest_threshold][:MAX_SUGGESTIONS]
        return MatchResult(best=None, near=near)
