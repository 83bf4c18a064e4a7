"""Matching a member's question to entries: pure, in memory, no I/O.

1. **Normalise**: rapidfuzz's ``default_process`` (case, punctuation); alias variants folded to one
   canonical token (Ezhov -> yezhov, "locked up" -> arrest); a word the fact base has never seen
   corrected to a close one it has (Yagodda -> yagoda); chatter and function words dropped; the
   rest stemmed (arrested -> arrest).
2. **Retrieve** with two well-kept methods and fuse them: BM25 (``bm25s``) over each entry's
   question, paraphrases, people and tags, and, at a lower weight, its summary and quotes; and
   sentence embeddings (``askbot.embedding``) of each phrasing, so "novelist" meets "author".
3. **Judge answerability**: a small logistic model over signals of the best candidates (fused
   score, its lead, how much of the question's information the entry covers, names the question
   gives that the entry lacks, words the entry's summary says its sources leave out, question-type
   agreement, semantic similarity and its lead) gives a confidence 0-1. Its coefficients are data
   (``answerability.json``), fitted on the development split by ``bench/calibrate.py``; nothing is
   trained at run time. A question worded as one of an entry's phrasings is that entry's to answer.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import math
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache, wraps
from importlib.resources import files
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt
import snowballstemmer
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process, utils

from askbot.embedding import StoredVectors, Vectors, default_embedder, quantise
from askbot.models import AliasGroup, Entry


@contextmanager
def _unimportable(*names: str) -> Iterator[None]:
    """Make modules not yet imported fail to import for a while (then importable again)."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # how importlib marks "not found"
    try:
        yield
    finally:
        for name in hidden:
            del sys.modules[name]


# bm25s imports scipy.sparse when it can, only for its csc_backend="scipy"; askbot's indexes use
# its default numpy backend, and scipy is most of what importing bm25s costs `askbot ask`.
with _unimportable("scipy", "scipy.sparse"):
    import bm25s

if TYPE_CHECKING:
    from askbot.embedding import Embedder

MAX_SUGGESTIONS = 3
MAX_ALSO = 2
SHORTLIST = 50  # candidates each retriever brings before fusion
JUDGED = 8  # the fused best whose signals are computed
MIN_TYPO_LENGTH = 4
TYPO_LENGTH_SLACK = 2
TYPO_CUTOFF = 92.0  # rapidfuzz ratio a word must reach to be corrected to a known one
MAX_QUERY_CHARS = 2000
MAX_NAMED_MISSING = 2
CENTROID_CHUNK = 1024  # entries whose float32 rows are made at once: about 5 MB
EMBED_BATCH = 4096  # phrasings embedded per call while building

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
ANSWER_TYPES = ("who", "when", "where", "why", "how")
# "tell me about X", "background on X", "X?": with only a person named, the question is who X was.
_ABOUT_A_PERSON = frozenset({"background", "bio", "biography", "profile", "about"})
STOPWORDS = frozenset(_FUNCTION_WORDS) | frozenset(_CHATTER) | _ABOUT_A_PERSON
# Left out when comparing a question's wording with a phrasing's: they change nothing it asks.
_GREETINGS = frozenset(
    "hey hi hello yo hiya greetings bot askbot please pls plz thanks thank thx ty cheers".split()
)

