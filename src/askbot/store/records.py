"""What the store hands out and takes in: frozen records, never raw rows."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite
from pydantic import ValidationError

from askbot.models import Entry

log = logging.getLogger(__name__)


def _problem(error: ValidationError) -> str:
    """A model's refusal in one line: ``positions: Value error, ...; summary: ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or '(all)'}: {e['msg']}" for e in error.errors()
    )


def _json_fields(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {"(stored)": text}
    return data if isinstance(data, dict) else {"(stored)": data}


@dataclass(frozen=True)
class QueueLimits:
    """How much of the unanswered queue is kept: at most ``size`` questions, none left unasked for
    more than ``max_age_days``. The least asked go first, the longest unasked among them."""

    size: int = 1000
    max_age_days: float = 90.0
    retention_days: float = 90.0  # members' text not labelled by then is deleted, however asked


@dataclass(frozen=True)
class AskedQuestion:
    """One question's outcome as counted for /stats; ``unanswered`` (its queue key and an example)
    when nothing answered it and it joins the moderators' queue."""

    status: str
    entry_id: str | None = None
    unanswered: tuple[str, str] | None = None


@dataclass(frozen=True)
class Actor:
    """Who made a change: a Discord user (id and name) or a CLI user (name only)."""

    name: str
    id: str | None = None


@dataclass(frozen=True)
class Proposal:
    """A member's proposed new entry or edit, awaiting review or decided. (A did-you-mean is a
    "suggestion"; a member's edit is a proposal.)"""

    id: int
    entry_id: str
    base_revision: int | None  # None: a new entry
    draft: Entry
    proposer_id: str | None
    proposer_name: str
    created_at: str
    state: str  # pending, approved or rejected
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Proposal:
        return cls(
            id=row["id"],
            entry_id=row["entry_id"],
            base_revision=row["base_revision"],
            draft=Entry.model_validate_json(row["draft"]),
            proposer_id=row["suggester_id"],
            proposer_name=row["suggester_name"],
            created_at=row["created_at"],
            state=row["state"],
            decided_by=row["decided_by"],
            decided_at=row["decided_at"],
            reason=row["reason"],
        )


@dataclass(frozen=True)
class Revision:
    """One stored revision of an entry: ``fields`` as stored, ``snapshot`` the Entry (None when
    it fails the model, and then ``problem`` says why)."""

    entry_id: str
    revision: int
    fields: dict[str, Any]
    snapshot: Entry | None
    problem: str | None
    actor_id: str | None
    actor_name: str
    created_at: str
    reason: str | None

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Revision:
        try:
            snapshot, problem = Entry.model_validate_json(row["snapshot"]), None
        except ValidationError as exc:
            snapshot, problem = None, _problem(exc)
        return cls(
            entry_id=row["entry_id"],
            revision=row["revision"],
            fields=_json_fields(row["snapshot"]),
            snapshot=snapshot,
            problem=problem,
            actor_id=row["actor_id"],
            actor_name=row["actor_name"],
            created_at=row["created_at"],
            reason=row["reason"],
        )


@dataclass(frozen=True)
class RevisionInfo:
    """Who wrote a revision, when and why."""

    actor_name: str
    created_at: str
    reason: str | None


@dataclass(frozen=True)
class QueuedQuestion:
    """A question nothing answered, as the moderators' queue holds it."""

    normalised: str
    example: str
    count: int
    first_asked: str
    last_asked: str


@dataclass(frozen=True)
class AuditLine:
    """One line of the audit log."""

    id: int
    at: str
    actor_id: str | None
    actor_name: str
    action: str
    entry_id: str | None
    revision: int | None
    reason: str | None


@dataclass(frozen=True)
class AskCount:
    """How often questions had one outcome (and, when answered, one entry)."""

    status: str
    entry_id: str
    count: int


@dataclass(frozen=True)
class ParagraphMatch:
    """A source paragraph that matched a search: which document, which paragraph (1-based), and
    its snippet with the hits marked."""

    document: str
    paragraph: int
    snippet: str


@dataclass(frozen=True)
class PendingQuestion:
    """A member's question waiting for a moderator's label: from the unanswered queue
    (``ref`` ``u<n>``, ``got`` None) or flagged "Not what I asked" (``m<n>``, ``got`` the entry
    it was answered with)."""

    ref: str
    normalised: str
    question: str
    count: int
    got: str | None
    last: str


@dataclass(frozen=True)
class Label:
    """A moderator's verdict on a member's question: ``expect`` an entry id, ``no_match``,
    ``hypothetical`` or ``recent-events`` (the tests/data/questions.yaml vocabulary)."""

    normalised: str
    question: str
    expect: str
    got: str | None
    labelled_by: str
    labelled_at: str

    @classmethod
    def given_now(cls, pending: PendingQuestion, expect: str, labelled_by: str) -> Label:
        """The verdict a moderator gives now on a question waiting in a queue."""
        return cls(
            pending.normalised, pending.question, expect, pending.got, labelled_by, utc_now()
        )


@dataclass(frozen=True)
class AnswerWeek:
    """One ISO week (``2026-W49``): answers given, and how many members confirmed or flagged."""

    week: str
    answered: int
    confirmed: int
    flagged: int


@dataclass(frozen=True)
class StoredCalibration:
    """A calibration applied from ``askbot calibrate --apply``: coefficients as JSON (the
    ``matching.Calibration`` model), the figures it was applied on, who applied it and when."""

    id: int
    calibration: str
    report: str
    applied_by: str
    applied_at: str
    reverted_by: str | None
    reverted_at: str | None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
