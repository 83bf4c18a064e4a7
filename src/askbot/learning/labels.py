"""Moderators' verdicts on members' questions, and the labelled set exported for git."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from askbot import curation
from askbot.errors import Refused
from askbot.evaluation import LabelledQuestion
from askbot.factfiles import dump_fields
from askbot.models import Entry
from askbot.store import Actor, Label, PendingQuestion, Store

RULES = ("hypothetical", "recent-events")
EXPORT_FILE = "questions.yaml"


async def pending(store: Store, ref: str) -> PendingQuestion:
    """A question waiting for a label, or Refused naming the reference."""
    found = await store.pending_question(ref)
    if found is None:
        raise Refused([("question", f"no question '{ref}' is waiting (see `askbot label list`)")])
    return found


async def label_answer(
    store: Store, ref: str, entry_id: str, actor: Actor, *, also_asked: bool = False
) -> tuple[Label, Entry | None]:
    """The entry answers the question; with ``also_asked`` the question also becomes a phrasing
    of the entry (a new revision with its audit line), in the same transaction as the label:
    a refused or failed edit saves no label, and a failed label leaves the entry as it was."""
    question = await pending(store, ref)
    entry = await curation.current_entry(store, entry_id)
    if entry.retired:
        raise Refused([("entry", f"'{entry.id}' is retired: restore it first")])
    phrasings = {p.casefold() for p in (entry.question, *entry.also_asked)}
    if not also_asked or question.question.casefold() in phrasings:
        return await store.save_label(question, entry.id, actor), None
    label = Label.given_now(question, entry.id, actor.name)
    draft = entry.model_copy(update={"also_asked": [*entry.also_asked, question.question]})
    edited = await curation.edit_entry(
        store,
        draft,
        entry.revision,
        actor,
        f"also asked, from label {ref}",
        together=lambda db: store.write_label(db, label),
    )
    return label, edited


async def label_none(store: Store, ref: str, actor: Actor) -> Label:
    """Nothing in the base answers it: a correct reply is no_match."""
    return await store.save_label(await pending(store, ref), "no_match", actor)


async def label_rule(store: Store, ref: str, rule: str, actor: Actor) -> Label:
    """A forum rule applies: a correct reply declines with it."""
    if rule not in RULES:
        raise Refused([("rule", f"'{rule}' is not a rule; one of {', '.join(RULES)}")])
    return await store.save_label(await pending(store, ref), rule, actor)


async def dismiss(store: Store, ref: str) -> PendingQuestion:
    """Spam or junk: gone from every queue, nothing kept."""
    question = await pending(store, ref)
    await store.dismiss(question)
    return question


def labelled_question(label: Label) -> LabelledQuestion:
    return LabelledQuestion(q=label.question, expect=label.expect)


def community_split(label: Label) -> str:
    """A third of the community's labels is held out from refitting, by a stable hash salted
    apart from the shipped set's own split (so the two splits are independent)."""
    digest = hashlib.sha256(b"community:" + label.question.casefold().encode()).digest()
    return "holdout" if digest[0] % 3 == 0 else "train"


def export(labels: list[Label], directory: Path) -> Path:
    """Write the labels as tests/data/questions.yaml does (``written`` is today: the 20-year rule
    is judged from it), for a maintainer to review into the shipped set."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / EXPORT_FILE
    data = {
        "written": date.today().isoformat(),
        "questions": [
            labelled_question(label).model_dump(mode="json", exclude_defaults=True)
            for label in labels
        ],
    }
    target.write_text(dump_fields(data), encoding="utf-8")
    return target
