"""Full-text search inside the source documents: member input -> a safe SQLite FTS5 query.

Members type words, "quoted phrases" and prefix* words. Everything else FTS5 would read as syntax
(AND/OR/NOT/NEAR, parentheses, column filters, stray quotes) is dropped, never passed through, so
no input can cause an FTS syntax error. A name the alias table knows (a person, organisation or
place) matches every spelling of it, since the sources spell names their own way (Ezhov, Kruschev,
Rakowsky). The store runs the query and ranks with bm25.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel

from askbot.models import AliasGroup
from askbot.store import Store

PAGE_SIZE = 5
MAX_PAGE = 1_000_000  # any page number is taken as 1 to this (SQLite's offsets are 64-bit)
MAX_TERMS = 12
MIN_PREFIX = 2
HIGHLIGHT = "**"  # snippet markers around each hit (Markdown bold; readable as plain text too)
NO_RESULTS_HINT = "Nothing in the sources matches; try fewer words, or the start of a word with *."
SEARCH_HINT = (
    'Type words to search for, "a phrase in quotes", or the start of a word with * (e.g. Yago*).'
)

_PHRASE = re.compile(r'"([^"]*)"')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*\*?")  # words, with inner apostrophes
NAME_KINDS = frozenset({"person", "organisation", "place"})  # alias kinds that are names

Spellings = dict[tuple[str, ...], str]  # a spelling's folded words -> the FTS5 OR of all spellings


class SearchHit(BaseModel):
    source_id: str
    author: str
    title: str
    kind: str
    paragraph: int
    locator: str
    snippet: str


class SearchPage(BaseModel):
    """One page of results; ``hint`` says how to search when the input held nothing to search for."""

    query: str
    hits: list[SearchHit]
    total: int
    page: int
    pages: int
    hint: str | None = None


def _term(word: str) -> str | None:
    prefix = word.endswith("*")
    core = word.rstrip("*").replace('"', "")
    if not core or (prefix and len(core) < MIN_PREFIX):
        return None
    return f'"{core}"*' if prefix else f'"{core}"'


def _fold(word: str) -> str:
    """Case and accents folded, as the FTS5 tokenizer folds them (Ježov = jezov)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def spellings(groups: Sequence[AliasGroup]) -> Spellings:
    """Every spelling of every name in the alias table -> one FTS5 expression matching them all."""
    table: Spellings = {}
    for group in groups:
        if group.kind not in NAME_KINDS:
            continue  # terms (arrest/locked up) are for the matcher; search finds the words typed
        names = [
            words
            for name in (group.canonical, *group.variants)
            if (words := [w.rstrip("*") for w in _WORD.findall(name)])
        ]
        either = "(" + " OR ".join('"' + " ".join(words) + '"' for words in names) + ")"
        for words in names:
            table.setdefault(tuple(_fold(w) for w in words), either)
    return table


def _name_at(words: list[str], start: int, table: Spellings) -> tuple[int, str] | None:
    """The longest known name beginning at ``words[start]``: (how many words, its expression)."""
    longest = max(map(len, table), default=0)
    for length in range(min(longest, len(words) - start), 0, -1):
        typed = words[start : start + length]
        if any(w.endswith("*") for w in typed):
            continue  # a prefix search asks for what starts so, not for a name
        expression = table.get(tuple(_fold(w) for w in typed))
        if expression is not None:
            return length, expression
    return None


def fts_query(text: str, names: Spellings | None = None) -> str | None:
    """The FTS5 MATCH expression for what a member typed, or None when nothing is searchable.
    With ``names`` (from ``spellings``), a known name matches any of its spellings."""
    terms: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = [w.rstrip("*") for w in _WORD.findall(phrase)]
        if words:
            terms.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    words = [w for w in _WORD.findall(rest) if w.rstrip("*") not in _OPERATORS]  # FTS syntax typed
    position = 0
    while position < len(words):
        name = _name_at(words, position, names or {})
        if name is not None:
            length, expression = name
            terms.append(expression)
            position += length
            continue
        term = _term(words[position])
        if term:
            terms.append(term)
        position += 1
    kept = terms[:MAX_TERMS]
    # FTS5 takes "a" "b" as a AND b, but needs the AND spelled out next to a parenthesised OR
    joiner = " AND " if any(term.startswith("(") for term in kept) else " "
    return joiner.join(kept) or None


async def search_sources(
    store: Store,
    text: str,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    *,
    highlight: str = HIGHLIGHT,
) -> SearchPage:
    """One page of paragraphs matching what a member typed, each named by its source and locator;
    ``highlight`` marks the hits in the snippets ("" for none)."""
    page = min(max(page, 1), MAX_PAGE)
    match = fts_query(text, spellings(await store.aliases()))
    if match is None:
        return SearchPage(query=text, hits=[], total=0, page=1, pages=0, hint=SEARCH_HINT)
    total, rows = await store.search_paragraphs(match, page_size, (page - 1) * page_size, highlight)
    pages = math.ceil(total / page_size)
    sources = await store.sources()
    hits = []
    for row in rows:
        source = next(s for s in sources if s.text_file == row.document and s.covers(row.paragraph))
        hits.append(
            SearchHit(
                source_id=source.id,
                author=source.authors,
                title=source.csl.title,
                kind=source.kind.value,
                paragraph=row.paragraph,
                locator=f"para. {row.paragraph}",
                snippet=row.snippet,
            )
        )
    return SearchPage(
        query=text,
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        hint=None if total else NO_RESULTS_HINT,
    )