# What a summary says its sources do not say: "the answer gives no exact numbers and does not say
# how many were shot", "the sources give no first name", "why he was chosen is not known". A
# question asking exactly that is a near miss, however well the rest of it matches.
_CLAUSES = re.compile(r"[.;:()]|\b(?:but|though|although|however|while|whereas|which)\b", re.I)
_SILENT_VERBS = (
    "say|says|state|states|name|names|give|gives|date|dates|mention|mentions|list|lists|record|"
    "records|explain|explains|tell|tells|describe|describes|identify|identifies|specify|quote|"
    "quotes|cite|cites|report|reports|show|shows|indicate|indicates|discuss|discusses|address|"
    "addresses|cover|covers|offer|offers|provide|provides|use|uses|call|calls"
)
_SILENT_ABOUT = re.compile(  # the silence is about what follows
    rf"\b(?:(?:does|do|did)(?: not|n't)(?: \w+ly)? (?:{_SILENT_VERBS})"
    r"|(?:give|gives|gave|name|names|offer|offers|provide|provides|has|have|contain|contains|cite"
    r"|cites|quote|quotes|date|dates|record|records|report|reports|mention|mentions) (?:no|none of)"
    r"|(?:say|says|said|tell|tells|give|gives) nothing(?: about| of| on| else)?"
    rf"|none of \w+ (?:{_SILENT_VERBS})"
    r"|nothing (?:in|about|on)"
    r"|^\s*not (?:his|her|their)"  # a clause "not his first name, his career or his fate"
    r"|no(?= (?:first |exact )?(?:name|date|title|figure|number|career|office|post)s?\b))\b",
    re.I,
)
# Each pattern above holds one of these; a clause without any is read no further.
_NEGATION = re.compile(r"\b(?:not|no|nothing|none|unknown|cannot)\b|n't\b", re.I)
_SILENT_CLAUSE = re.compile(  # the whole clause is what is not known
    r"\b(?:not known|unknown|cannot be (?:checked|confirmed|verified|dated)"
    r"|not (?:stated|named|dated|given|recorded|said)"
    r"|not in (?:this|the|these|serge's|his) (?:source|sources|text|article|thread|answer))\b",
    re.I,
)
# Verbs whose silence is itself an aspect of what is left out: "does not date the trial"
_ASPECT_VERBS = {"date": "date", "dates": "date", "name": "name", "names": "name"}
# ... and how a question asks for one: "how many were shot?" asks a number, "when?" a date
_ASKED_ASPECTS: dict[tuple[str, ...], str] = {
    ("how", "many"): "number",
    ("how", "much"): "number",
    ("when",): "date",
    **{(which, unit): "date" for which in ("what", "which") for unit in ("year", "day", "month")},
}
# "which memoir", "what was the title", "who were the emissaries": the word asked for follows
_OPENING_QUESTION_WORDS = frozenset("what which who whom when how".split())
_FOCUS_OPENERS = frozenset("what which who whom".split())
_SUBJECT_FOLLOWS = frozenset("did does do".split())  # "what did Molotov say": no focus
_BEFORE_THE_FOCUS = frozenset("is was were are the a an of kind sort exactly exact".split())
# A summary silent on someone's fate ("his fate", "what became of him") is silent on his death
_FATE = "fate became"
_DEATH = "died death executed shot killed murdered survived happened end"


def disclaimed_text(summary: str) -> tuple[str, str]:
    """(what the summary says its sources leave out, the rest of it)."""
    if not _NEGATION.search(summary):
        return "", summary
    silent, said = [], []
    for clause in _CLAUSES.split(summary):
        if not _NEGATION.search(clause):
            said.append(clause)
            continue
        about = _SILENT_ABOUT.search(clause)
        if about:
            said.append(clause[: about.start()])
            # "does not date the trial", "names none of them": the silent verb's aspect too
            aspect = next(
                (_ASPECT_VERBS[w] for w in about.group().lower().split() if w in _ASPECT_VERBS), ""
            )
            silent.append(f"{aspect} {clause[about.end() :]}")
        elif _SILENT_CLAUSE.search(clause):
            silent.append(clause)
        else:
            said.append(clause)
    return " ".join(silent), " ".join(said)


logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

_stem = lru_cache(maxsize=65536)(snowballstemmer.stemmer("english").stemWord)


# What the signals measure, as a version: bump it when that changes (this release reads more of
# what a summary leaves out), so that a calibration fitted on older signals is set aside.
SIGNALS_VERSION = 2


