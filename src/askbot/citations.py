"""Source texts and the quotes taken from them: paragraphs, normalisation, verification.

A paragraph is a block of text separated from the next by a blank line, numbered from 1 at the top
of the file (headers included), so ``para. N`` can be checked by a machine and found by a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from askbot.models import Citation, Source

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
    }
)
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def normalise(text: str) -> str:
    """Fold typographic quotes to ASCII and runs of whitespace to one space, for quote matching."""
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a source text, in order; paragraph N is ``result[N - 1]``."""
    blocks = _BLANK_LINE.split(text.replace("\r\n", "\n"))
    return [block.strip() for block in blocks if block.strip()]


@dataclass(frozen=True)
class QuoteProblem:
    """Why a citation does not hold, worded for a moderator."""

    field: str
    why: str


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, start = [], haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def locate_quote(paragraph: str, citation: Citation) -> list[int]:
    """Offsets in the normalised paragraph where the quote stands, narrowed by prefix/suffix."""
    text, quote = normalise(paragraph), normalise(citation.quote)
    hits = _occurrences(text, quote)
    if citation.prefix:
        prefix = normalise(citation.prefix)
        hits = [h for h in hits if text[:h].rstrip().endswith(prefix)]
    if citation.suffix:
        suffix = normalise(citation.suffix)
        hits = [h for h in hits if text[h + len(quote) :].lstrip().startswith(suffix)]
    return hits


def verify_citation(
    citation: Citation, source: Source, paragraphs: list[str]
) -> QuoteProblem | None:
    """Check that the quote stands verbatim, once, in the paragraph its locator names."""
    number = citation.paragraph
    if number > len(paragraphs):
        return QuoteProblem(
            "locator",
            f"{citation.locator} does not exist: {source.text_file} has {len(paragraphs)} paragraphs",
        )
    if not source.covers(number):
        span = source.paragraphs
        assert span is not None
        return QuoteProblem(
            "locator",
            f"{citation.locator} is outside source '{source.id}' (paras. {span.first}-{span.last} of {source.text_file})",
        )
    hits = locate_quote(paragraphs[number - 1], citation)
    if len(hits) == 1:
        return None
    if len(hits) > 1:
        return QuoteProblem(
            "quote",
            f"appears {len(hits)} times in {citation.locator}; add a prefix or suffix to pin it",
        )
    quote = normalise(citation.quote)
    if quote in normalise(paragraphs[number - 1]):
        return QuoteProblem(
            "prefix", "the quote is in the paragraph but not next to the given prefix/suffix"
        )
    elsewhere = [
        i + 1
        for i, text in enumerate(paragraphs)
        if source.covers(i + 1) and quote in normalise(text)
    ]
    if elsewhere:
        found = ", ".join(f"para. {n}" for n in elsewhere)
        return QuoteProblem(
            "locator", f"{citation.locator} does not contain the quote; it is in {found}"
        )
    return QuoteProblem("quote", f"not found verbatim in {source.text_file} (source '{source.id}')")
