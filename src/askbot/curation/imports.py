"""Importing a whole fact base (files -> database): planned without writing, applied in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from askbot.citations import verify_citation
from askbot.errors import Conflict
from askbot.factfiles import ALIASES_FILE
from askbot.models import Entry, FactBase, UnloadableRecord
from askbot.paragraphs import split_paragraphs
from askbot.store import Actor, StaleRevision, Store


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
                await store.write_revision(
                    db, entry, actor, reason, expected_revision=None, action="entry.import.add"
                )
            for old, new in plan.changed:
                stored = new.model_copy(update={"revision": old.revision + 1})
                action = "entry.import.retire" if new.id in plan.retired else "entry.import.change"
                await store.write_revision(
                    db, stored, actor, reason, expected_revision=old.revision, action=action
                )
            for _, new in plan.repaired:
                stored = new.model_copy(update={"revision": new.revision + 1})
                await store.write_revision(
                    db,
                    stored,
                    actor,
                    reason,
                    expected_revision=new.revision,
                    action="entry.import.repair",
                )
            if plan.aliases_changed:
                await store.replace_aliases(db, incoming.aliases)
                await store.audit(db, actor, "aliases.import", reason=reason)
    except StaleRevision as exc:
        raise ImportConflict(
            [f"{exc}; someone changed it during the import. Nothing was imported."]
        ) from exc
