"""Full-text search inside the source documents: member input -> a safe SQLite FTS5 query.

Members type words, "quoted phrases" and prefix* words. Everything else FTS5 would read as syntax
(AND/OR/NOT/NEAR, parentheses, column filters, stray quotes) is dropped, never passed through, so
no input can cause an FTS syntax error. The store runs the query and ranks with bm25.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

from askbot.store import Store

PAGE_SIZE = 5
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


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for what a member typed, or None when nothing is searchable."""
    terms: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = [w.rstrip("*") for w in _WORD.findall(phrase)]
        if words:
            terms.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    for word in _WORD.findall(rest):
        if word.rstrip("*") in _OPERATORS:
            continue  # FTS syntax typed by habit, not words to look for
        term = _term(word)
        if term:
            terms.append(term)
    return " ".join(terms[:MAX_TERMS]) or None


async def search_sources(
    store: Store, text: str, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchPage:
    """One page of paragraphs matching what a member typed, each named by its source and locator."""
    match = fts_query(text)
    if match is None:
        return SearchPage(query=text, hits=[], total=0, page=1, pages=0, hint=SEARCH_HINT)
    total, rows = await store.search_paragraphs(
        match, page_size, (max(page, 1) - 1) * page_size, HIGHLIGHT
    )
    pages = math.ceil(total / page_size)
    sources = await store.sources()
    hits = []
    for row in rows:
        source = next(
            s for s in sources if s.text_file == row["document"] and s.covers(row["paragraph"])
        )
        hits.append(
            SearchHit(
                source_id=source.id,
                author=source.authors,
                title=source.csl.title,
                kind=source.kind.value,
                paragraph=row["paragraph"],
                locator=f"para. {row['paragraph']}",
                snippet=row["snippet"],
            )
        )
    return SearchPage(
        query=text,
        hits=hits,
        total=total,
        page=max(page, 1),
        pages=pages,
        hint=None if total else NO_RESULTS_HINT,
    )
