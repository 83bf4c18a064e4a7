"""The vocabulary of askbot: sources, entries, citations, aliases.

Everything read from files is validated here with ``extra="forbid"`` so a typo in a fact file is an
error with a location, never a silently ignored field. The same models load what the database
holds, so whatever passed validation loads again (defaults are validated too: a rule cannot be
dodged by leaving a field out).

Source metadata is limited to what a Discord embed can show (a title 256 characters, a field
value 1024; see ``askbot.discord.embeds``), so ``/source info`` and ``/quote`` can always show it.
"""

from __future__ import annotations

import calendar
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SUMMARY_MAX_CHARS = 900
LOCATOR_PATTERN = re.compile(r"^para\. (?P<paragraph>[1-9][0-9]*)$")

# Limits that keep source metadata showable in one Discord embed (title 256, field value 1024).
TITLE_MAX_CHARS = 256  # an embed title
NAME_MAX_CHARS = 256  # a name, a periodical, a publisher, an archive: an embed field or title
NUMBER_MAX_CHARS = 64  # volume, issue, page
AUTHORS_MAX_CHARS = 1024  # all the author names together: one embed field
NOTE_MAX_CHARS = 1024  # source criticism, one discrepancy: one embed field each
URL_MAX_CHARS = 1024
DISCREPANCIES_MAX = 10
MODERATOR_NOTES_MAX = 5
YEAR_RANGE = (1, 9999)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(max_length=NAME_MAX_CHARS)]
Number = Annotated[str, StringConstraints(max_length=NUMBER_MAX_CHARS)]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX_CHARS)
]


class InputModel(BaseModel):
    """Base for everything read from files or users: unknown fields are errors, and defaults are
    validated like given values, so leaving a field out cannot dodge a rule."""

    model_config = ConfigDict(
        extra="forbid", validate_by_alias=True, validate_by_name=True, validate_default=True
    )