class Calibration(BaseModel):
    """The answerability model and the fusion weight, as fitted by bench/calibrate.py."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signals: int = 1  # the SIGNALS_VERSION it was fitted on (calibrations before it had none)
    semantic_weight: float  # fused = lexical (0-1, relative to the best) + weight * cosine
    features: list[str]
    means: list[float]
    scales: list[float]
    coefficients: list[float]
    intercept: float
    answer_threshold: float  # confidence at or above which the best entry is answered
    suggest_threshold: float  # confidence at or above which an entry is offered as "did you mean"
    fitted_on: str  # what it was fitted on, for the record


def default_calibration() -> Calibration:
    text = (files("askbot") / "answerability.json").read_text(encoding="utf-8")
    return Calibration.model_validate_json(text)


@dataclass(frozen=True)
class ScoredEntry:
    id: str
    question: str
    score: float  # fused retrieval score, 0-100
    confidence: float  # the answerability model's probability that this entry answers, 0-1
    # ... were the question not asking for what the entry's summary says is left out: a near
    # miss ("how many officers were shot?") answers nothing, yet is related, and offered
    related: float


@dataclass(frozen=True)
class Signals:
    """What the answerability model sees of one candidate for one question."""

    fused: float
    lead: float  # over the best other candidate
    semantic: float  # cosine to the entry's closest phrasing
    semantic_lead: float
    lexical: float  # BM25, relative to the best candidate's
    coverage: float  # IDF-weighted share of the question's words found anywhere in the entry
    key_coverage: float  # ... in its question, paraphrases, people and tags
    unknown: float  # IDF-weighted share of the question's words no entry knows
    named_missing: float  # names and terms (alias groups) the question gives and the entry lacks
    focus_missing: float  # the weight of the rarest known word of the question the entry lacks
    phrase_precision: float  # IDF-weighted share of the closest phrasing's words in the question
    phrase_recall: float  # IDF-weighted share of the question's words in that phrasing
    similarity: float  # rapidfuzz token_sort_ratio of the question's words and the closest phrasing
    same_type: float  # 1 if a phrasing asks the same kind of question (who/when/why ...)
    disclaimed: float  # IDF-weighted share of the question's words the summary says are not known
    only_disclaimed: float  # ... of those, the ones found nowhere else in the entry
    focus_disclaimed: float  # 1 if what the question asks for ("which memoir") is among them

    def vector(self, names: Sequence[str]) -> list[float]:
        return [float(getattr(self, name)) for name in names]


DISCLAIMER_SIGNALS = frozenset({"disclaimed", "only_disclaimed", "focus_disclaimed"})


@dataclass(frozen=True)
class Judged:
    entry: ScoredEntry
    signals: Signals
    worded_as_phrasing: bool = False  # the question is worded as one of the entry's phrasings


@dataclass
class MatchResult:
    """The best entry if it is confidently the answer, else suggestions only."""

    best: ScoredEntry | None
    also: list[ScoredEntry] = field(default_factory=list)
    near: list[ScoredEntry] = field(default_factory=list)
    judged: list[Judged] = field(default_factory=list)  # for calibration and diagnostics


class Normaliser:
    """Text -> words with alias variants folded to one canonical token each."""

    def __init__(self, aliases: Sequence[AliasGroup]) -> None:
        self.phrases: dict[str, str] = {}
        self.longest_from: dict[str, int] = {}  # first word of a multi-word alias -> its most words
        self.people: set[str] = set()  # canonical tokens of people
        self.named: set[str] = set()  # canonical tokens of every group except synonym terms
        self.display: dict[str, str] = {}  # canonical token -> the name as written
        for group in aliases:
            canonical = "_".join(utils.default_process(group.canonical).split())
            self.display[canonical] = group.canonical
            if group.kind == "person":
                self.people.add(canonical)
            if group.kind != "term":
                self.named.add(canonical)
            for name in (group.canonical, *group.variants):
                words = utils.default_process(name).split()
                if words:
                    self.phrases[" ".join(words)] = canonical
                    if len(words) > 1:
                        self.longest_from[words[0]] = max(
                            self.longest_from.get(words[0], 1), len(words)
                        )
        # one-word variants -> canonical token
        self._single = {p: c for p, c in self.phrases.items() if c and " " not in p}

    def words(self, text: str) -> list[str]:
        """All words, aliases folded, nothing dropped."""
        raw = utils.default_process(text).split()
        out: list[str] = []
        done = 0
        for start, length, canonical in self._phrases_in(raw):
            out += [self._single.get(word, word) for word in raw[done:start]]
            out.append(canonical)
            done = start + length
        out += [self._single.get(word, word) for word in raw[done:]]
        return out

    def aligned(self, text: str) -> list[tuple[str, str]]:
        """(the words as written, the token they fold to): aliases folded."""
        raw = utils.default_process(text).split()
        out: list[tuple[str, str]] = []
        done = 0
        for start, length, canonical in self._phrases_in(raw):
            out += [(word, self._single.get(word, word)) for word in raw[done:start]]
            out.append((" ".join(raw[start : start + length]), canonical))
            done = start + length
        out += [(word, self._single.get(word, word)) for word in raw[done:]]
        return out

    def _phrases_in(self, raw: list[str]) -> Iterator[tuple[int, int, str]]:
        """(where, how many words, canonical token) of each multi-word alias in the words, read
        left to right, the longest first. Only the few words that can start one are tried: the
        rest fold through one dict look-up each (most of an index build's time otherwise)."""
        done = 0
        for start in [at for at, word in enumerate(raw) if word in self.longest_from]:
            if start < done:
                continue  # inside the alias just found
            for length in range(min(self.longest_from[raw[start]], len(raw) - start), 1, -1):
                canonical = self.phrases.get(" ".join(raw[start : start + length]))
                if canonical:
                    yield start, length, canonical
                    done = start + length
                    break


def terms(words: Iterable[str]) -> list[str]:
    """The words that carry meaning, stemmed; alias tokens and question words kept as they are."""
    return [term for term in map(_term, words) if term is not None]


@lru_cache(maxsize=65536)
def _term(word: str) -> str | None:
    """A word's term, or None for a word that carries no meaning (each word decided once)."""
    if word in QUESTION_WORDS or "_" in word:
        return word
    if word not in STOPWORDS and len(word) > 1:
        return _stem(word)
    return None


def wording(words: Iterable[str]) -> int:
    """A 64-bit digest of what a text says, word for word (aliases folded, stemmed, greetings
    dropped): "Did Stalin plan the Great Purge?" and "hey bot, did stalin plan the great purge"
    are worded alike; "Did Stalin tell anyone he was planning the purge?" is not."""
    kept = " ".join(w if "_" in w else _stem(w) for w in words if w not in _GREETINGS)
    return int.from_bytes(
        hashlib.blake2b(kept.encode(), digest_size=8).digest(), "big", signed=True
    )


@dataclass(frozen=True)
class Asked:
    """What a question asks for, beyond its words: the kind of detail ("how many": a number), and
    the thing it wants named or described ("which memoir", "who were the emissaries")."""

    aspects: frozenset[str] = frozenset()
    focus: frozenset[str] = frozenset()  # terms; the aspects among them


def what_is_asked(words: Sequence[str], named: Collection[str] = frozenset()) -> Asked:
    """Read from the question's first question word only: in "what did Yagoda do when he was
    arrested?" the "when" asks for no date. "What did Molotov say" names its subject, not what
    it asks for; in "what was Yezhov's first name" the name of a person is passed over."""
    first = next((i for i, word in enumerate(words) if word in _OPENING_QUESTION_WORDS), None)
    if first is None:
        return Asked()
    aspects = frozenset(
        aspect
        for phrase, aspect in _ASKED_ASPECTS.items()
        if tuple(words[first : first + len(phrase)]) == phrase
    )
    focus = set(aspects)
    if words[first] in _FOCUS_OPENERS:
        j = first + 1
        while j < len(words) and words[j] in _BEFORE_THE_FOCUS:
            j += 1
        while j < len(words) and (words[j] in named or words[j] == "s"):
            j += 1  # "Yezhov's"
        term = _term(words[j]) if j < len(words) and words[j] not in _SUBJECT_FOLLOWS else None
        if term is not None and term not in QUESTION_WORDS:
            focus.add(term)
    return Asked(aspects, frozenset(focus))


def _type_mask(tokens: Iterable[str]) -> int:
    found = set(tokens)
    return sum(1 << i for i, kind in enumerate(ANSWER_TYPES) if kind in found)


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    """A BM25 index of the documents, which it consumes: each is handed to bm25s as token ids
    and emptied as it is converted, so that the build never holds two copies of the corpus
    (bm25s converts tokens to ids itself, keeping both)."""
    vocabulary: dict[str, int] = {}
    ids = []
    for at, tokens in enumerate(corpus):
        ids.append([vocabulary.setdefault(token, len(vocabulary)) for token in tokens])
        corpus[at] = []
    index = bm25s.BM25()
    index.index((ids, vocabulary), show_progress=False)
    return index


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _without_cycle_collection(build: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run an index build with Python's cycle collector paused. A build makes millions of small
    lists and tuples and frees none of them in cycles, yet each allocation burst sets the
    collector walking everything made so far: about a third of the build, and more the larger
    the fact base. The collector resumes (if it was running) when the build ends."""

    @wraps(build)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


class Matcher:
    """BM25 and embedding indexes over entries, and the answerability model that judges them.

    It keeps ids, questions, the indexes and each entry as compressed JSON, not the entries
    themselves: a large fact base can be streamed in. Phrasing vectors already computed for an
    entry's revision (``stored``) are reused; the rest are embedded and left in ``fresh`` for the
    caller to keep.
    """

    @_without_cycle_collection
    def __init__(
        self,
        entries: Iterable[Entry],
        aliases: Sequence[AliasGroup],
        stored: Mapping[str, StoredVectors] | None = None,
        *,
        calibration: Calibration | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.calibration = calibration or default_calibration()
        self.embedder = embedder or default_embedder()
        self.normaliser = Normaliser(aliases)
        stored = stored or {}
        self.ids: list[str] = []
        self.questions: list[str] = []
        self.phrasings: list[tuple[str, ...]] = []  # each phrasing as its terms, space-joined
        self.fresh: list[StoredVectors] = []
        self._packed: list[bytes] = []
        # entry index -> (words its summary disclaims, those of them found nowhere else in it)
        self._disclaimed: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        type_masks: list[int] = []
        key_docs: list[list[str]] = []
        body_docs: list[list[str]] = []
        document_frequency: Counter[str] = Counter()
        known_words: set[str] = set()
        fresh_at: list[int] = []  # the entry index of each of self.fresh
        blocks: list[StoredVectors | None] = []  # None until its batch is embedded
        waiting: list[tuple[int, Entry, tuple[str, ...]]] = []  # entries to embed, in batches
        waiting_texts = 0
        fate = frozenset(terms(self.normaliser.words(_FATE)))
        death = frozenset(terms(self.normaliser.words(_DEATH)))
        wordings: list[int] = []  # each phrasing's wording digest ...
        worded_entries: list[int] = []  # ... and its entry's index
        for entry in entries:
            self.ids.append(entry.id)
            self.questions.append(entry.question)
            self._packed.append(zlib.compress(entry.model_dump_json().encode(), 1))
            texts = (entry.question, *entry.also_asked)
            phrasings = []
            key: list[str] = []
            for text in (*texts, *entry.people, *entry.tags):
                words = self.normaliser.words(text)
                known_words.update(words)
                key += terms(words)
                if len(phrasings) < len(texts):
                    phrasings.append(" ".join(terms(words)))
                    wordings.append(wording(words))
                    worded_entries.append(len(self.ids) - 1)
            body: list[str] = []
            summary_ends = 0  # where the summary's terms end in body and the quotes' begin
            for position, text in enumerate(
                (entry.summary, *(c.quote for c in entry.all_citations()))
            ):
                words = self.normaliser.words(text)
                known_words.update(words)
                body += terms(words)
                if position == 0:
                    summary_ends = len(body)
            silent, said = disclaimed_text(entry.summary)
            if silent:
                disclaimed = frozenset(terms(self.normaliser.words(silent)))
                if not disclaimed.isdisjoint(fate):  # "nothing on what became of him"
                    disclaimed |= death
                # found elsewhere: in the key, in what the summary does say, in the quotes
                elsewhere = {*key, *terms(self.normaliser.words(said)), *body[summary_ends:]}
                self._disclaimed[len(self.ids) - 1] = (disclaimed, disclaimed - elsewhere)
            self.phrasings.append(tuple(phrasings))
            type_masks.append(_type_mask(" ".join(phrasings).split()))
            key_docs.append(key)
            body_docs.append(body)
            document_frequency.update(set(key) | set(body))
            kept = self._kept_vectors(entry, texts, stored.get(entry.id))
            blocks.append(kept)
            if kept is None:
                waiting.append((len(blocks) - 1, entry, texts))
                waiting_texts += len(texts)
                if waiting_texts >= EMBED_BATCH:
                    self._embed(waiting, blocks, fresh_at)
                    waiting_texts = 0
        self._embed(waiting, blocks, fresh_at)
        embedded = [block for block in blocks if block is not None]  # every one, by now
        count = len(self.ids)
        self.idf = {t: math.log(1 + count / df) for t, df in document_frequency.items()}
        self.unknown_weight = math.log(1 + max(count, 1))
        self._key = _bm25(key_docs)
        self._body = _bm25(body_docs)
        self._type_masks = np.array(type_masks, dtype=np.int8)
        self._rows_from = np.cumsum([0] + [len(b.rows) for b in embedded])
        self._rows, self._row_scales = _stack_vectors(embedded, self.embedder.dimensions)
        # The fresh vectors as views of the stacked rows, so that the batches they were embedded
        # in are freed (they would otherwise stay, a second copy of every row, for the caller).
        self.fresh = [
            replace(fresh, rows=self._rows[a:b], scales=self._row_scales[a:b])
            for fresh, a, b in (
                (fresh, self._rows_from[at], self._rows_from[at + 1])
                for fresh, at in zip(self.fresh, fresh_at, strict=True)
            )
        ]
        del blocks, embedded
        self._centroids = _centroids(self._rows, self._row_scales, self._rows_from)
        self._buckets: dict[tuple[str, int], list[str]] = {}
        # sorted, so that a tie between two close words goes the same way in every process
        for word in sorted(known_words | {p for p in self.normaliser.phrases if " " not in p}):
            if len(word) >= MIN_TYPO_LENGTH and word.isalpha():
                self._buckets.setdefault((word[0], len(word)), []).append(word)
        self._known_words = frozenset(known_words)
        by_wording = np.argsort(np.array(wordings, dtype=np.int64), kind="stable")
        self._wordings = np.array(wordings, dtype=np.int64)[by_wording]
        self._worded_entries = np.array(worded_entries, dtype=np.int32)[by_wording]
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def _kept_vectors(
        self, entry: Entry, texts: tuple[str, ...], stored: StoredVectors | None
    ) -> StoredVectors | None:
        """The stored vectors, when they are of this revision and model; None: embed anew."""
        if (
            stored is not None
            and stored.revision == entry.revision
            and stored.model_id == self.embedder.model_id
            and stored.rows.shape == (len(texts), self.embedder.dimensions)
        ):
            return stored
        return None

    def _embed(
        self,
        waiting: list[tuple[int, Entry, tuple[str, ...]]],
        blocks: list[StoredVectors | None],
        fresh_at: list[int],
    ) -> None:
        """Embed the waiting entries' phrasings in one call (one call per entry costs the
        tokenizer's overhead each time: most of a large build), then empty the list. Each
        entry's vectors are views of the batch's quantised rows (quantised row by row)."""
        if not waiting:
            return
        vectors = self.embedder.encode([text for _, _, texts in waiting for text in texts])
        rows, scales = quantise(vectors)
        del vectors
        start = 0
        for position, entry, texts in waiting:
            end = start + len(texts)
            fresh = StoredVectors(
                entry.id, entry.revision, self.embedder.model_id, rows[start:end], scales[start:end]
            )
            start = end
            self.fresh.append(fresh)
            fresh_at.append(position)
            blocks[position] = fresh
        waiting.clear()

    def entry(self, index: int) -> Entry:
        return Entry.model_validate_json(zlib.decompress(self._packed[index]))

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
            hit = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            if hit is not None and (best is None or hit[1] > best[1]):
                best = (hit[0], hit[1])
        if best is None:
            return word
        return self.normaliser.phrases.get(best[0], best[0])

    def query_words(self, question: str) -> list[str]:
        """The question's words, aliases folded and typos corrected."""
        return [word for _, word in self._read(question)]

    def _read(self, question: str) -> list[tuple[str, str]]:
        """(each word as written, its folded and corrected token): the question read once."""
        return [
            (written, self._correct(token))
            for written, token in self.normaliser.aligned(question[:MAX_QUERY_CHARS])
        ]

    def query_terms(self, question: str) -> list[str]:
        return self._meaningful(self.query_words(question))

    def _meaningful(self, words: Sequence[str]) -> list[str]:
        found = terms(words)
        if found and set(found) <= self.normaliser.people:
            found.append("who")  # "yagoda?", "tell me about Iagoda": who was he?
        return found

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_weight)

    def embedding_text(self, read: Sequence[tuple[str, str]]) -> str:
        """What the embedder reads of a question: its own words (as entries' phrasings are
        embedded), with a variant spelling of a name written as the entry would write it."""
        named, display = self.normaliser.named, self.normaliser.display
        return " ".join(display[token] if token in named else raw for raw, token in read)

    # --- candidates and signals ------------------------------------------------------------------

    def match(self, question: str) -> MatchResult:
        return self.decide(self.candidates(question))

    def candidates(self, question: str) -> list[Judged]:
        """The best few entries for a question, judged; none for a question with no content."""
        read = self._read(question)
        words = [token for _, token in read]
        query = self._meaningful(words)
        if not set(query) - QUESTION_WORDS or not self.ids:
            return []
        vector = self.embedder.encode([self.embedding_text(read)])[0]
        asked = what_is_asked(words, self.normaliser.named)
        return self.judge(query, vector, self._worded_as(wording(words)), asked)

    def _worded_as(self, digest: int) -> frozenset[int]:
        """The entries with a phrasing worded as the question is."""
        first = np.searchsorted(self._wordings, digest, side="left")
        last = np.searchsorted(self._wordings, digest, side="right")
        return frozenset(int(i) for i in self._worded_entries[first:last])

    def judge(
        self,
        query: list[str],
        vector: Vectors,
        worded_as: frozenset[int] = frozenset(),
        asked: Asked = Asked(),
    ) -> list[Judged]:
        """The best few candidates by fused score, each with its signals and confidence; an entry
        the question is worded as a phrasing of is judged among them wherever it ranks. What
        the question asks for ("how many": a number) counts towards what an entry's summary may
        say is left out."""
        s = self.calibration
        lexical = self._key.get_scores(query) + 0.5 * self._body.get_scores(query)
        centroid = self._centroids @ vector
        shortlist = np.union1d(_top(lexical, SHORTLIST), _top(centroid, SHORTLIST))
        if worded_as:
            shortlist = np.union1d(shortlist, np.array(sorted(worded_as), dtype=np.intp))
        semantic = self._semantic(shortlist, vector)
        top_lexical = float(lexical[shortlist].max()) or 1.0
        fused = lexical[shortlist] / top_lexical + s.semantic_weight * semantic
        ranking = np.argsort(-fused, kind="stable")
        order = ranking[:JUDGED]
        if worded_as:
            later = [at for at in ranking[JUDGED:] if int(shortlist[at]) in worded_as]
            order = np.concatenate([order, np.array(later, dtype=order.dtype)])
        chosen = shortlist[order]
        wanted = list(dict.fromkeys(query))
        total = sum(self.weight(t) for t in wanted)
        unknown = sum(self.weight(t) for t in wanted if t not in self.idf) / total
        in_key = {t: _holding(_postings(self._key, t), chosen) for t in wanted}
        in_body = {t: _holding(_postings(self._body, t), chosen) for t in wanted}
        fused_leads, semantic_leads = _leads(fused[order]), _leads(semantic[order])
        asked_types = _type_mask(wanted)
        asked_for = [(t, self.weight(t)) for t in wanted] + [
            (a, self.weight(a)) for a in asked.aspects if a not in wanted
        ]
        asked_total = sum(weight for _, weight in asked_for)
        query_text = " ".join(query)
        out = []
        for rank, index in enumerate(chosen):
            fused_here = float(fused[order[rank]])
            semantic_here = float(semantic[order[rank]])
            key_hits = [t for t in wanted if in_key[t][rank]]
            any_hits = set(key_hits) | {t for t in wanted if in_body[t][rank]}
            named = [t for t in wanted if t in self.normaliser.named and t not in any_hits]
            missing = [self.idf[t] for t in wanted if t in self.idf and t not in any_hits]
            precision, recall = self._phrase_fit(index, wanted, total)
            similarity = max(
                fuzz.token_sort_ratio(query_text, phrasing) for phrasing in self.phrasings[index]
            )
            disclaimed, only_disclaimed = self._disclaimed.get(index, (frozenset(), frozenset()))
            signals = Signals(
                fused=fused_here,
                lead=float(fused_leads[rank]),
                semantic=semantic_here,
                semantic_lead=float(semantic_leads[rank]),
                lexical=float(lexical[index]) / top_lexical,
                coverage=sum(self.weight(t) for t in any_hits) / total,
                key_coverage=sum(self.weight(t) for t in key_hits) / total,
                unknown=unknown,
                named_missing=float(min(len(named), MAX_NAMED_MISSING)),
                focus_missing=max(missing, default=0.0) / self.unknown_weight,
                phrase_precision=precision,
                phrase_recall=recall,
                similarity=similarity / 100,
                same_type=float(
                    not asked_types or bool(asked_types & int(self._type_masks[index]))
                ),
                disclaimed=sum(w for t, w in asked_for if t in disclaimed) / asked_total,
                only_disclaimed=sum(w for t, w in asked_for if t in only_disclaimed) / asked_total,
                focus_disclaimed=float(not asked.focus.isdisjoint(disclaimed)),
            )
            scored = ScoredEntry(
                self.ids[index],
                self.questions[index],
                round(100 * fused_here / (1 + s.semantic_weight), 1),
                *self._confidences(signals),
            )
            out.append(Judged(scored, signals, int(index) in worded_as))
        return sorted(out, key=lambda j: -j.entry.confidence)

    def _phrase_fit(self, index: int, wanted: list[str], total: float) -> tuple[float, float]:
        """How closely the entry's best-fitting phrasing asks what the question asks."""
        best = (0.0, 0.0)
        asked = set(wanted)
        for phrasing in self.phrasings[index]:
            tokens = set(phrasing.split())
            if tokens:
                shared = sum(self.weight(t) for t in tokens & asked)
                fit = (shared / sum(self.weight(t) for t in tokens), shared / total)
                best = max(best, fit, key=lambda pair: pair[0] + pair[1])
        return best

    def _semantic(self, shortlist: npt.NDArray[np.intp], vector: Vectors) -> Vectors:
        """Each shortlisted entry's cosine to its closest phrasing."""
        starts, ends = self._rows_from[shortlist], self._rows_from[shortlist + 1]
        counts = ends - starts
        firsts = np.cumsum(counts) - counts  # where each entry's rows begin among those taken
        rows = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()))
        sims = (self._rows[rows].astype(np.float32) @ vector) * self._row_scales[rows]
        return np.maximum.reduceat(sims, firsts)

    def _confidences(self, signals: Signals) -> tuple[float, float]:
        """The model's probability that the entry answers, and the one it would give were the
        question not asking for what the entry's summary leaves out (how related it is)."""
        s = self.calibration
        values = signals.vector(s.features)
        unasked = [
            0.0 if name in DISCLAIMER_SIGNALS else x
            for name, x in zip(s.features, values, strict=True)
        ]
        return _probability(s, values), _probability(s, unasked)

    def decide(self, judged: list[Judged]) -> MatchResult:
        """Answer only a confident best; otherwise offer the plausible ones as suggestions.

        A question worded as one of an entry's phrasings is answered by that entry: a moderator
        wrote (or, from a misfire, added) that phrasing to say the entry answers it."""
        s = self.calibration
        worded = next((j for j in judged if j.worded_as_phrasing), None)
        if worded is not None:
            judged = [worded, *(j for j in judged if j is not worded)]
        ranked = [j.entry for j in judged]
        if ranked and (worded is not None or ranked[0].confidence >= s.answer_threshold):
            also = [x for x in ranked[1 : 1 + MAX_ALSO] if x.confidence >= s.answer_threshold]
            return MatchResult(best=ranked[0], also=also, judged=judged)
        # "did you mean": the plausible ones, the closest match first (none of them answers)
        plausible = [x for x in ranked if max(x.confidence, x.related) >= s.suggest_threshold]
        near = sorted(plausible, key=lambda x: -x.score)[:MAX_SUGGESTIONS]
        return MatchResult(best=None, near=near, judged=judged)


