"""question -> Answer: the core API that the bot and the CLI both call."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel
from rapidfuzz import fuzz, process, utils

from askbot.citations import MODERATOR_NOTE_LABEL
from askbot.embedding import StoredVectors
from askbot.matching import SIGNALS_VERSION, Calibration, Matcher, ScoredEntry
from askbot.models import AliasGroup, Citation, Entry, EntryStatus, FactBase, Source, SourceKind
from askbot.rules import Rule, check_rules
from askbot.store import AskedQuestion, Store

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000

AnswerStatus = Literal["answered", "no_match", "declined"]


class CitationView(BaseModel):
    """A citation with what a reader needs to judge it."""

    source_id: str
    title: str
    author: str
    date: str | None
    url: str | None
    kind: str
    quote: str
    locator: str


class PositionView(BaseModel):
    stance: str
    held_by: str
    citations: list[CitationView]


class EntryView(BaseModel):
    """An entry as readers see it: citations carry their source's title, author, date and kind."""

    id: str
    question: str
    summary: str
    moderator_note: str | None
    status: EntryStatus
    positions: list[PositionView]
    citations: list[CitationView]


class MatchView(EntryView):
    score: float  # fused retrieval score, 0-100
    confidence: float  # how likely this entry answers the question, 0-1


class ListedEntry(EntryView):
    """An entry as ``askbot facts list --json`` prints it."""

    also_asked: list[str]
    retired: bool
    revision: int


class Suggestion(BaseModel):
    id: str
    question: str
    score: float
    confidence: float


class Answer(BaseModel):
    """The reply to one question; ``--json`` prints exactly this."""

    question: str
    status: AnswerStatus
    unresolved: bool
    rule: Literal["hypothetical", "recent-events"] | None
    confidence: float  # of the best candidate (answered or not); 0 when declined or empty
    message: str
    matches: list[MatchView]
    suggestions: list[Suggestion]


class AnswerEngine:
    """The matcher's indexes plus what answers cite; rebuilt when the fact base changes.

    ``stored`` holds phrasing vectors computed earlier (kept in the database); entries whose
    revision has none are embedded now and left in ``fresh`` for the caller to store.
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        sources: Iterable[Source],
        aliases: Sequence[AliasGroup],
        stored: Mapping[str, StoredVectors] | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.sources = {s.id: s for s in sources}

        def live() -> Iterator[Entry]:
            for entry in entries:
                if not entry.retired and entry.citations:
                    yield entry

        self.matcher = Matcher(live(), aliases, stored, calibration=calibration)
        self.fresh = self.matcher.fresh
        self._index = {entry_id: i for i, entry_id in enumerate(self.matcher.ids)}

    @classmethod
    def from_fact_base(cls, fact_base: FactBase) -> AnswerEngine:
        return cls(fact_base.entries, fact_base.sources, fact_base.aliases)

    def entry(self, entry_id: str) -> Entry | None:
        """A live entry by id (None if unknown or retired)."""
        index = self._index.get(entry_id)
        return self.matcher.entry(index) if index is not None else None

    def entry_view(self, entry_id: str) -> EntryView | None:
        entry = self.entry(entry_id)
        return EntryView(**entry_view_fields(entry, self.sources)) if entry else None

    def find_entries(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Live entries whose id or question is close to ``text``, as (id, question): for pickers."""
        ids, questions = self.matcher.ids, self.matcher.questions
        if not text.strip():
            return sorted(zip(ids, questions, strict=True), key=lambda pair: pair[1].casefold())[
                :limit
            ]
        labels = [
            f"{question} {entry_id}" for entry_id, question in zip(ids, questions, strict=True)
        ]
        hits = process.extract(
            text, labels, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
        )
        return [(ids[index], questions[index]) for _, _, index in hits]

    def answer_for(self, entry_id: str, question: str) -> Answer | None:
        """The answer a member chose from suggestions: that entry, as if it had matched."""
        view = self.entry_view(entry_id)
        if view is None:
            return None
        match = MatchView(score=100.0, confidence=1.0, **view.model_dump())
        return Answer(
            question=question,
            status="answered",
            unresolved=match.status is not EntryStatus.SETTLED,
            rule=None,
            confidence=1.0,
            message=answer_message(match),
            matches=[match],
            suggestions=[],
        )

    def answer(self, question: str, today: date | None = None) -> Answer:
        """Rules first, then the matcher; never raises on any text a member can type."""
        text = clean_question(question)
        if not any(ch.isalnum() for ch in text):
            return Answer(
                question=question,
                status="no_match",
                unresolved=False,
                rule=None,
                confidence=0.0,
                message=EMPTY_QUESTION_MESSAGE,
                matches=[],
                suggestions=[],
            )
        rule = check_rules(text, today)
        if rule is not None:
            return declined(question, rule)
        result = self.matcher.match(text)
        top = max((j.entry.confidence for j in result.judged), default=0.0)
        if result.best is None:
            suggestions = [
                Suggestion(id=s.id, question=s.question, score=s.score, confidence=s.confidence)
                for s in result.near
            ]
            return Answer(
                question=question,
                status="no_match",
                unresolved=False,
                rule=None,
                confidence=top,
                message=no_match_message(suggestions),
                matches=[],
                suggestions=suggestions,
            )
        matches = [self.view(scored) for scored in (result.best, *result.also)]
        best = matches[0]
        return Answer(
            question=question,
            status="answered",
            unresolved=best.status is not EntryStatus.SETTLED,
            rule=None,
            confidence=best.confidence,
            message=answer_message(best),
            matches=matches,
            suggestions=[],
        )

    def view(self, scored: ScoredEntry) -> MatchView:
        entry = self.entry(scored.id)
        assert entry is not None  # the matcher only indexes live entries
        return MatchView(
            score=scored.score,
            confidence=scored.confidence,
            **entry_view_fields(entry, self.sources),
        )


