"""Source texts and the quotes taken from them: paragraphs, normalisation, verification.

A paragraph is a block of text separated from the next by a blank line, numbered from 1 at the top
of the file (headers included), so ``para. N`` can be checked by a machine and found by a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from askbot.models import Citation, Entry, Source
from askbot.paragraphs import split_paragraphs

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


def normalise(text: str) -> str:
    """Fold typographic quotes to ASCII and runs of whitespace to one space, for quote matching."""
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


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


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` begins or ends inside a word ("tolerably" in "intolerably"):
    such a quote can say the opposite of its source."""
    inside_at_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inside_at_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return inside_at_start or inside_at_end


def _whole_word_occurrences(text: str, quote: str) -> list[int]:
    return [h for h in _occurrences(text, quote) if not _cuts_a_word(text, h, h + len(quote))]


def _word_around(text: str, start: int, end: int, limit: int = 80) -> str:
    """The quoted span widened to whole words, as the source has it (for the refusal message)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    span = text[start:end]
    return span if len(span) <= limit else span[: limit - 1] + "…"


def locate_quote(paragraph: str, citation: Citation, *, whole_words: bool = True) -> list[int]:
    """Offsets in the normalised paragraph where the quote stands, narrowed by prefix/suffix.

    A quote must begin and end on word boundaries unless ``whole_words`` is False (only for
    showing a quote stored before that rule)."""
    text, quote = normalise(paragraph), normalise(citation.quote)
    hits = _whole_word_occurrences(text, quote) if whole_words else _occurrences(text, quote)
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
    """Check that the quote stands verbatim, once, in the paragraph its locator names, and that
    it begins and ends on word boundaries there."""
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
    quote, text = normalise(citation.quote), normalise(paragraphs[number - 1])
    if _whole_word_occurrences(text, quote):
        return QuoteProblem(
            "prefix", "the quote is in the paragraph but not next to the given prefix/suffix"
        )
    if quote in text:
        start = text.find(quote)
        return QuoteProblem(
            "quote",
            f"begins or ends inside a word: {citation.locator} has"
            f" '{_word_around(text, start, start + len(quote))}'; quote whole words",
        )
    elsewhere = [
        i + 1
        for i, paragraph in enumerate(paragraphs)
        if source.covers(i + 1) and _whole_word_occurrences(normalise(paragraph), quote)
    ]
    if elsewhere:
        found = ", ".join(f"para. {n}" for n in elsewhere)
        return QuoteProblem(
            "locator", f"{citation.locator} does not contain the quote; it is in {found}"
        )
    return QuoteProblem("quote", f"not found verbatim in {source.text_file} (source '{source.id}')")


# --- Quotes in context ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteInContext:
    """A quote inside its whole paragraph, as the source has it (line breaks and curly quotes kept)."""

    paragraph: int
    before: str
    quote: str
    after: str


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalise(text)`` plus, for each of its characters, the index it came from in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.translate(_TYPOGRAPHIC)):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
        else:
            chars.append(char)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def quote_in_context(citation: Citation, paragraphs: list[str]) -> QuoteInContext | None:
    """Where a verified quote stands in its paragraph, in the source's own characters."""
    if not 1 <= citation.paragraph <= len(paragraphs):
        return None
    paragraph = paragraphs[citation.paragraph - 1]
    hits = locate_quote(paragraph, citation) or locate_quote(paragraph, citation, whole_words=False)
    if not hits:
        return None
    _, origin = _normalised_with_offsets(paragraph)
    start = origin[hits[0]]
    end = origin[hits[0] + len(normalise(citation.quote)) - 1] + 1
    return QuoteInContext(
        citation.paragraph, paragraph[:start], paragraph[start:end], paragraph[end:]
    )


# --- Chicago notes and bibliography (17th ed.), CSL-JSON, BibTeX ---------------------------------

MONTHS = (
    "January February March April May June July August September October November December".split()
)
BIBTEX_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


@dataclass(frozen=True)
class ChicagoCitation:
    note: str
    bibliography: str


