"""The vocabulary of askbot: sources, entries, citations, aliases.

Everything read from files is validated here with ``extra="forbid"`` so a typo in a fact file is an
error with a location, never a silently ignored field.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SUMMARY_MAX_CHARS = 900
LOCATOR_PATTERN = re.compile(r"^para\. (?P<paragraph>[1-9][0-9]*)$")

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class InputModel(BaseModel):
    """Base for everything read from files or users: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=True)


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

    family: str | None = None
    given: str | None = None
    literal: str | None = None

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(part for part in (self.given, self.family) if part)


class CslDate(InputModel):
    """A CSL-JSON date: ``{"date-parts": [[1937, 8, 28]]}``."""

    date_parts: list[list[int]] = Field(alias="date-parts", min_length=1, max_length=2)

    def iso(self) -> str:
        return "-".join(
            f"{part:02d}" if i else str(part) for i, part in enumerate(self.date_parts[0])
        )


class CslMetadata(InputModel):
    """Bibliographic metadata with CSL-JSON field names, so reference managers can read it."""

    model_config = ConfigDict(serialize_by_alias=True)

    type: Literal["article-newspaper", "article-magazine", "article-journal", "book", "post"]
    title: NonEmptyText
    author: list[CslName] = Field(min_length=1)
    container_title: str | None = Field(default=None, alias="container-title")
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    issued: CslDate | None = None
    URL: str | None = None
    publisher: str | None = None
    archive: str | None = None
    accessed: CslDate | None = None


class ParagraphSpan(InputModel):
    """The paragraphs of a shared document that one source covers (both ends included)."""

    first: int = Field(ge=1)
    last: int = Field(ge=1)


class UncitedParagraph(InputModel):
    """A paragraph deliberately left uncited (a header, a username), with the reason."""

    paragraph: int = Field(ge=1)
    reason: NonEmptyText


class Source(InputModel):
    """A document (or one author's part of it) that entries may quote."""

    model_config = ConfigDict(serialize_by_alias=True)

    id: Slug
    kind: SourceKind
    csl: CslMetadata
    transcriber: str | None = None
    reply_to: Slug | None = Field(
        default=None,
        description="For a comment or answer: the source id of the post it replies to.",
    )
    note: NonEmptyText = Field(
        description="Source criticism: what the source is and how far to trust it."
    )
    discrepancies: list[NonEmptyText] = []
    text_file: NonEmptyText = Field(description="Verbatim text, in facts/sources/, never edited.")
    paragraphs: ParagraphSpan | None = Field(
        default=None, description="The part of text_file this source covers; all of it if absent."
    )
    uncited_paragraphs: list[UncitedParagraph] = Field(
        default=[], description="Paragraphs of this source that no entry cites, each with why."
    )

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
        status = info.data.get("status")
        if status == EntryStatus.SETTLED and value:
            raise ValueError("a settled entry has no positions; use status debated or unresolved")
        if status in (EntryStatus.DEBATED, EntryStatus.UNRESOLVED) and len(value) < 2:
            raise ValueError(
                f"a {status} entry needs at least two positions, each with who holds it"
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
