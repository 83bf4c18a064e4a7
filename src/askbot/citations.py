"""Source texts and the quotes taken from them: paragraphs, normalisation, verification.

A paragraph is a block of text separated from the next by a blank line, numbered from 1 at the top
of the file (headers included), so ``para. N`` can be checked by a machine and found by a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from askbot.models import Citation, CslDate, Entry, Source
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
#
# The rules of CMOS 17 that the sources askbot holds call on (each rendering is held to a string
# checked by hand in tests/test_citations.py):
# - a newspaper or magazine is cited by its date, not by volume and issue (14.191); a page may
#   stand in the note, never in the bibliography; read online, the site, its "last modified"
#   date and the URL follow (14.13);
# - a post on a platform: author, its title (or text) in quotation marks, the forum, then the
#   platform in roman, smaller unit first ("r/AskHistorians, Reddit") (14.209);
# - a comment is cited as a comment on the post that opens its thread: its opening words are
#   not a title, and only the thread gets a bibliography entry;
# - a source cited again gets the shortened note: surname, short title, locator (14.29-14.30);
# - the locator is the source's own paragraph count (``Source.own_paragraph``), not the stored
#   text's, which counts titles and bylines; a one-paragraph source gets none.

MONTHS = (
    "January February March April May June July August September October November December".split()
)
BIBTEX_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_DATED_PERIODICALS = ("article-newspaper", "article-magazine")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


@dataclass(frozen=True)
class ChicagoCitation:
    """A source cited the Chicago way: the full note for its first citation, the shortened note
    for later ones, and its bibliography entry (a comment's is its thread's)."""

    note: str
    short_note: str
    bibliography: str


def chicago_date(date: CslDate | None) -> str:
    """ "August 28, 1937", "August 1937", "1937", or "n.d." when the date is not known."""
    if date is None:
        return "n.d."
    parts = date.date_parts[0]
    if len(parts) >= 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _curly(text: str) -> str:
    """Apostrophes inside words printed curly (as in O\u2019Callaghan), however typed."""
    return _APOSTROPHE.sub("\u2019", text)


def _in_quotes(title: str, then: str) -> str:
    """A quoted title with the punctuation that follows it inside the marks, as Chicago puts it;
    a title that ends in its own ? or ! takes no further comma or period."""
    title = _curly(title)
    return f"“{title}”" if title.endswith(("?", "!")) else f"“{title}{then}”"


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _names_in_prose(names: list[str]) -> str:
    """One, "A and B", "A, B, and C"; four or more: "A et al." (CMOS 14.76)."""
    if len(names) >= 4:
        return f"{names[0]} et al."
    if len(names) == 3:
        return f"{names[0]}, {names[1]}, and {names[2]}"
    return " and ".join(names)


def _note_names(source: Source) -> str:
    return _curly(_names_in_prose([name.display() for name in source.csl.author]))


def _short_names(source: Source) -> str:
    return _curly(
        _names_in_prose([n.literal or n.family or n.display() for n in source.csl.author])
    )


def _bibliography_names(source: Source) -> str:
    """The first author inverted, the others in normal order: "Serge, Victor, and A. B. Other"."""
    first, *rest = source.csl.author
    inverted = first.literal or ", ".join(p for p in (first.family, first.given) if p)
    if not rest:
        return _curly(inverted)
    others = [name.display() for name in rest]
    return _curly(", ".join([inverted, *others[:-1]]) + f", and {others[-1]}")


def _short_title(source: Source) -> str:
    """The stored short title, else the main title (before any subtitle)."""
    return source.csl.title_short or source.csl.title.split(":")[0]


def _end(text: str) -> str:
    """Close with a period, unless the text already ends a sentence (also inside a quote)."""
    return text if text.rstrip("”").endswith((".", "?", "!")) else text + "."


def _titled(names: str, title: str, where: str) -> str:
    """ "Names, “Title,” where" or "Names, “Title.”": the punctuation inside the marks."""
    return (
        f"{names}, {_in_quotes(title, ',')} {where}"
        if where
        else f"{names}, {_in_quotes(title, '.')}"
    )


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentences(*parts: str) -> str:
    """Bibliography elements, each closed by a period."""
    return " ".join(_end(part) for part in parts if part)


_ITALIC = re.compile(r"\*([^*\n]+)\*")


def plain(text: str) -> str:
    """A note or bibliography entry for a terminal: the titles ``chicago`` sets in italics
    (Markdown ``*Title*``, as Discord shows them) as plain words."""
    return _ITALIC.sub(r"\1", text)


def thread_of(source: Source, sources: dict[str, Source]) -> Source:
    """The post whose thread a comment stands in (the comment itself when it names none)."""
    return sources.get(source.thread, source) if source.thread else source


def chicago(
    source: Source, sources: dict[str, Source], paragraph: int | None = None
) -> ChicagoCitation:
    """Full note, shortened note and bibliography entry, citing paragraph ``paragraph`` of the
    stored text (given to readers in the source's own count); nothing is invented."""
    own = source.own_paragraph(paragraph) if paragraph is not None else None
    where = f"para. {own}" if own else ""
    if source.csl.type == "post":
        return _chicago_post(source, thread_of(source, sources), where)
    return _chicago_periodical(source, where)


def _chicago_post(source: Source, post: Source, where: str) -> ChicagoCitation:
    csl = source.csl
    venue = _joined(post.csl.container_title or "", post.csl.publisher or "")
    url = csl.URL or post.csl.URL or ""
    if post is source:
        note = _joined(
            f"{_note_names(source)}, {_in_quotes(csl.title, ',')} {venue}",
            chicago_date(csl.issued),
            where,
            url,
        )
        short = _titled(_short_names(source), _short_title(source), where)
    else:
        posted = chicago_date(csl.issued) if csl.issued else ""
        on = f"comment on {_note_names(post)}"
        note = _joined(
            _note_names(source),
            posted,
            f"{on}, {_in_quotes(post.csl.title, ',')} {venue}",
            chicago_date(post.csl.issued),
            where,
            url,
        )
        short = _titled(
            f"{_short_names(source)}, comment on {_short_names(post)}", _short_title(post), where
        )
    bibliography = _sentences(
        _bibliography_names(post),
        _in_quotes(post.csl.title, "."),
        _joined(venue, chicago_date(post.csl.issued)),
        post.csl.URL or "",
    )
    return ChicagoCitation(_end(note), _end(short), bibliography)


def _chicago_periodical(source: Source, where: str) -> ChicagoCitation:
    csl = source.csl
    dated = csl.type in _DATED_PERIODICALS
    container = f"*{_curly(csl.container_title)}*" if csl.container_title else ""
    number = (
        ""
        if dated
        else _joined(
            f"vol. {csl.volume}" if csl.volume else "", f"no. {csl.issue}" if csl.issue else ""
        )
    )
    publication = _joined(container, number, chicago_date(csl.issued))
    transcribed = f"transcribed by {_curly(source.transcriber)}" if source.transcriber else ""
    modified = f"last modified {chicago_date(source.last_modified)}" if source.last_modified else ""
    archive = _curly(csl.archive or "")
    note = _joined(
        f"{_note_names(source)}, {_in_quotes(csl.title, ',')} {publication}",
        csl.page or "",
        where,
        transcribed,
        archive,
        modified,
        csl.URL or "",
    )
    short = _titled(_short_names(source), _short_title(source), where)
    bibliography = _sentences(
        _bibliography_names(source),
        _in_quotes(csl.title, "."),
        publication if dated else _joined(publication, csl.page or ""),
        _sentence_case(transcribed),
        archive,
        _sentence_case(modified),
        csl.URL or "",
    )
    return ChicagoCitation(_end(note), _end(short), bibliography)


def bibliography(sources: list[Source], all_sources: dict[str, Source]) -> list[str]:
    """One bibliography for the sources: a comment is listed by its thread, each entry once,
    alphabetised (letter by letter, ignoring case)."""
    entries = {chicago(s, all_sources).bibliography for s in sources}
    return sorted(entries, key=str.casefold)


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
    """BibTeX entries: @article for periodicals, @misc for posts; a comment is entered by its
    thread. Titles are double-braced so no style lowercases "Yagoda" or "G.P.U."."""
    entries = []
    threads = {thread_of(s, all_sources).id: thread_of(s, all_sources) for s in sources}
    for source in threads.values():
        csl = source.csl
        # A literal name (a username) is braced so BibTeX never splits or reorders it.
        names = [
            f"{{{name.literal}}}" if name.literal else f"{name.family}, {name.given}"
            for name in csl.author
        ]
        fields: list[tuple[str, str]] = [
            ("author", "{" + " and ".join(names) + "}"),
            ("title", f"{{{{{_bibtex_escape(_curly(csl.title))}}}}}"),
        ]
        notes = []
        if csl.type == "post":
            kind = "misc"
            venue = _joined(csl.container_title or "", csl.publisher or "")
            if venue:
                fields.append(("howpublished", f"{{{_bibtex_escape(venue)}}}"))
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
            notes.append(f"Transcribed by {_curly(source.transcriber)}")
        if csl.archive:
            modified = (
                f", last modified {chicago_date(source.last_modified)}"
                if source.last_modified
                else ""
            )
            notes.append(f"{_curly(csl.archive)}{modified}")
        if csl.URL:
            fields.append(("url", f"{{{csl.URL}}}"))
        if notes:
            fields.append(("note", f"{{{_bibtex_escape('. '.join(notes))}}}"))
        body = ",\n".join(f"  {key} = {value}" for key, value in fields)
        entries.append(f"@{kind}{{{source.id},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


class CitedQuote(BaseModel):
    """One citation of an entry, ready to show: the quote, where it stands in the stored text
    (``locator``, for checking) and its Chicago note (shortened when the source came before)."""

    number: int
    source_id: str
    kind: str
    held_by: str | None
    quote: str
    locator: str
    note: str


class EntryCitations(BaseModel):
    """An entry's citations, numbered as /quote and `askbot quote` take them, and one
    alphabetised bibliography for them all."""

    quotes: list[CitedQuote]
    bibliography: list[str]


def cited_quotes(entry: Entry, sources: dict[str, Source]) -> EntryCitations:
    """The entry's citations, then its positions', numbered from 1; the first citation of each
    source gets the full note, later ones the shortened note."""
    pairs = [(None, c) for c in entry.citations] + [
        (p.held_by, c) for p in entry.positions for c in p.citations
    ]
    out, seen = [], set()
    for number, (held_by, citation) in enumerate(pairs, 1):
        source = sources[citation.source]
        styled = chicago(source, sources, citation.paragraph)
        out.append(
            CitedQuote(
                number=number,
                source_id=source.id,
                kind=source.kind.value,
                held_by=held_by,
                quote=citation.quote,
                locator=citation.locator,
                note=styled.short_note if source.id in seen else styled.note,
            )
        )
        seen.add(source.id)
    return EntryCitations(
        quotes=out, bibliography=bibliography(sources_of(entry, sources), sources)
    )


def sources_of(entry: Entry, sources: dict[str, Source]) -> list[Source]:
    """The distinct sources an entry cites, in the order it first cites them."""
    return [sources[i] for i in dict.fromkeys(c.source for c in entry.all_citations())]


MODERATOR_NOTE_LABEL = "Moderator note (from outside the sources)"  # entries' and sources' alike
"""How every display heads a source's moderator notes: context that the source does not state."""


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
    moderator_notes: list[str]
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
        moderator_notes=source.moderator_notes,
        discrepancies=source.discrepancies,
    )