class SourceKind(StrEnum):
    """How much weight a source can bear, in the order a historian would rank them."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    COMMUNITY = "community"
    UNSOURCED = "unsourced"


class EntryStatus(StrEnum):
    SETTLED = "settled"
    DEBATED = "debated"
    UNRESOLVED = "unresolved"


# --- Sources -------------------------------------------------------------------------------------


class CslName(InputModel):
    """A CSL-JSON name: a person (family/given) or a literal such as a username."""

    family: Name | None = None
    given: Name | None = None
    literal: Name | None = None

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(part for part in (self.given, self.family) if part)


class CslDate(InputModel):
    """A CSL-JSON date: ``{"date-parts": [[1937, 8, 28]]}``."""

    date_parts: list[list[int]] = Field(alias="date-parts", min_length=1, max_length=2)

    @field_validator("date_parts")
    @classmethod
    def _real_dates(cls, value: list[list[int]]) -> list[list[int]]:
        """Each date is [year], [year, month] or [year, month, day], and exists in the calendar."""
        low, high = YEAR_RANGE
        for parts in value:
            if not 1 <= len(parts) <= 3:
                raise ValueError("a date is [year], [year, month] or [year, month, day]")
            year = parts[0]
            month = parts[1] if len(parts) > 1 else None
            day = parts[2] if len(parts) > 2 else None
            if not low <= year <= high:
                raise ValueError(f"year {year} is not between {low} and {high}")
            if month is not None and not 1 <= month <= 12:
                raise ValueError(f"month {month} is not a month (1-12)")
            if day is not None:
                assert month is not None
                last = calendar.monthrange(year, month)[1]
                if not 1 <= day <= last:
                    raise ValueError(f"day {day} is not a day of {year}-{month:02d} (1-{last})")
        return value

    def iso(self) -> str:
        return "-".join(
            f"{part:02d}" if i else str(part) for i, part in enumerate(self.date_parts[0])
        )


class CslMetadata(InputModel):
    """Bibliographic metadata with CSL-JSON field names, so reference managers can read it."""

    model_config = ConfigDict(serialize_by_alias=True)

    type: Literal["article-newspaper", "article-magazine", "article-journal", "book", "post"]
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_CHARS)
    ]
    title_short: Name | None = Field(
        default=None,
        alias="title-short",
        description="The key words of the title for shortened notes (CMOS 14.30), without an"
        " initial A or The.",
    )
    author: list[CslName] = Field(min_length=1)
    container_title: Name | None = Field(default=None, alias="container-title")
    volume: Number | None = None
    issue: Number | None = None
    page: Number | None = None
    issued: CslDate | None = None
    URL: Annotated[str, StringConstraints(max_length=URL_MAX_CHARS)] | None = None
    publisher: Name | None = None
    archive: Name | None = None
    accessed: CslDate | None = None

    @field_validator("author")
    @classmethod
    def _authors_fit_one_field(cls, value: list[CslName]) -> list[CslName]:
        shown = len(", ".join(name.display() for name in value))
        if shown > AUTHORS_MAX_CHARS:
            raise ValueError(
                f"the author names come to {shown} characters together; at most"
                f" {AUTHORS_MAX_CHARS} fit (one Discord embed field)"
            )
        return value


class ParagraphSpan(InputModel):
    """The paragraphs of a shared document that one source covers (both ends included)."""

    first: int = Field(ge=1)
    last: int = Field(ge=1)


class UncitedParagraph(InputModel):
    """A paragraph deliberately left uncited (a header, a username), with the reason."""

    paragraph: int = Field(ge=1)
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_CHARS)
    ]


class Source(InputModel):
    """A document (or one author's part of it) that entries may quote."""

    model_config = ConfigDict(serialize_by_alias=True)

    id: Slug
    kind: SourceKind
    csl: CslMetadata
    transcriber: Name | None = None
    last_modified: CslDate | None = Field(
        default=None,
        description="The date the online copy at URL says it was last modified (Chicago: 'last"
        " modified July 27, 2018').",
    )
    thread: Slug | None = Field(
        default=None,
        description="For a comment or answer: the source id of the post that opens its thread;"
        " Chicago cites it as a comment on that post.",
    )
    reply_to: Slug | None = Field(
        default=None,
        description="The post or comment it directly answers, only when the document shows it.",
    )
    note: Note = Field(description="Source criticism: what the source is and how far to trust it.")
    moderator_notes: list[Note] = Field(
        default=[],
        max_length=MODERATOR_NOTES_MAX,
        description="Context from outside the document (general knowledge, other works), always"
        " shown labelled as a moderator's note, never as something the source says.",
    )
    discrepancies: list[Note] = Field(default=[], max_length=DISCREPANCIES_MAX)
    text_file: NonEmptyText = Field(description="Verbatim text, in facts/sources/, never edited.")
    paragraphs: ParagraphSpan | None = Field(
        default=None, description="The part of text_file this source covers; all of it if absent."
    )
    uncited_paragraphs: list[UncitedParagraph] = Field(
        default=[], description="Paragraphs of this source that no entry cites, each with why."
    )
    body: ParagraphSpan | None = Field(
        default=None,
        description="The paragraphs that are the source's own text (not a title, byline or an"
        " archive's header): Chicago notes count paragraphs from the first, as its reader does.",
    )

    @model_validator(mode="after")
    def _thread_and_body_fit(self) -> Source:
        if self.reply_to is not None and self.thread is None:
            raise ValueError("a reply stands in a thread: set thread to the post that opens it")
        if self.thread is not None and self.thread == self.id:
            raise ValueError("thread names the source itself; name the post that opens it")
        if self.body is not None and not (
            self.body.first <= self.body.last
            and self.covers(self.body.first)
            and self.covers(self.body.last)
        ):
            raise ValueError(
                f"body {self.body.first}-{self.body.last} is not a span inside this source's"
                " paragraphs"
            )
        return self

    def own_paragraph(self, paragraph: int) -> int | None:
        """Paragraph ``paragraph`` of the stored text as the source's reader counts it, or None
        when that count would not help (outside the body, or a body of one paragraph)."""
        body = self.body
        if body is None or body.first == body.last or not body.first <= paragraph <= body.last:
            return None
        return paragraph - body.first + 1

    @property
    def authors(self) -> str:
        return ", ".join(name.display() for name in self.csl.author)

    @property
    def date(self) -> str | None:
        return self.csl.issued.iso() if self.csl.issued else None

    def covers(self, paragraph: int) -> bool:
        span = self.paragraphs
        return span is None or span.first <= paragraph <= span.last


# --- Entries -------------------------------------------------------------------------------------


class Citation(InputModel):
    """A verbatim quote from a source and where it stands (``para. N``)."""

    source: Slug
    quote: NonEmptyText
    locator: str = Field(description="Paragraph of the source text, written 'para. N'.")
    prefix: str | None = Field(
        default=None, description="Text just before the quote, to pin a repeat."
    )
    suffix: str | None = Field(
        default=None, description="Text just after the quote, to pin a repeat."
    )

    @field_validator("locator")
    @classmethod
    def _locator_names_a_paragraph(cls, value: str) -> str:
        if not LOCATOR_PATTERN.match(value):
            raise ValueError("must be written 'para. N' with N the paragraph number")
        return value

    @property
    def paragraph(self) -> int:
        match = LOCATOR_PATTERN.match(self.locator)
        assert match is not None  # guaranteed by the validator
        return int(match["paragraph"])


class Position(InputModel):
    """One side of a debated or unresolved question and who holds it."""

    stance: NonEmptyText
    held_by: NonEmptyText
    citations: list[Citation] = Field(min_length=1)


MAX_REVISION = 2**63 - 1  # SQLite's largest INTEGER: a revision must fit the revisions table


class Entry(InputModel):
    """One curated answer to one question."""

    id: Slug
    question: NonEmptyText
    also_asked: list[NonEmptyText] = []
    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUMMARY_MAX_CHARS)
    ]
    moderator_note: Note | None = Field(
        default=None,
        description="What a moderator adds from outside the sources (a date, a name, a gloss):"
        " always shown labelled as a moderator note, never as something the sources say.",
    )
    status: EntryStatus
    positions: list[Position] = []
    citations: list[Citation] = Field(min_length=1)
    people: list[NonEmptyText] = []
    tags: list[NonEmptyText] = []
    related: list[Slug] = []
    retired: bool = False
    revision: int = Field(default=1, ge=1, le=MAX_REVISION)

    @field_validator("positions")
    @classmethod
    def _positions_only_when_contested(cls, value: list[Position], info: Any) -> list[Position]:
        """Runs when positions are left out too (``validate_default``): an unresolved entry
        without positions is refused here, in files, forms and the database alike."""
        status = info.data.get("status")
        if status == EntryStatus.SETTLED and value:
            raise ValueError("a settled entry has no positions; use status debated or unresolved")
        if status in (EntryStatus.DEBATED, EntryStatus.UNRESOLVED) and len(value) < 2:
            raise ValueError(
                f"status {status} needs at least two positions, each with who holds it"
                f" ({len(value)} given)"
            )
        return value

    def all_citations(self) -> list[Citation]:
        """The entry's own citations, then those of its positions."""
        return [*self.citations, *(c for p in self.positions for c in p.citations)]

    def content_equals(self, other: Entry) -> bool:
        """Same curated content, whatever the revision counter says."""
        return self.model_dump(exclude={"revision"}) == other.model_dump(exclude={"revision"})