def chicago_date(source: Source) -> str:
    """ "August 28, 1937", "August 1937", "1937", or "n.d." when the date is not known."""
    if source.csl.issued is None:
        return "n.d."
    parts = source.csl.issued.date_parts[0]
    if len(parts) >= 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _in_quotes(title: str, then: str) -> str:
    """A quoted title with the punctuation that follows it inside the marks, as Chicago puts it;
    a title that ends in its own ? or ! takes no further comma or period."""
    return f"“{title}”" if title.endswith(("?", "!")) else f"“{title}{then}”"


def _note_names(source: Source) -> str:
    return ", ".join(name.display() for name in source.csl.author)


def _bibliography_names(source: Source) -> str:
    first, *rest = source.csl.author
    inverted = first.literal or ", ".join(p for p in (first.family, first.given) if p)
    return ", ".join([inverted, *(name.display() for name in rest)])


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


_ITALIC = re.compile(r"\*([^*\n]+)\*")


def plain(text: str) -> str:
    """A note or bibliography entry for a terminal: the titles ``chicago`` sets in italics
    (Markdown ``*Title*``, as Discord shows them) as plain words."""
    return _ITALIC.sub(r"\1", text)


def chicago(
    source: Source, sources: dict[str, Source], locator: str | None = None
) -> ChicagoCitation:
    """Note and bibliography entry for the source types askbot holds; nothing is invented."""
    csl = source.csl
    date = chicago_date(source)
    where = f", {locator}" if locator else ""
    url = f", {csl.URL}" if csl.URL else ""
    if csl.type == "post":
        parent = sources.get(source.reply_to) if source.reply_to else None
        reply = ""
        if parent is not None:
            reply = f"comment on {_note_names(parent)}, {_in_quotes(parent.csl.title, ',')} "
        venue = f"*{csl.publisher or 'Reddit'}*, {csl.container_title}, {date}{url}"
        note = _end(f"{_note_names(source)}, {_in_quotes(csl.title, ',')} {reply}{venue}{where}")
        reply_bib = f"Comment on {reply.removeprefix('comment on ')}" if parent is not None else ""
        bibliography = _end(
            f"{_bibliography_names(source)}. {_in_quotes(csl.title, '.')} {reply_bib}{venue}"
        )
        return ChicagoCitation(note, bibliography)
    issue = ", ".join(
        part
        for part in (
            f"vol. {csl.volume}" if csl.volume else "",
            f"no. {csl.issue}" if csl.issue else "",
        )
        if part
    )
    publication = ", ".join(
        p
        for p in (
            f"*{csl.container_title}*" if csl.container_title else "",
            issue,
            date,
            csl.page or "",
        )
        if p
    )
    archive_note = ", ".join(
        p
        for p in (
            f"transcribed by {source.transcriber}" if source.transcriber else "",
            csl.archive or "",
        )
        if p
    )
    note = f"{_note_names(source)}, {_in_quotes(csl.title, ',')} {publication}"
    note += f", {archive_note}" if archive_note else ""
    note = _end(note + f"{url}{where}")
    bibliography = (
        f"{_end(_bibliography_names(source))} {_in_quotes(csl.title, '.')} {publication}."
    )
    if source.transcriber:
        bibliography += f" Transcribed by {source.transcriber}."
    if csl.archive:
        bibliography += f" {_end(csl.archive)}"
    if csl.URL:
        bibliography += f" {csl.URL}."
    return ChicagoCitation(note, bibliography)


def csl_json(sources: list[Source]) -> list[dict[str, object]]:
    """CSL-JSON items, as reference managers (Zotero, Mendeley) import them."""
    return [
        {"id": s.id, **s.csl.model_dump(mode="json", by_alias=True, exclude_none=True)}
        for s in sources
    ]