def citation_view(citation: Citation, sources: dict[str, Source]) -> CitationView:
    source = sources[citation.source]
    return CitationView(
        source_id=source.id,
        title=source.csl.title,
        author=source.authors,
        date=source.date,
        url=source.csl.URL,
        kind=source.kind.value,
        quote=citation.quote,
        locator=citation.locator,
    )


def entry_view_fields(entry: Entry, sources: dict[str, Source]) -> dict[str, Any]:
    """The fields every entry view shares, with citations resolved against their sources."""
    return {
        "id": entry.id,
        "question": entry.question,
        "summary": entry.summary,
        "moderator_note": entry.moderator_note,
        "status": entry.status,
        "positions": [
            PositionView(
                stance=p.stance,
                held_by=p.held_by,
                citations=[citation_view(c, sources) for c in p.citations],
            )
            for p in entry.positions
        ],
        "citations": [citation_view(c, sources) for c in entry.citations],
    }


def list_entries(fact_base: FactBase) -> list[ListedEntry]:
    sources = {s.id: s for s in fact_base.sources}
    return [
        ListedEntry(
            also_asked=e.also_asked,
            retired=e.retired,
            revision=e.revision,
            **entry_view_fields(e, sources),
        )
        for e in fact_base.entries
    ]


# What the flag on an open question says: "historians" only when every position rests on
# historians' own work (secondary sources); two documents disagreeing is not a historians' debate.
OPEN_BANNERS = {
    (EntryStatus.UNRESOLVED, False): "The sources here say this is not known.",
    (EntryStatus.DEBATED, False): "The sources here disagree on this question.",
    (EntryStatus.UNRESOLVED, True): "Historians consider this question unresolved.",
    (EntryStatus.DEBATED, True): "Historians disagree on this question.",
}
UNVERIFIED_BANNER = (
    "Unverified: this rests only on an unsourced comment that cites nothing; check it elsewhere"
    " before relying on it."
)


def answer_banner(entry: EntryView) -> str | None:
    """The flag an answer starts with, or None: for an open question, worded after the kinds
    of source its positions rest on; for a settled one, a warning when all it cites is unsourced."""
    if entry.status is EntryStatus.SETTLED:
        unsourced = all(c.kind == SourceKind.UNSOURCED.value for c in entry.citations)
        return UNVERIFIED_BANNER if unsourced else None
    kinds = {c.kind for p in entry.positions for c in p.citations}
    return OPEN_BANNERS[(entry.status, kinds == {SourceKind.SECONDARY.value})]


SOURCE_BASIS = {
    "primary": "a primary source",
    "secondary": "a secondary source",
    "community": "a community answer",
    "unsourced": "an unsourced comment",
}