# --- Aliases -------------------------------------------------------------------------------------


class AliasGroup(InputModel):
    """A canonical name and the spellings members type for it."""

    canonical: NonEmptyText
    kind: Literal["person", "organisation", "place", "term"]
    variants: list[NonEmptyText] = Field(min_length=1)
    note: str | None = None


class AliasFile(InputModel):
    aliases: list[AliasGroup]


class UnloadableRecord(BaseModel):
    """A stored entry or source that its model refuses (stored before a rule existed, or written
    around askbot). It is kept and reported, and left out of answers; ``fields`` is what is stored."""

    kind: Literal["entry", "source"]
    id: str
    revision: int | None = None
    fields: dict[str, Any]
    problem: str

    def __str__(self) -> str:
        return f"{self.kind} '{self.id}' cannot be loaded: {self.problem}"


class FactBase(BaseModel):
    """Everything in a facts/ directory, validated and cross-checked."""

    sources: list[Source]
    texts: dict[str, str] = Field(description="text_file name -> verbatim text")
    entries: list[Entry]
    aliases: list[AliasGroup]
    aliases_given: bool = Field(
        default=True,
        description="False: the files have no aliases.yaml, so an import leaves the alias table alone",
    )
    unloadable: list[UnloadableRecord] = Field(
        default=[], description="Rows the database holds that fail their model (none from files)."
    )
