"""Curating entries one by one (Discord, CLI): every change a revision and an audit line, in one transaction."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from askbot.citations import verify_citation
from askbot.curation.forms import draft_entry
from askbot.errors import Conflict, Refused
from askbot.models import Entry, EntryStatus, FactBase
from askbot.paragraphs import split_paragraphs
from askbot.store import Actor, StaleRevision, Store

if TYPE_CHECKING:
    import aiosqlite

# More to write in the same transaction as an entry's revision (a label that adds a phrasing)
Together = Callable[["aiosqlite.Connection"], Awaitable[None]]

SLUG_LIMIT = 60


class EditConflict(Refused, Conflict):
    """The entry changed since the editor loaded it; their draft is handed back untouched."""

    def __init__(
        self, draft: Entry, current_revision: int, changed_by: str, changed_at: str
    ) -> None:
        self.draft = draft
        self.current_revision = current_revision
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(
            [
                (
                    "revision",
                    f"changed by {changed_by} at {changed_at} (now revision {current_revision}); reload and edit again",
                )
            ]
        )


def slugify(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    slug = "-".join(words)[:SLUG_LIMIT].strip("-")
    return slug or "entry"


def check_entry(entry: Entry, fact_base: FactBase) -> None:
    """Sources exist, quotes stand verbatim where their locators say, related ids exist, and no
    other live entry asks the same question. Raises Refused listing every problem."""
    problems: list[tuple[str, str]] = []
    sources = {s.id: s for s in fact_base.sources}
    paragraphs = {name: split_paragraphs(text) for name, text in fact_base.texts.items()}
    located = [(f"citations[{i}]", c) for i, c in enumerate(entry.citations)]
    located += [
        (f"positions[{p}].citations[{i}]", c)
        for p, pos in enumerate(entry.positions)
        for i, c in enumerate(pos.citations)
    ]
    for where, citation in located:
        source = sources.get(citation.source)
        if source is None:
            known = ", ".join(sorted(sources))
            problems.append(
                (f"{where}.source", f"unknown source '{citation.source}' (known: {known})")
            )
            continue
        problem = verify_citation(citation, source, paragraphs[source.text_file])
        if problem:
            problems.append((f"{where}.{problem.field}", problem.why))
    stored = _stored_entries(fact_base)
    problems += [
        (f"related[{i}]", f"unknown entry id '{r}'")
        for i, r in enumerate(entry.related)
        if r not in stored or r == entry.id
    ]
    if not entry.retired:
        twin = next(
            (
                entry_id
                for entry_id, (question, retired) in stored.items()
                if not retired
                and entry_id != entry.id
                and question.casefold() == entry.question.casefold()
            ),
            None,
        )
        if twin:
            problems.append(("question", f"entry '{twin}' already asks this question"))
    if problems:
        raise Refused(problems)


def _stored_entries(fact_base: FactBase) -> dict[str, tuple[str, bool]]:
    """Every stored entry's id -> (question, retired), loadable or not: an entry that cannot be
    loaded still holds its id and question."""
    stored = {
        r.id: (str(r.fields.get("question", "")), bool(r.fields.get("retired")))
        for r in fact_base.unloadable
        if r.kind == "entry"
    }
    return stored | {e.id: (e.question, e.retired) for e in fact_base.entries}


def new_entry_id(question: str, fact_base: FactBase) -> str:
    taken = set(_stored_entries(fact_base))
    base = slugify(question)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _no_entry(entry_id: str) -> Refused:
    return Refused([("entry", f"no entry '{entry_id}'")])


async def _conflict(store: Store, draft: Entry) -> EditConflict:
    current = await store.entry(draft.id)
    revision = current.revision if current else 0
    info = await store.revision_info(draft.id, revision)
    if info is None:
        return EditConflict(draft, revision, "someone", "just now")
    return EditConflict(draft, revision, info.actor_name, info.created_at)


async def save_entry(
    store: Store,
    entry: Entry,
    actor: Actor,
    *,
    action: str,
    base_revision: int | None,
    reason: str | None = None,
    together: Together | None = None,
) -> Entry:
    """Check and write one entry as its next revision, with its audit line, in one transaction
    (with ``together``'s writes, if any: all of them or nothing).

    ``base_revision`` is the revision the change started from (None: a new entry). If the entry
    has moved on since, EditConflict hands the draft back and nothing is written. The base is
    compared first and the entry checked inside the transaction, against exactly what it is
    written into: a stale edit costs no checking, and concurrent changes cannot slip past it.
    A change that changes nothing writes nothing (no revision, so no other open edit goes
    stale): the entry comes back as it stands, at ``base_revision``.
    """
    stored = entry.model_copy(
        update={"revision": 1 if base_revision is None else base_revision + 1}
    )
    try:
        async with store.transaction() as db:
            revision = await store.entry_revision(db, entry.id)
            if base_revision is None and revision is not None:
                raise Refused([("id", f"an entry '{entry.id}' already exists")])
            if base_revision is not None and revision is None:
                raise _no_entry(entry.id)
            if base_revision is not None and revision is not None and base_revision > revision:
                raise Refused(
                    [
                        (
                            "revision",
                            f"the edit starts from revision {base_revision}, which '{entry.id}' never had; it is at revision {revision}",
                        )
                    ]
                )
            if revision != base_revision:
                raise StaleRevision(f"entry '{entry.id}' is no longer at revision {base_revision}")
            fact_base = await store.read_fact_base(db)
            current = next((e for e in fact_base.entries if e.id == entry.id), None)
            if current is not None and current.content_equals(entry):
                if together is not None:
                    await together(db)
                return current
            check_entry(entry, fact_base)
            await store.write_revision(
                db, stored, actor, reason, expected_revision=base_revision, action=action
            )
            if together is not None:
                await together(db)
    except StaleRevision:
        raise await _conflict(store, entry) from None
    return stored


async def current_entry(store: Store, entry_id: str) -> Entry:
    """The entry as it stands now, or Refused naming the unknown id."""
    entry = await store.entry(entry_id)
    if entry is None:
        raise _no_entry(entry_id)
    return entry


async def add_entry(store: Store, entry: Entry, actor: Actor, reason: str | None = None) -> Entry:
    return await save_entry(
        store,
        entry.model_copy(update={"retired": False}),
        actor,
        action="entry.add",
        base_revision=None,
        reason=reason,
    )


async def edit_entry(
    store: Store,
    entry: Entry,
    base_revision: int,
    actor: Actor,
    reason: str | None = None,
    together: Together | None = None,
) -> Entry:
    return await save_entry(
        store,
        entry,
        actor,
        action="entry.edit",
        base_revision=base_revision,
        reason=reason,
        together=together,
    )


async def set_retired(
    store: Store,
    entry_id: str,
    retired: bool,
    actor: Actor,
    reason: str,
    base_revision: int | None = None,
) -> Entry:
    """Retire (hidden from answers, kept in history) or restore an entry."""
    current = await current_entry(store, entry_id)
    if current.retired == retired:
        raise Refused([("entry", f"'{entry_id}' is already {'retired' if retired else 'live'}")])
    if not reason.strip():
        raise Refused([("reason", "say why, for the history")])
    base = current.revision if base_revision is None else base_revision
    action = "entry.retire" if retired else "entry.restore"
    return await save_entry(
        store,
        current.model_copy(update={"retired": retired}),
        actor,
        action=action,
        base_revision=base,
        reason=reason,
    )


async def set_status(
    store: Store,
    entry_id: str,
    status: EntryStatus,
    positions: list[dict[str, Any]],
    actor: Actor,
    base_revision: int,
) -> Entry:
    current = await current_entry(store, entry_id)
    fields = {
        **current.model_dump(),
        "status": status,
        "positions": positions if status is not EntryStatus.SETTLED else [],
    }
    return await save_entry(
        store,
        draft_entry(fields),
        actor,
        action="entry.status",
        base_revision=base_revision,
        reason=f"status: {status}",
    )


async def revert(
    store: Store,
    entry_id: str,
    to_revision: int,
    actor: Actor,
    base_revision: int,
    reason: str | None = None,
) -> Entry:
    """Make an old revision current again, as a new revision (history is never rewritten).

    The current revision need not load: going back from one that fails the model is a repair.
    """
    rows = await store.revisions(entry_id)
    if not rows:
        raise _no_entry(entry_id)
    row = next((r for r in rows if r.revision == to_revision), None)
    if row is None:
        raise Refused([("revision", f"'{entry_id}' has no revision {to_revision}")])
    old = row.snapshot
    if old is None:
        raise Refused(
            [
                (
                    "revision",
                    f"revision {to_revision} of '{entry_id}' cannot be loaded either"
                    f" ({row.problem}); choose another",
                )
            ]
        )
    why = reason or f"revert to revision {to_revision}"
    return await save_entry(
        store, old, actor, action="entry.revert", base_revision=base_revision, reason=why
    )
