"""Matching a member's question to entries: pure, in memory, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from askbot.models import AliasGroup, Entry

ANSWER_THRESHOLD = 80.0
SUGGEST_THRESHOLD = 60.0
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class ScoredEntry:
    entry: Entry
    score: float


@dataclass
class MatchResult:
    best: ScoredEntry | None
    also: list[ScoredEntry] = field(default_factory=list)
    near: list[ScoredEntry] = field(default_factory=list)


class Matcher:
    """Scores a question against each entry's question and paraphrases."""

    def __init__(self, entries: list[Entry], aliases: list[AliasGroup]) -> None:
        self.entries = entries
        self.aliases = aliases
        self._choices: list[str] = []
        self._owner: list[int] = []
        for index, entry in enumerate(entries):
            for text in (entry.question, *entry.also_asked):
                self._choices.append(text)
                self._owner.append(index)

    def match(self, question: str) -> MatchResult:
        best: dict[int, float] = {}
        hits = process.extract(
            question, self._choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=50
        )
        for _, score, choice_index in hits:
            owner = self._owner[choice_index]
            best[owner] = max(best.get(owner, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        scored = [ScoredEntry(self.entries[i], s) for i, s in ranked]
        if scored and scored[0].score >= ANSWER_THRESHOLD:
            return MatchResult(best=scored[0])
        near = [s for s in scored if s.score >= SUGGEST_THRESHOLD][:MAX_SUGGESTIONS]
        return MatchResult(best=None, near=near)