def _bibtex_escape(text: str) -> str:
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def bibtex(sources: list[Source], all_sources: dict[str, Source]) -> str:
    """BibTeX entries: @article for periodicals, @misc for posts."""
    entries = []
    for source in sources:
        csl = source.csl
        # A literal name (a username) is braced so BibTeX never splits or reorders it.
        names = [
            f"{{{name.literal}}}" if name.literal else f"{name.family}, {name.given}"
            for name in csl.author
        ]
        fields: list[tuple[str, str]] = [
            ("author", "{" + " and ".join(names) + "}"),
            ("title", f"{{{_bibtex_escape(csl.title)}}}"),
        ]
        notes = []
        if csl.type == "post":
            kind = "misc"
            fields.append(
                (
                    "howpublished",
                    "{"
                    + _bibtex_escape(f"{csl.publisher or 'Reddit'}, {csl.container_title}")
                    + "}",
                )
            )
            parent = all_sources.get(source.reply_to) if source.reply_to else None
            if parent is not None:
                notes.append(f"Comment on {_note_names(parent)}, ``{parent.csl.title}''")
        else:
            kind = "article"
            fields += [
                (k, f"{{{_bibtex_escape(v)}}}")
                for k, v in (
                    ("journal", csl.container_title),
                    ("volume", csl.volume),
                    ("number", csl.issue),
                    ("pages", csl.page),
                )
                if v
            ]
        if csl.issued is not None:
            parts = csl.issued.date_parts[0]
            fields.append(("year", f"{{{parts[0]}}}"))
            if len(parts) >= 2:
                fields.append(("month", BIBTEX_MONTHS[parts[1] - 1]))
        else:
            notes.append("Date unknown")
        if source.transcriber:
            notes.append(f"Transcribed by {source.transcriber}")
        if csl.archive:
            notes.append(csl.archive)
        if csl.URL:
            fields.append(("url", f"{{{csl.URL}}}"))
        if notes:
            fields.append(("note", f"{{{_bibtex_escape('. '.join(notes))}}}"))
        body = ",\n".join(f"  {key} = {value}" for key, value in fields)
        entries.append(f"@{kind}{{{source.id},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


class CitedQuote(BaseModel):
    """One citation of an entry, ready to show: the quote, where it stands, and how to cite it."""

    number: int
    source_id: str
    kind: str
    held_by: str | None
    quote: str
    locator: str
    note: str
    bibliography: str


def cited_quotes(entry: Entry, sources: dict[str, Source]) -> list[CitedQuote]:
    """The entry's citations, then its positions', numbered from 1 as /quote and `askbot quote` take them."""
    pairs = [(None, c) for c in entry.citations] + [
        (p.held_by, c) for p in entry.positions for c in p.citations
    ]
    out = []
    for number, (held_by, citation) in enumerate(pairs, 1):
        source = sources[citation.source]
        styled = chicago(source, sources, citation.locator)
        out.append(
            CitedQuote(
                number=number,
                source_id=source.id,
                kind=source.kind.value,
                held_by=held_by,
                quote=citation.quote,
                locator=citation.locator,
                note=styled.note,
                bibliography=styled.bibliography,
            )
        )
    return out


def sources_of(entry: Entry, sources: dict[str, Source]) -> list[Source]:
    """The distinct sources an entry cites, in the order it first cites them."""
    return [sources[i] for i in dict.fromkeys(c.source for c in entry.all_citations())]


class QuoteReport(BaseModel):
    """A quote in its paragraph with the source's metadata and criticism (/quote, `askbot quote`)."""

    entry_id: str
    number: int
    source_id: str
    kind: str
    author: str
    title: str
    date: str | None
    paragraph: int
    before: str
    quote: str
    after: str
    note: str
    discrepancies: list[str]


def quote_report(
    entry: Entry, number: int, sources: dict[str, Source], texts: dict[str, str]
) -> QuoteReport | None:
    """Citation ``number`` (1-based, as cited_quotes numbers them) of an entry, in context."""
    citations = entry.all_citations()
    if not 1 <= number <= len(citations):
        return None
    citation = citations[number - 1]
    source = sources[citation.source]
    found = quote_in_context(citation, split_paragraphs(texts[source.text_file]))
    if found is None:
        return None
    return QuoteReport(
        entry_id=entry.id,
        number=number,
        source_id=source.id,
        kind=source.kind.value,
        author=source.authors,
        title=source.csl.title,
        date=source.date,
        paragraph=found.paragraph,
        before=found.before,
        quote=found.quote,
        after=found.after,
        note=source.note,
        discrepancies=source.discrepancies,
    )