def _probability(s: Calibration, values: Sequence[float]) -> float:
    z = s.intercept + sum(
        c * (x - m) / sc
        for c, x, m, sc in zip(s.coefficients, values, s.means, s.scales, strict=True)
    )
    return round(1 / (1 + math.exp(-z)), 4)


def _leads(values: Vectors) -> Vectors:
    """How far each value is ahead of the best of the others (all of it when there are none)."""
    if len(values) < 2:
        return values.copy()
    best, runner_up = np.argsort(-values, kind="stable")[:2]
    leads = values - values[best]
    leads[best] = values[best] - values[runner_up]
    return leads


def _top(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.argpartition(-scores, k)[:k]


def _postings(index: bm25s.BM25, token: str) -> npt.NDArray[np.int32]:
    """The sorted entry indices whose text in this index holds the token."""
    column = index.vocab_dict.get(token)
    indptr = index.scores["indptr"]
    if column is None or column + 1 >= len(indptr):
        return np.zeros(0, dtype=np.int32)
    return index.scores["indices"][indptr[column] : indptr[column + 1]]


def _holding(
    postings: npt.NDArray[np.int32], indices: npt.NDArray[np.intp]
) -> npt.NDArray[np.bool_]:
    """For each of the indices, whether the sorted postings hold it (one search for them all)."""
    at = np.searchsorted(postings, indices)
    inside = at < len(postings)
    found = np.zeros(len(indices), dtype=bool)
    found[inside] = postings[at[inside]] == indices[inside]
    return found


def _stack_vectors(
    blocks: list[StoredVectors], dimensions: int
) -> tuple[npt.NDArray[np.int8], Vectors]:
    """All phrasing rows in one int8 matrix, with their scales."""
    if not blocks:
        return np.zeros((0, dimensions), np.int8), np.zeros(0, np.float32)
    return np.concatenate([b.rows for b in blocks]), np.concatenate([b.scales for b in blocks])


def _centroids(
    rows: npt.NDArray[np.int8], scales: Vectors, rows_from: npt.NDArray[np.intp]
) -> Vectors:
    """A unit float32 centroid per entry for the semantic shortlist (computed in chunks, never a
    float32 copy of every row or centroid)."""
    count = len(rows_from) - 1
    centroids = np.zeros((count, rows.shape[1]), np.float32)
    for first in range(0, count, CENTROID_CHUNK):
        last = min(first + CENTROID_CHUNK, count)
        a, b = rows_from[first], rows_from[last]
        chunk = rows[a:b].astype(np.float32) * scales[a:b, None]
        summed = np.add.reduceat(chunk, rows_from[first:last] - a)
        centroids[first:last] = summed / np.maximum(
            np.linalg.norm(summed, axis=1, keepdims=True), 1e-9
        )  # normalised chunk by chunk: the norm of the whole matrix squares a copy of it
    return centroids
