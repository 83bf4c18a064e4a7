"""Changing the fact base: every change makes a revision and an audit line, in one transaction."""

from __future__ import annotations

import asyncio
import difflib
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from askbot.citations import verify_citation
from askbot.errors import Conflict, Refused
from askbot.factfiles import ALIASES_FILE, TextRefused, decode_text, format_loc
from askbot.models import AliasGroup, Entry, EntryStatus, FactBase, Source, UnloadableRecord
from askbot.paragraphs import split_paragraphs
from askbot.store import Actor, Proposal, StaleRevision, Store

if TYPE_CHECKING:
    from askbot.answering import AnswerEngine

ModelT = TypeVar("ModelT", bound=BaseModel)


class ImportConflict(Conflict):
    """The files and the database disagree in a way an import must not paper over."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportPlan:
    """What importing a fact base would do; computed without writing anything."""

    incoming: FactBase
    added: list[Entry] = field(default_factory=list)
    changed: list[tuple[Entry, Entry]] = field(default_factory=list)  # (current, incoming)
    # stored entries that fail their model, each replaced by its file: (stored, incoming)
    repaired: list[tuple[UnloadableRecord, Entry]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)
    sources_written: list[str] = field(default_factory=list)
    aliases_changed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def retired(self) -> list[str]:
        return [new.id for old, new in self.changed if new.retired and not old.retired]

    @property
    def has_changes(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.repaired
            or self.sources_written
            or self.aliases_changed
        )

    def summary(self) -> str:
        edited = len(self.changed) - len(self.retired)
        parts = [
            f"{len(self.added)} added",
            f"{edited} changed",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.retired)} retired",
        ]
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        line = "entries: " + ", ".join(parts)
        aliases = "replaced" if self.aliases_changed else "unchanged"
        if not self.incoming.aliases_given:
            aliases = f"left alone (no {ALIASES_FILE})"
        line += f"; sources written: {len(self.sources_written)}; aliases {aliases}"
        if self.only_in_database:
            line += f"; kept, only in the database: {', '.join(self.only_in_database)}"
        return line

    def details(self) -> list[str]:
        """One line per entry that would change, for a reviewer."""
        lines = [f"+ {e.id}: {e.question}" for e in self.added]
        for old, new in self.changed:
            fields = [
                name
                for name in Entry.model_fields
                if name != "revision" and getattr(old, name) != getattr(new, name)
            ]
            verb = "retire" if new.id in self.retired else "change"
            lines.append(
                f"~ {new.id}: {verb} ({', '.join(fields)}) revision {old.revision} -> {old.revision + 1}"
            )
        for stored, new in self.repaired:
            revision = new.revision
            lines.append(
                f"~ {new.id}: repair (the stored copy cannot be loaded: {stored.problem})"
                f" revision {revision} -> {revision + 1}"
            )
        return lines


def _same_content(fields: Mapping[str, Any], entry: Entry) -> bool:
    """Stored fields (loadable or not) and an entry say the same, whatever the revision."""
    mine = entry.model_dump(mode="json", exclude={"revision"})
    return {k: v for k, v in fields.items() if k != "revision"} == mine


def plan_import(current: FactBase, incoming: FactBase) -> ImportPlan:
    """Compare files with the database; list conflicts instead of overwriting newer work."""
    plan = ImportPlan(incoming=incoming)
    existing = {e.id: e for e in current.entries}
    unloadable = {r.id: r for r in current.unloadable if r.kind == "entry"}
    for entry in incoming.entries:
        old = existing.get(entry.id)
        stored_revision = old.revision if old else None
        if old is None and entry.id in unloadable:
            stored_revision = unloadable[entry.id].revision
        if stored_revision is None:
            plan.added.append(entry)
        elif old is not None and old.content_equals(entry):
            plan.unchanged.append(entry.id)
        elif old is None and _same_content(unloadable[entry.id].fields, entry):
            plan.unchanged.append(entry.id)  # stored as it is; it fails for another reason
        elif entry.revision > stored_revision:
            plan.problems.append(
                f"entry '{entry.id}': the file claims revision {entry.revision}, which does not exist;"
                f" the entry is at revision {stored_revision}. Export it again, merge your edit, import again."
            )
        elif entry.revision != stored_revision:
            plan.problems.append(
                f"entry '{entry.id}': the file is at revision {entry.revision} but the database is at revision"
                f" {stored_revision}; it changed since the file was exported. Export, merge your edit, import again."
            )
        elif old is None:
            plan.repaired.append((unloadable[entry.id], entry))
        else:
            plan.changed.append((old, entry))
    incoming_ids = {e.id for e in incoming.entries}
    plan.only_in_database = sorted(e.id for e in current.entries if e.id not in incoming_ids)

    current_sources = {s.id: s for s in current.sources}
    for source in incoming.sources:
        old_source = current_sources.get(source.id)
        same_text = current.texts.get(source.text_file) == incoming.texts[source.text_file]
        if old_source != source or not same_text:
            plan.sources_written.append(source.id)
    plan.aliases_changed = incoming.aliases_given and current.aliases != incoming.aliases

    # Entries kept from the database must still stand on the incoming sources.
    sources = {s.id: s for s in [*current.sources, *incoming.sources]}
    texts = {**current.texts, **incoming.texts}
    for entry in (e for e in current.entries if e.id in plan.only_in_database):
        for citation in entry.all_citations():
            source = sources[citation.source]
            problem = verify_citation(citation, source, split_paragraphs(texts[source.text_file]))
            if problem:
                plan.problems.append(
                    f"entry '{entry.id}' (only in the database): {problem.field}: {problem.why}"
                )
    return plan


async def apply_import(
    store: Store,
    plan: ImportPlan,
    actor: Actor,
    reason: str = "import from files",
    *,
    into_empty: bool = False,
) -> None:
    """Apply a plan in ONE transaction; any conflict (even one found late) leaves the database as it was.

    ``into_empty``: the plan fills an empty database, and nothing is done if another process
    filled it first (checked under the write lock).
    """
    if plan.problems:
        raise ImportConflict(plan.problems)
    if not plan.has_changes:
        return
    incoming = plan.incoming
    sources = {s.id: s for s in incoming.sources}
    try:
        async with store.transaction() as db:
            if into_empty and not await store.read_is_empty(db):
                return  # another process filled it meanwhile
            for source_id in plan.sources_written:
                source = sources[source_id]
                await store.put_source(db, source, incoming.texts[source.text_file])
                await store.audit(db, actor, "source.import", reason=f"{source_id}: {reason}")
            for entry in plan.added:
                await store.put_entry(db, entry, actor, reason, expected_revision=None)
                await store.audit(
                    db,
                    actor,
                    "entry.import.add",
                    entry_id=entry.id,
                    revision=entry.revision,
                    reason=reason,
                )
            for old, new in plan.changed:
                stored = new.model_copy(update={"revision": old.revision + 1})
                await store.put_entry(db, stored, actor, reason, expected_revision=old.revision)
                action = "entry.import.retire" if new.id in plan.retired else "entry.import.change"
                await store.audit(
                    db, actor, action, entry_id=new.id, revision=stored.revision, reason=reason
                )
            for _, new in plan.repaired:
                stored = new.model_copy(update={"revision": new.revision + 1})
                await store.put_entry(db, stored, actor, reason, expected_revision=new.revision)
                await store.audit(
                    db,
                    actor,
                    "entry.import.repair",
                    entry_id=new.id,
                    revision=stored.revision,
                    reason=reason,
                )
            if plan.aliases_changed:
                await store.replace_aliases(db, incoming.aliases)
                await store.audit(db, actor, "aliases.import", reason=reason)
    except StaleRevision as exc:
        raise ImportConflict(
            [f"{exc}; someone changed it during the import. Nothing was imported."]
        ) from exc


# --- Curating entries one by one (Discord, CLI) -------------------------------------------------

SLUG_LIMIT = 60
PENDING_PROPOSALS_PER_MEMBER = 5
CITATION_LINE = re.compile(
    r"^\s*(?P<source>[^|]+?)\s*\|\s*(?P<locator>[^|]+?)\s*\|\s*(?P<quote>.+?)\s*$"
)


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


@dataclass(frozen=True)
class RevisionChange:
    revision: int
    actor: str
    at: str
    reason: str | None
    changes: list[str]


def slugify(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    slug = "-".join(words)[:SLUG_LIMIT].strip("-")
    return slug or "entry"


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
) -> Entry:
    """Check and write one entry as its next revision, with its audit line, in one transaction.

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
                return current
            check_entry(entry, fact_base)
            await store.put_entry(db, stored, actor, reason, expected_revision=base_revision)
            await store.audit(
                db, actor, action, entry_id=stored.id, revision=stored.revision, reason=reason
            )
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
    store: Store, entry: Entry, base_revision: int, actor: Actor, reason: str | None = None
) -> Entry:
    return await save_entry(
        store, entry, actor, action="entry.edit", base_revision=base_revision, reason=reason
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


EntryFields = Mapping[str, Any]  # an entry as JSON fields, loadable or not (history, review)
QUOTE_SHOWN = 200  # a changed quote is shown whole up to this length, so a cut word is seen


def _fields(entry: Entry | EntryFields) -> EntryFields:
    return entry.model_dump(mode="json") if isinstance(entry, Entry) else entry


def describe_changes(before: Entry | EntryFields | None, after: Entry | EntryFields) -> list[str]:
    """A readable diff between two revisions, field by field; each changed quote old -> new."""
    if before is None:
        return ["created"]
    old_fields, new_fields = _fields(before), _fields(after)
    lines: list[str] = []
    for name in Entry.model_fields:
        if name == "revision":
            continue
        old, new = old_fields.get(name), new_fields.get(name)
        if old == new:
            continue
        if name == "citations":
            lines += _citation_changes(name, old or [], new or [])
        elif name == "positions":
            lines += _position_changes(old or [], new or [])
        elif isinstance(old, list) and all(isinstance(x, str) for x in [*old, *(new or [])]):
            lines += [f"{name}: + {x}" for x in new or [] if x not in old]
            lines += [f"{name}: - {x}" for x in old if x not in (new or [])]
        else:
            shown_old, shown_new = _shorten(str(old), str(new))
            lines.append(f"{name}: {shown_old} -> {shown_new}")
    return lines or ["no content change"]


CITATION_KEYS = ("source", "locator", "quote", "prefix", "suffix")


def _citation_text(citation: Mapping[str, Any]) -> str:
    quote = _quoted(str(citation.get("quote")), QUOTE_SHOWN)
    return f"{citation.get('source')} | {citation.get('locator')} | {quote}"


def _citation_changes(
    where: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Citations added, removed, or changed in place (each changed part old -> new)."""
    keys = [[tuple(c.get(k) for k in CITATION_KEYS) for c in side] for side in (old, new)]
    matcher = difflib.SequenceMatcher(a=keys[0], b=keys[1], autojunk=False)
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for i, j in zip(range(i1, i1 + paired), range(j1, j1 + paired), strict=True):
            for key in CITATION_KEYS:
                was, now = old[i].get(key), new[j].get(key)
                if was != now:
                    limit = QUOTE_SHOWN if key == "quote" else 70
                    shown_old, shown_new = _shorten(str(was), str(now), limit)
                    lines.append(f"{where}[{j}].{key}: {shown_old} -> {shown_new}")
        lines += [f"{where}[{i}]: - {_citation_text(old[i])}" for i in range(i1 + paired, i2)]
        lines += [f"{where}[{j}]: + {_citation_text(new[j])}" for j in range(j1 + paired, j2)]
    return lines


def _position_changes(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Positions compared in order: stance and holder old -> new, and their quotes as citations."""
    lines: list[str] = []
    for index in range(max(len(old), len(new))):
        where = f"positions[{index}]"
        was = old[index] if index < len(old) else None
        now = new[index] if index < len(new) else None
        if was is None and now is not None:
            lines.append(f"{where}: + {now.get('stance')} (held by {now.get('held_by')})")
        elif now is None and was is not None:
            lines.append(f"{where}: - {was.get('stance')} (held by {was.get('held_by')})")
        else:
            assert was is not None and now is not None
            for key in ("stance", "held_by"):
                if was.get(key) != now.get(key):
                    shown_old, shown_new = _shorten(str(was.get(key)), str(now.get(key)))
                    lines.append(f"{where}.{key}: {shown_old} -> {shown_new}")
        lines += _citation_changes(
            f"{where}.citations",
            (was or {}).get("citations") or [],
            (now or {}).get("citations") or [],
        )
    return lines


def _shorten(old: str, new: str, limit: int = 70, context: int = 20) -> tuple[str, str]:
    """Both texts cut to ``limit`` characters; long ones from just before where they first
    differ, so an edit late in a summary still shows."""
    start = 0
    if max(len(old), len(new)) > limit:
        pairs = zip(old, new, strict=False)
        first_difference = next(
            (i for i, (a, b) in enumerate(pairs) if a != b), min(len(old), len(new))
        )
        start = max(0, first_difference - context)
    cut = [("…" if start else "") + text[start:] for text in (old, new)]
    return _quoted(cut[0], limit), _quoted(cut[1], limit)


def _quoted(text: str, limit: int) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


async def history(store: Store, entry_id: str) -> list[RevisionChange]:
    """Every revision with what it changed; a revision that no longer loads says why."""
    rows = await store.revisions(entry_id)
    if not rows:
        raise _no_entry(entry_id)
    changes = []
    for previous, row in zip([None, *rows[:-1]], rows, strict=True):
        before = previous.fields if previous else None
        lines = describe_changes(before, row.fields)
        if row.problem:
            lines.append(f"cannot be loaded: {row.problem}")
        changes.append(
            RevisionChange(row.revision, row.actor_name, row.created_at, row.reason, lines)
        )
    return changes


async def add_alias(
    store: Store, canonical: str, variant: str, kind: str, actor: Actor
) -> AliasGroup:
    """Add a spelling to a name's alias group (creating the group if needed).

    The groups are read inside the transaction, so two additions at once both stay. A name may
    stand in one group only, as a variant or as the canonical name of a new group.
    """
    async with store.transaction() as db:
        groups = await store.read_aliases(db)
        owners = {n.casefold(): g.canonical for g in groups for n in [g.canonical, *g.variants]}
        if variant.casefold() in owners:
            raise Refused(
                [("variant", f"'{variant}' already belongs to '{owners[variant.casefold()]}'")]
            )
        group = next((g for g in groups if g.canonical.casefold() == canonical.casefold()), None)
        if group is None and canonical.casefold() in owners:
            raise Refused(
                [
                    (
                        "canonical",
                        f"'{canonical}' is a variant of '{owners[canonical.casefold()]}'; add to that group",
                    )
                ]
            )
        try:
            updated = (
                group.model_copy(update={"variants": [*group.variants, variant]})
                if group
                else AliasGroup.model_validate(
                    {"canonical": canonical, "kind": kind, "variants": [variant]}
                )
            )
        except ValidationError as exc:
            raise Refused([(format_loc(e["loc"]), str(e["msg"])) for e in exc.errors()]) from exc
        await store.put_alias(db, updated)
        await store.audit(db, actor, "alias.add", reason=f"{variant} -> {updated.canonical}")
    return updated


# --- Proposals from members -------------------------------------------------------------------


def _refuse_over_pending_limit(pending: int) -> None:
    if pending >= PENDING_PROPOSALS_PER_MEMBER:
        raise Refused(
            [
                (
                    "suggestion",
                    f"you already have {pending} suggestions waiting for review (at most"
                    f" {PENDING_PROPOSALS_PER_MEMBER} a member); please wait until a moderator"
                    " has decided them",
                )
            ]
        )


async def check_may_propose(store: Store, member: Actor) -> None:
    """Refuse early, before a member types a suggestion that could not be queued."""
    if member.id is not None:
        _refuse_over_pending_limit(await store.pending_proposals_by(member.id))


async def propose(store: Store, entry: Entry, base_revision: int | None, member: Actor) -> int:
    """Queue a member's new entry or edit for review; it is checked now, applied only on approval.

    A member may have at most PENDING_PROPOSALS_PER_MEMBER waiting, counted in the same
    transaction that queues, so a flood of submissions cannot slip past the limit.
    """
    fact_base = await store.load_fact_base()
    check_entry(entry, fact_base)
    async with store.transaction() as db:
        if member.id is not None:
            _refuse_over_pending_limit(await store.count_pending_proposals(db, member.id))
        proposal_id = await store.add_proposal(db, entry, base_revision, member)
        await store.audit(
            db,
            member,
            "suggestion.add",
            entry_id=entry.id,
            reason=f"suggestion #{proposal_id}",
        )
    return proposal_id


async def find_proposal(store: Store, proposal_id: int) -> Proposal:
    """A proposal in any state, or Refused naming the unknown number."""
    proposal = await store.proposal(proposal_id)
    if proposal is None:
        raise Refused([("suggestion", f"no suggestion #{proposal_id}")])
    return proposal


async def _pending(store: Store, proposal_id: int) -> Proposal:
    proposal = await find_proposal(store, proposal_id)
    if proposal.state != "pending":
        raise Refused(
            [
                (
                    "suggestion",
                    f"#{proposal_id} was already {proposal.state} by {proposal.decided_by}",
                )
            ]
        )
    return proposal


@dataclass(frozen=True)
class Review:
    """A suggestion as a moderator weighs it: the member's changes (each quote old -> new), and
    what approving writes. When the entry moved on since the suggestion and the later revisions
    changed other fields, the suggestion is rebased onto the current revision; ``conflicts``
    names the fields both changed, and then there is nothing to approve."""

    proposal: Proposal
    changes: list[str]
    entry: Entry | None  # what approval writes as revision ``onto_revision + 1``
    onto_revision: int | None  # None: a new entry
    conflicts: list[tuple[str, str]]

    @property
    def rebased(self) -> bool:
        return self.onto_revision != self.proposal.base_revision


def _new_entry_changes(draft: Entry) -> list[str]:
    fields = draft.model_dump(mode="json")
    return [
        "new entry",
        *_citation_changes("citations", [], fields["citations"]),
        *_position_changes([], fields["positions"]),
    ]


async def review_proposal(store: Store, proposal: Proposal) -> Review:
    """Weigh a proposal against the entry as it stands now (see Review)."""
    draft, base = proposal.draft, proposal.base_revision
    if base is None:
        return Review(proposal, _new_entry_changes(draft), draft, None, [])
    rows = await store.revisions(draft.id)
    if not rows:
        raise _no_entry(draft.id)
    base_fields = next((r.fields for r in rows if r.revision == base), None)
    if base_fields is None:
        raise Refused([("suggestion", f"'{draft.id}' has no revision {base} to start from")])
    mine = draft.model_dump(mode="json")
    changes = describe_changes(base_fields, mine)
    current = rows[-1]
    if current.revision == base:
        return Review(proposal, changes, draft, base, [])
    changed = [n for n in Entry.model_fields if n != "revision" and mine[n] != base_fields.get(n)]
    conflicts = []
    for name in changed:
        if current.fields.get(name) in (base_fields.get(name), mine[name]):
            continue  # untouched since, or changed the same way
        later = [
            f"revision {row.revision} ({row.actor_name}, {row.created_at})"
            for previous, row in itertools.pairwise(rows)
            if row.revision > base and row.fields.get(name) != previous.fields.get(name)
        ]
        conflicts.append(
            (name, f"changed by the suggestion (from revision {base}) and by {', '.join(later)}")
        )
    merged: Entry | None = None
    if not conflicts:
        try:
            merged = Entry.model_validate(
                {
                    **current.fields,
                    **{n: mine[n] for n in changed},
                    "revision": current.revision,
                }
            )
        except ValidationError as exc:
            conflicts = [
                (format_loc(e["loc"]), f"does not fit revision {current.revision}: {e['msg']}")
                for e in exc.errors()
            ]
    return Review(proposal, changes, merged, current.revision, conflicts)


class ProposalConflict(Refused, Conflict):
    """A proposal and later revisions changed the same fields: a moderator must merge by hand."""

    def __init__(self, review: Review) -> None:
        self.review = review
        hint = (
            "suggestion",
            f"reject #{review.proposal.id} and ask for a new suggestion, or edit the entry"
            " yourself",
        )
        super().__init__([*review.conflicts, hint])


async def approve(store: Store, proposal_id: int, moderator: Actor) -> Entry:
    """Put a suggestion live as a new revision credited to both the member and the moderator;
    one made stale by later edits of other fields is rebased onto the current revision."""
    weighed = await review_proposal(store, await _pending(store, proposal_id))
    if weighed.entry is None or weighed.conflicts:
        raise ProposalConflict(weighed)
    proposal, draft, base = weighed.proposal, weighed.entry, weighed.onto_revision
    check_entry(draft, await store.load_fact_base())
    credit = Actor(name=f"{proposal.proposer_name} (approved by {moderator.name})", id=moderator.id)
    stored = draft.model_copy(update={"revision": 1 if base is None else base + 1})
    reason = f"suggestion #{proposal_id} by {proposal.proposer_name}, approved by {moderator.name}"
    if weighed.rebased:
        reason += f" (rebased from revision {proposal.base_revision} onto {base})"
    try:
        async with store.transaction() as db:
            await store.decide_proposal(db, proposal_id, "approved", moderator, None)
            if base is None and await store.entry_revision(db, draft.id) is not None:
                raise Refused(
                    [
                        (
                            "id",
                            f"an entry '{draft.id}' was added meanwhile; reject and suggest an edit",
                        )
                    ]
                )
            await store.put_entry(db, stored, credit, reason, expected_revision=base)
            await store.audit(
                db,
                moderator,
                "suggestion.approve",
                entry_id=draft.id,
                revision=stored.revision,
                reason=reason,
            )
    except StaleRevision:
        raise await _conflict(store, draft) from None
    return stored


async def reject(store: Store, proposal_id: int, moderator: Actor, reason: str) -> Proposal:
    """Decline a proposal with a reason; returns it so the member can be told."""
    if not reason.strip():
        raise Refused([("reason", "tell the member why")])
    proposal = await _pending(store, proposal_id)
    async with store.transaction() as db:
        await store.decide_proposal(db, proposal_id, "rejected", moderator, reason)
        await store.audit(
            db, moderator, "suggestion.reject", entry_id=proposal.entry_id, reason=reason
        )
    return replace(proposal, state="rejected", reason=reason, decided_by=moderator.name)


# --- The moderators' view of how the bot is doing ----------------------------------------------


@dataclass(frozen=True)
class Stats:
    asked: int
    answered: int
    no_match: int
    declined: int
    top_entries: list[tuple[str, int]]


async def stats(store: Store, top: int = 10) -> Stats:
    rows = await store.ask_counts()
    by_status = {
        status: sum(r.count for r in rows if r.status == status)
        for status in ("answered", "no_match", "declined")
    }
    top_entries = [(r.entry_id, r.count) for r in rows if r.status == "answered"][:top]
    return Stats(
        sum(by_status.values()),
        by_status["answered"],
        by_status["no_match"],
        by_status["declined"],
        top_entries,
    )


async def prune_answered(store: Store, engine: AnswerEngine) -> int:
    """Queued questions that the fact base now answers leave the queue; returns how many.

    At most the queue's size limit is checked, in a worker thread: the event loop never waits on
    it (a question takes milliseconds to answer, a thousand of them seconds).
    """
    queued = await store.unanswered(limit=store.queue_limits.size)

    def now_answered() -> list[str]:
        return [row.normalised for row in queued if engine.answer(row.example).status == "answered"]

    answered = await asyncio.to_thread(now_answered)
    if answered:
        async with store.transaction() as db:
            await store.remove_unanswered(db, answered)
    return len(answered)


# --- Sources ------------------------------------------------------------------------------------


async def add_source(store: Store, source: Source, raw: bytes, actor: Actor) -> Source:
    """Store a new source document exactly as uploaded (never edited), with its metadata."""
    try:
        text = decode_text(raw)
    except TextRefused as refused:
        raise Refused([("file", refused.why)]) from refused
    if not split_paragraphs(text):
        raise Refused([("file", "the file has no text")])
    stored = source.model_copy(
        update={"text_file": f"{source.id}.txt", "paragraphs": None, "uncited_paragraphs": []}
    )
    async with store.transaction() as db:
        known = await store.read_fact_base(db)
        if any(s.id == stored.id for s in known.sources) or stored.text_file in known.texts:
            raise Refused([("id", f"a source '{stored.id}' already exists")])
        await store.put_source(db, stored, text)
        await store.audit(db, actor, "source.add", reason=f"{stored.id}: {stored.csl.title}")
    return stored