def source_basis(kinds: Iterable[str]) -> str:
    """What a position rests on, in words: "a primary source and an unsourced comment"."""
    named = [SOURCE_BASIS.get(kind, f"a {kind} source") for kind in sorted(set(kinds))]
    return " and ".join(named) if len(named) < 3 else ", ".join(named[:-1]) + " and " + named[-1]


def answer_message(match: MatchView) -> str:
    """The reply text a member reads: the flag first when the question is open, then the answer."""
    lines = []
    banner = answer_banner(match)
    if banner:
        lines += [banner, ""]
    lines.append(match.summary)
    for position in match.positions:
        basis = source_basis(c.kind for c in position.citations)
        lines.append(f"- {position.stance} (held by {position.held_by}; rests on {basis})")
    if match.moderator_note:
        lines += ["", f"{MODERATOR_NOTE_LABEL}: {match.moderator_note}"]
    lines.append("")
    lines.append("Sources:")
    for citation in match.citations:
        date = citation.date or "n.d."
        lines.append(
            f'- {citation.author}, "{citation.title}" ({date}), {citation.locator}: "{citation.quote}"'
        )
    return "\n".join(lines)


EMPTY_QUESTION_MESSAGE = (
    'Please ask a question in words, for example: "Why did Stalin have Yagoda arrested?" or '
    '"Did Stalin plan the Great Purge?"'
)


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")


def clean_question(question: str) -> str:
    """Drop control characters and chat mentions, cap the length: what is left gets matched."""
    printable = "".join(ch if ch.isprintable() else " " for ch in question)
    return " ".join(_MENTION.sub(" ", printable).split())[:MAX_QUESTION_CHARS]


def declined(question: str, rule: Rule) -> Answer:
    return Answer(
        question=question,
        status="declined",
        unresolved=False,
        rule=rule.name,
        confidence=0.0,
        message=f"{rule.text}\n\nHow to ask instead: {rule.hint}",
        matches=[],
        suggestions=[],
    )


def queue_key(question: str) -> str:
    """How unanswered questions are grouped: case, punctuation and spacing folded."""
    return utils.default_process(clean_question(question))


async def load_engine(store: Store) -> AnswerEngine:
    """The engine for the store's fact base, answering with the calibration applied there (the
    shipped one when none is, or when it was fitted on older signals): stored vectors reused,
    new ones embedded off the event loop and kept, so an unchanged entry is never embedded
    twice."""
    fact_base = await store.load_fact_base()
    stored = await store.entry_vectors()
    applied = await store.active_calibration()
    calibration = Calibration.model_validate_json(applied.calibration) if applied else None
    if applied is not None and calibration is not None and calibration.signals != SIGNALS_VERSION:
        log.warning(
            "calibration %d was fitted on an older version of the answer signals; answering with"
            " the shipped one until `askbot calibrate --apply` fits a new one",
            applied.id,
        )
        calibration = None
    engine = await asyncio.to_thread(
        AnswerEngine, fact_base.entries, fact_base.sources, fact_base.aliases, stored, calibration
    )
    if engine.fresh:
        await store.put_entry_vectors(engine.fresh)
    return engine


async def ask(
    engine: AnswerEngine,
    store: Store,
    question: str,
    *,
    record: bool = True,
    today: date | None = None,
) -> Answer:
    """Answer a question; count the outcome, and queue it for moderators when nothing fits."""
    answer = engine.answer(question, today)
    asked = asked_question(question, answer)
    if record and asked is not None:
        await store.record_asked([asked])
    return answer


def asked_question(question: str, answer: Answer) -> AskedQuestion | None:
    """What is recorded of a question (None for one with nothing to group it by)."""
    key = queue_key(question)
    if not key:
        return None
    return AskedQuestion(
        status=answer.status,
        entry_id=answer.matches[0].id if answer.matches else None,
        unanswered=(key, clean_question(question)[:500]) if answer.status == "no_match" else None,
    )


def no_match_message(suggestions: list[Suggestion]) -> str:
    text = "I have nothing in the fact base that answers this, and I will not guess."
    if suggestions:
        text += " Did you mean:\n" + "\n".join(f"- {s.question}" for s in suggestions)
    return text
