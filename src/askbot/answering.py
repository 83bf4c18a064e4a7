"""question -> Answer: the core API that the bot and the CLI both call."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from askbot.matching import Matcher, ScoredEntry
from askbot.models import Citation, Entry, EntryStatus, FactBase, Source

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
    status: EntryStatus
    positions: list[PositionView]
    citations: list[CitationView]


class MatchView(EntryView):
    score: float


class ListedEntry(EntryView):
    """An entry as ``askbot facts list --json`` prints it."""

    also_asked: list[str]
    retired: bool
    revision: int


class Suggestion(BaseModel):
    id: str
    question: str
    score: float


class Answer(BaseModel):
    """The reply to one question; ``--json`` prints exactly this."""

    question: str
    status: AnswerStatus
    unresolved: bool
    rule: Literal["hypothetical", "recent-events"] | None
    message: str
    matches: list[MatchView]
    suggestions: list[Suggestion]


class AnswerEngine:
    """Holds the matcher index and the sources it cites; rebuilt when the fact base changes."""

    def __init__(self, fact_base: FactBase) -> None:
        self.sources = {s.id: s for s in fact_base.sources}
        live = [e for e in fact_base.entries if not e.retired and e.citations]
        self.entries = {e.id: e for e in live}
        self.matcher = Matcher(live, fact_base.aliases)

    def answer(self, question: str) -> Answer:
        result = self.matcher.match(question)
        if result.best is None:
            suggestions = [
                Suggestion(id=s.entry.id, question=s.entry.question, score=s.score)
                for s in result.near
            ]
            return Answer(
                question=question,
                status="no_match",
                unresolved=False,
                rule=None,
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
            message=answer_message(best),
            matches=matches,
            suggestions=[],
        )

    def view(self, scored: ScoredEntry) -> MatchView:
        return MatchView(
            score=round(scored.score, 1), **entry_view_fields(scored.entry, self.sources)
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


UNRESOLVED_BANNER = {
    EntryStatus.UNRESOLVED: "Historians consider this question unresolved: the sources say it is not known.",
    EntryStatus.DEBATED: "Historians still debate this question: the sources disagree.",
}


def answer_message(match: MatchView) -> str:
    """The reply text a member reads: the flag first when the question is open, then the answer."""
    lines = []
    banner = UNRESOLVED_BANNER.get(match.status)
    if banner:
        lines += [banner, ""]
    lines.append(match.summary)
    for position in match.positions:
        kinds = ", ".join(sorted({c.kind for c in position.citations}))
        lines.append(f"- {position.stance} (held by {position.held_by}; rests on a {kinds} source)")
    lines.append("")
    lines.append("Sources:")
    for citation in match.citations:
        date = citation.date or "n.d."
        lines.append(
            f'- {citation.author}, "{citation.title}" ({date}), {citation.locator}: "{citation.quote}"'
        )
    return "\n".join(lines)


def no_match_message(suggestions: list[Suggestion]) -> str:
    text = "I have nothing in the fact base that answers this, and I will not guess."
    if suggestions:
        text += " Did you mean:\n" + "\n".join(f"- {s.question}" for s in suggestions)
    return text
