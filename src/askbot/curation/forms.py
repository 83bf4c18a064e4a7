"""The text format of the curation forms, both ways: fields from typed text (citation lines, positions) and typed text from an entry. It knows nothing of Discord."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from askbot.errors import Refused
from askbot.factfiles import format_loc
from askbot.models import Entry, EntryStatus, Source

ModelT = TypeVar("ModelT", bound=BaseModel)


CITATION_LINE = re.compile(
    r"^\s*(?P<source>[^|]+?)\s*\|\s*(?P<locator>[^|]+?)\s*\|\s*(?P<quote>.+?)\s*$"
)


def draft_entry(fields: dict[str, Any]) -> Entry:
    """An Entry from a moderator's fields, or Refused naming each bad field."""
    return _validated(Entry, fields)


def draft_source(fields: dict[str, Any]) -> Source:
    """A Source from a moderator's fields (``/source add``), or Refused naming each bad field."""
    return _validated(Source, fields)


def _validated(model: type[ModelT], fields: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise Refused(
            [
                (
                    format_loc(err["loc"]),
                    "required" if err["type"] == "missing" else str(err["msg"]),
                )
                for err in exc.errors()
            ]
        ) from exc


def parse_citations(text: str, field: str = "citations") -> list[dict[str, str]]:
    """One citation per line: ``source-id | para. N | exact quote``."""
    citations = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = CITATION_LINE.match(line)
        if match is None:
            raise Refused(
                [(f"{field} line {number}", "write it as: source-id | para. N | exact quote")]
            )
        citations.append(
            {"source": match["source"], "locator": match["locator"], "quote": match["quote"]}
        )
    return citations


def parse_position(text: str, field: str) -> dict[str, Any]:
    """A position as ``stance: ...`` / ``held by: ...`` / ``cite: source | para. N | quote`` lines."""
    stance, held_by, cites = "", "", []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().casefold()
        if key == "stance":
            stance = value.strip()
        elif key in ("held by", "held_by"):
            held_by = value.strip()
        elif key == "cite":
            cites.append(value)
        elif line.strip():
            raise Refused(
                [(field, f"unexpected line {line.strip()[:40]!r}: use stance:, held by:, cite:")]
            )
    return {
        "stance": stance,
        "held_by": held_by,
        "citations": parse_citations("\n".join(cites), f"{field} cite"),
    }


def source_from_form(
    source_id: str,
    *,
    title: str,
    author: str,
    kind: str,
    note: str,
    published_in: str | None,
    issued: dict[str, list[list[int]]] | None,
    url: str | None,
) -> Source:
    """A new source from the source form's fields: a ``u/name`` author is a forum post, anyone
    else writes in a newspaper. Refused, naming each field at fault."""
    return draft_source(
        {
            "id": source_id,
            "kind": kind,
            "note": note,
            "text_file": f"{source_id}.txt",
            "csl": {
                "type": "post" if author.startswith("u/") else "article-newspaper",
                "title": title,
                "author": [{"literal": author}],
                "container-title": published_in,
                "issued": issued,
                "URL": url,
            },
        }
    )


# --- the other way: what a form shows for an entry ---------------------------------------------


def citation_lines(entry: Entry | None) -> str:
    return (
        "\n".join(f"{c.source} | {c.locator} | {c.quote}" for c in entry.citations) if entry else ""
    )


def entry_form_values(entry: Entry | None) -> dict[str, str]:
    """What the entry form shows for an entry (or for a new one)."""
    return {
        "question": entry.question if entry else "",
        "also_asked": "\n".join(entry.also_asked) if entry else "",
        "summary": entry.summary if entry else "",
        "status": entry.status.value if entry else EntryStatus.SETTLED.value,
        "citations": citation_lines(entry),
    }


def entry_form_fields(values: dict[str, str], entry: Entry | None) -> dict[str, Any]:
    """An entry's fields from what the entry form holds; what the form does not show is kept."""
    base = (
        entry.model_dump() if entry else {"positions": [], "people": [], "tags": [], "related": []}
    )
    status = values["status"].strip().casefold()
    return {
        **base,
        "id": entry.id if entry else None,
        "question": values["question"].strip(),
        "also_asked": [line.strip() for line in values["also_asked"].splitlines() if line.strip()],
        "summary": values["summary"].strip(),
        "status": status,
        "citations": parse_citations(values["citations"]),
        "positions": base["positions"] if status != EntryStatus.SETTLED else [],
    }


def position_text(entry: Entry, index: int) -> str:
    if index >= len(entry.positions):
        return ""
    position = entry.positions[index]
    cites = "\n".join(f"cite: {c.source} | {c.locator} | {c.quote}" for c in position.citations)
    return f"stance: {position.stance}\nheld by: {position.held_by}\n{cites}"
