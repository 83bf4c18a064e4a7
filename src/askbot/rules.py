"""The forum's rules, checked before matching: no hypotheticals, nothing from the last 20 years.

The patterns look for the grammar of a counterfactual ("would X have happened", "what if",
"suppose"), not for the word "would" alone, so a real question such as "did Stalin know a million
people would die?" is never declined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

RuleName = Literal["hypothetical", "recent-events"]
RECENT_YEARS = 20


@dataclass(frozen=True)
class Rule:
    name: RuleName
    text: str
    hint: str


HYPOTHETICAL = Rule(
    "hypothetical",
    "No hypotheticals: like r/AskHistorians, we answer what happened and why, not what might have "
    "happened had things gone differently.",
    'Ask about what did happen: instead of "What if Yagoda had not been arrested?", try "Why was '
    'Yagoda arrested?" or "What did contemporaries expect to happen to Yagoda?"',
)
RECENT = Rule(
    "recent-events",
    f"The {RECENT_YEARS}-year rule: events of the last {RECENT_YEARS} years are current events, "
    "not history, and are not discussed here.",
    f"Ask about events more than {RECENT_YEARS} years ago, or about how historians have studied the "
    'past, e.g. "What did the AskHistorians answer say about Stalin\'s responsibility?"',
)

_MODAL = r"(?:would|could|might|should|will)"
_NOT_PARTICIPLE = (
    r"(?:to|a|an|the|such|no|any|some|more|less|much|many|this|that|these|those|his|her|their|its"
    r"|my|your|our|enough|reason|power|time|access|control|known)"
)
_HYPOTHETICAL_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bwhat\s+if\b",
        r"\bwhat\s+would\s+happen\b",
        # "say Hitler had invaded in 1938, ..." opening a clause (not "did Serge say he had been shot")
        r"(?:^|[.,;:!?]\s*)(?:let'?s\s+|ok\s+|so\s+)?say\s+(?:that\s+)?\w+(?:\s+\w+)?\s+had\b",
        r"\bwhat\s+(?:would|might|could)\s+(?:have\s+)?happen",
        r"\bsuppos(?:e|ing)\b",
        r"\bimagine\s+(?:if|that|a\s+world)\b",
        r"\bhypothetical(?:ly)?\b",
        r"\balternat(?:e|ive)\s+(?:history|timeline|outcome)\b",
        r"\bcounterfactual\b",
        r"\bin\s+a\s+world\s+where\b",
        # "would Stalin have ...", "could the purge have been stopped", "would've"; but not
        # "would have to" or "would have such consequences", where "have" is not an auxiliary
        rf"\b{_MODAL}(?:\s+(?!have\b)[\w'-]+){{0,5}}\s+have\s+(?!{_NOT_PARTICIPLE}\b)[\w'-]+",
        rf"\b{_MODAL}'ve\s+(?!{_NOT_PARTICIPLE}\b)\w+",
        # "if X had (not) ..., would ...", "if X hadn't ..."
        rf"\bif\b[^?.!]*\b(?:had|hadn't|were|weren't)\b[^?.!]*\b{_MODAL}\b",
        rf"\b{_MODAL}\b[^?.!]*\bif\b[^?.!]*\b(?:had|hadn't)\b",
        # inverted conditional: "Had Yagoda fled, would ..." (but "Had Yagoda met Rolland?" is history)
        rf"^\s*had\b[^?.!]*,[^?.!]*\b{_MODAL}\b",
    )
]

_YEAR = re.compile(r"(?<![\w$£€])(1[0-9]{3}|20[0-9]{2})(?:s|'s)?(?![\w])")
_RECENT_PHRASES = re.compile(
    r"\b(?:this|last|past)\s+(?:year|month|week)\b|\byesterday\b|\bthese\s+days\b|\bnowadays\b"
    r"|\bright\s+now\b|\bcurrently\s+happening\b|\bin\s+the\s+news\b|\btoday'?s\s+(?:russia|news|world)\b"
    r"|\brecent(?:ly)?\s+(?:events?|news|war|election|invasion|protests?)\b"
    r"|\b(?:last|past)\s+(?:few|couple\s+of|\d+)\s+(?:years|months|weeks)\b|\bin\s+recent\s+years\b"
    r"|\b(?:this|the\s+last|the\s+past)\s+decade\b",
    re.IGNORECASE,
)


def is_hypothetical(question: str) -> bool:
    return any(pattern.search(question) for pattern in _HYPOTHETICAL_PATTERNS)


def mentions_recent_events(question: str, today: date) -> bool:
    """A year (or decade) inside the last 20 years, or a phrase that only fits current events."""
    cutoff = today.year - RECENT_YEARS
    for match in _YEAR.finditer(question):
        year = int(match.group(1))
        decade = match.group(0).endswith("s")
        if year <= today.year + 1 and (year >= cutoff or (decade and year + 9 >= cutoff)):
            return True
    return bool(_RECENT_PHRASES.search(question))


def check_rules(question: str, today: date | None = None) -> Rule | None:
    """The rule a question breaks, if any; hypotheticals first, as the forum words its removals."""
    if is_hypothetical(question):
        return HYPOTHETICAL
    if mentions_recent_events(question, today or date.today()):
        return RECENT
    return None
