"""What each revision changed, in words a moderator reads."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from askbot.curation.entries import _no_entry
from askbot.models import Entry
from askbot.store import Store


@dataclass(frozen=True)
class RevisionChange:
    revision: int
    actor: str
    at: str
    reason: str | None
    changes: list[str]


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
