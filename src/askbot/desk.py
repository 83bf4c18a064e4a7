"""The fact desk: the one door both adapters (the bot's cogs, the CLI) use to the fact base.

It owns the store, the answer engine (in the bot) and their consistency: every change runs the
core's operation, then refreshes the engine (which re-checks the unanswered queue in the
background) and announces the change to listeners; reads that more than one adapter needs
(which entries cite a source, pending proposals, an entry's history ...) are answered here
once. Changes made by another process are noticed by the answer service and announced the same
way. The adapters never touch the store or the engine themselves.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from askbot import curation
from askbot.answering import Answer, AnswerEngine, ask, load_engine
from askbot.bootstrap import open_store
from askbot.citations import EntryCitations, cited_quotes
from askbot.config import Settings
from askbot.curation import ImportPlan, Review, RevisionChange, Stats
from askbot.errors import Refused
from askbot.forum import (
    ForumChannel,
    ForumChannelSettings,
    ForumCounts,
    ForumReply,
    decide,
    post_question,
)
from askbot.learning import calibrate, labels
from askbot.learning.calibrate import CalibrationPlan
from askbot.learning.quality import Figures, Quality, measure
from askbot.models import AliasGroup, Entry, EntryStatus, FactBase, Source
from askbot.search import HIGHLIGHT, SearchPage, search_sources
from askbot.service import AnswerService
from askbot.store import (
    Actor,
    Label,
    PendingQuestion,
    Proposal,
    QueuedQuestion,
    Store,
    StoredCalibration,
    unusable,
)
from askbot.store.forum import PostClaim, PostLedger

# The adapters take what they need of the store's vocabulary from here, never from the store.
__all__ = [
    "Actor",
    "FactChange",
    "FactDesk",
    "PendingQuestion",
    "Proposal",
    "QueuedQuestion",
    "StoredCalibration",
    "unusable",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactChange:
    """What changed in the fact base: ``action`` as the audit log names it (``entry.add``,
    ``proposal.approve`` ...; ``reload`` for another process's change) and what it concerns."""

    action: str
    subject: str | None = None


Listener = Callable[[FactChange], None]


class FactDesk:
    """The store and, for a long-running process, the answer service over it.

    ``await FactDesk.open(settings)`` for a command that runs once (the CLI: no engine kept);
    ``await FactDesk.open(settings, live=True)`` for the bot. ``close()`` closes both.
    """

    def __init__(self, store: Store, answers: AnswerService | None = None) -> None:
        self._store = store
        self._answers = answers
        self._listeners: list[Listener] = []
        self._forum_posts = PostLedger(store)
        if answers is not None:
            answers.on_reload = lambda: self._announce(FactChange("reload"))

    @classmethod
    async def open(cls, settings: Settings, *, live: bool = False) -> FactDesk:
        store = await open_store(settings)
        try:
            return cls(store, await AnswerService.start(store) if live else None)
        except BaseException:
            await store.close()
            raise

    @property
    def store(self) -> Store:
        """The store beneath, for tools that inspect the database itself (checks, tests); the
        adapters go through the desk's own methods."""
        return self._store

    async def close(self) -> None:
        if self._answers is not None:
            await self._answers.close()
        await self._store.close()

    async def __aenter__(self) -> FactDesk:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- changes and who hears of them ------------------------------------------------------------

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` after every change to the fact base (the bot dispatches an event)."""
        self._listeners.append(listener)

    def _announce(self, change: FactChange) -> None:
        for listener in self._listeners:
            try:
                listener(change)
            except Exception:  # one listener's failure must not undo or hide the change
                log.exception("a listener failed on %s", change)

    async def _changed(self, action: str, subject: str | None = None) -> None:
        """After every change: /ask sees it at once (or, for a fact base too large to rebuild
        within a reply's time, a few seconds later); the unanswered queue is re-checked in the
        background, so the reply never waits on it."""
        if self._answers is not None:
            await self._answers.refresh_after_change()
        self._announce(FactChange(action, subject))

    # --- answering --------------------------------------------------------------------------------

    @property
    def engine(self) -> AnswerEngine:
        """The engine answering now (the bot only)."""
        if self._answers is None:
            raise RuntimeError("a FactDesk opened without live=True keeps no engine")
        return self._answers.engine

    @property
    def answers(self) -> AnswerService:
        if self._answers is None:
            raise RuntimeError("a FactDesk opened without live=True keeps no answer service")
        return self._answers

    def live_entry(self, entry_id: str) -> Entry | None:
        """A live entry as the engine answers with it (the bot)."""
        return self.engine.entry(entry_id)

    def live_quotes(self, entry: Entry) -> EntryCitations:
        """An entry's citations with their sources, from memory (the bot)."""
        return cited_quotes(entry, self.engine.sources)

    def find_entries(self, text: str, limit: int) -> list[tuple[str, str]]:
        """Live entries close to ``text`` as ``(id, question)``, for pickers (the bot)."""
        return self.engine.find_entries(text, limit)

    def label_candidates(self, question: str, limit: int) -> list[tuple[str, str]]:
        """Live entries that may answer a member's question, as ``(id, question)``: the engine's
        own matches and suggestions first (nothing is recorded), then entries close by name."""
        answer = self.engine.answer(question)
        ranked = [(m.id, m.question) for m in answer.matches]
        ranked += [(s.id, s.question) for s in answer.suggestions]
        ranked += self.find_entries(question, limit)
        return list(dict(ranked).items())[:limit]

    def answer_for(self, entry_id: str, question: str) -> Answer | None:
        """The answer an entry gives, for a did-you-mean chosen (the bot)."""
        return self.engine.answer_for(entry_id, question)

    def ask(self, question: str) -> Answer:
        """Answer from memory; the question is recorded afterwards (the bot)."""
        return self.answers.ask(question)

    async def ask_once(self, question: str, *, record: bool = True) -> Answer:
        """Answer with an engine built for this one question (the CLI)."""
        return await ask(await load_engine(self._store), self._store, question, record=record)

    async def record_misfire(
        self, normalised: str, example: str, entry_id: str, member_id: str
    ) -> bool:
        """ "Not what I asked": False when this member had already said so of this answer."""
        return await self._store.record_misfire(normalised, example, entry_id, member_id)

    async def record_confirmation(self, normalised: str, entry_id: str, member_id: str) -> bool:
        """ "That answered it": False when this member had already said so of this answer."""
        return await self._store.record_confirmation(normalised, entry_id, member_id)

    # --- labelling, quality, calibration ----------------------------------------------------------

    async def misfires(self, limit: int = 25) -> list[PendingQuestion]:
        return await self._store.misfires(limit=limit)

    async def queued(self, limit: int = 25) -> list[PendingQuestion]:
        """The unanswered queue as questions to label."""
        return await self._store.queued(limit=limit)

    async def pending(self, ref: str) -> PendingQuestion:
        """A question waiting for a label, or Refused naming the reference."""
        return await labels.pending(self._store, ref)

    async def to_label(self, limit: int = 25) -> list[PendingQuestion]:
        """Every question waiting for a label: misfires first, then the unanswered queue."""
        return [*await self._store.misfires(limit=limit), *await self._store.queued(limit=limit)]

    async def labels(self) -> list[Label]:
        return await self._store.labels()

    async def label_answer(
        self, ref: str, entry_id: str, actor: Actor, *, also_asked: bool = False
    ) -> tuple[Label, Entry | None]:
        label, edited = await labels.label_answer(
            self._store, ref, entry_id, actor, also_asked=also_asked
        )
        if edited is not None:
            await self._changed("entry.edit", edited.id)
        return label, edited

    async def label_none(self, ref: str, actor: Actor) -> Label:
        return await labels.label_none(self._store, ref, actor)

    async def label_rule(self, ref: str, rule: str, actor: Actor) -> Label:
        return await labels.label_rule(self._store, ref, rule, actor)

    async def dismiss(self, ref: str) -> PendingQuestion:
        return await labels.dismiss(self._store, ref)

    async def export_labels(self, directory: Path) -> Path:
        return await asyncio.to_thread(labels.export, await self._store.labels(), directory)

    async def quality(self) -> Quality:
        """The engine on every community label now, against the figures the last calibration
        was applied with; members' verdicts for the last twelve weeks."""
        engine = (
            self._answers.engine if self._answers is not None else await load_engine(self._store)
        )
        now = await asyncio.to_thread(measure, engine, await self._store.labels())
        applied = await self._store.active_calibration()
        then = Figures(**json.loads(applied.report)["all_labels"]) if applied else None
        return Quality(
            now, then, applied.applied_at if applied else None, await self._store.answer_weeks()
        )

    async def plan_calibration(self) -> CalibrationPlan:
        return await calibrate.plan_calibration(self._store)

    async def apply_calibration(self, plan: CalibrationPlan, actor: Actor) -> int:
        number = await calibrate.apply_calibration(self._store, plan, actor)
        await self._changed("calibration.apply", str(number))
        return number

    async def active_calibration(self) -> StoredCalibration | None:
        """The calibration applied last and not reverted; None when the shipped one answers."""
        return await self._store.active_calibration()

    async def revert_calibration(self, actor: Actor) -> StoredCalibration | None:
        reverted = await self._store.revert_calibration(actor)
        if reverted is not None:
            await self._changed("calibration.revert", str(reverted.id))
        return reverted

    # --- reading ----------------------------------------------------------------------------------

    async def fact_base(self) -> FactBase:
        return await self._store.load_fact_base()

    async def entry(self, entry_id: str) -> Entry | None:
        return await self._store.entry(entry_id)

    async def current_entry(self, entry_id: str) -> Entry:
        """The entry, or Refused naming the unknown id."""
        return await curation.current_entry(self._store, entry_id)

    async def entries(self, *, include_retired: bool = False) -> list[Entry]:
        return await self._store.entries(include_retired=include_retired)

    async def retired_entries(self) -> list[Entry]:
        return [e for e in await self.entries(include_retired=True) if e.retired]

    async def sources(self) -> dict[str, Source]:
        return {s.id: s for s in await self._store.sources()}

    async def source_text(self, source: Source) -> str:
        return (await self.fact_base()).texts[source.text_file]

    async def cited_by(self, source_id: str) -> list[str]:
        """The live entries that cite a source, by id."""
        return sorted(
            e.id
            for e in await self.entries()
            if any(c.source == source_id for c in e.all_citations())
        )

    async def citation_counts(self) -> dict[str, int]:
        """How many live entries cite each source."""
        return dict(
            Counter(
                source_id
                for entry in await self.entries()
                for source_id in {c.source for c in entry.all_citations()}
            )
        )

    async def search(self, text: str, page: int = 1, *, highlight: str = HIGHLIGHT) -> SearchPage:
        return await search_sources(self._store, text, page, highlight=highlight)

    async def new_entry_id(self, question: str) -> str:
        return curation.new_entry_id(question, await self.fact_base())

    async def current_revision(self, entry_id: str) -> int:
        """The entry's revision, or Refused naming the unknown id."""
        revision = await self._store.current_revision(entry_id)
        if revision is None:
            raise Refused([("entry", f"no entry '{entry_id}'")])
        return revision

    async def history(self, entry_id: str) -> list[RevisionChange]:
        return await curation.history(self._store, entry_id)

    async def pending_proposals(self, limit: int = 25) -> list[Proposal]:
        return await self._store.proposals("pending", limit=limit)

    async def proposal(self, proposal_id: int) -> Proposal | None:
        return await self._store.proposal(proposal_id)

    async def find_proposal(self, proposal_id: int) -> Proposal:
        """A proposal in any state, or Refused naming the unknown number."""
        return await curation.find_proposal(self._store, proposal_id)

    async def review(self, proposal: Proposal) -> Review:
        return await curation.review_proposal(self._store, proposal)

    async def check_may_propose(self, member: Actor) -> None:
        await curation.check_may_propose(self._store, member)

    async def unanswered(self, limit: int = 25) -> list[QueuedQuestion]:
        return await self._store.unanswered(limit=limit)

    async def stats(self) -> Stats:
        return await curation.stats(self._store)

    async def plan_import(self, incoming: FactBase) -> ImportPlan:
        return curation.plan_import(await self.fact_base(), incoming)

    # --- changing ---------------------------------------------------------------------------------

    async def apply_import(self, plan: ImportPlan, actor: Actor, reason: str) -> None:
        await curation.apply_import(self._store, plan, actor, reason=reason)
        await self._changed("import")

    async def add_entry(self, entry: Entry, actor: Actor, reason: str | None = None) -> Entry:
        saved = await curation.add_entry(self._store, entry, actor, reason)
        await self._changed("entry.add", saved.id)
        return saved

    async def edit_entry(
        self, entry: Entry, base_revision: int, actor: Actor, reason: str | None = None
    ) -> Entry:
        saved = await curation.edit_entry(self._store, entry, base_revision, actor, reason)
        await self._changed("entry.edit", saved.id)
        return saved

    async def set_retired(self, entry_id: str, retired: bool, actor: Actor, reason: str) -> Entry:
        saved = await curation.set_retired(self._store, entry_id, retired, actor, reason)
        await self._changed("entry.retire" if retired else "entry.restore", saved.id)
        return saved

    async def set_status(
        self,
        entry_id: str,
        status: EntryStatus,
        positions_text: list[tuple[str, str]],
        actor: Actor,
        base_revision: int,
    ) -> Entry:
        """New status with positions typed as the status form's text (``(field, text)`` each)."""
        positions = [curation.parse_position(text, field) for field, text in positions_text]
        saved = await curation.set_status(
            self._store, entry_id, status, positions, actor, base_revision
        )
        await self._changed("entry.status", saved.id)
        return saved

    async def revert(
        self,
        entry_id: str,
        to_revision: int,
        actor: Actor,
        base_revision: int,
        reason: str | None = None,
    ) -> Entry:
        saved = await curation.revert(
            self._store, entry_id, to_revision, actor, base_revision, reason
        )
        await self._changed("entry.revert", saved.id)
        return saved

    async def add_alias(self, canonical: str, variant: str, kind: str, actor: Actor) -> AliasGroup:
        group = await curation.add_alias(self._store, canonical, variant, kind, actor)
        await self._changed("alias.add", group.canonical)
        return group

    async def add_source(self, source: Source, raw: bytes, actor: Actor) -> Source:
        stored = await curation.add_source(self._store, source, raw, actor)
        await self._changed("source.add", stored.id)
        return stored

    async def propose(self, entry: Entry, base_revision: int | None, member: Actor) -> int:
        """Queue a member's proposal for review; nothing live changes until it is approved."""
        return await curation.propose(self._store, entry, base_revision, member)

    async def approve(self, proposal_id: int, moderator: Actor) -> Entry:
        saved = await curation.approve(self._store, proposal_id, moderator)
        await self._changed("proposal.approve", saved.id)
        return saved

    async def reject(self, proposal_id: int, moderator: Actor, reason: str) -> Proposal:
        return await curation.reject(self._store, proposal_id, moderator, reason)

    # --- forum channels ---------------------------------------------------------------------------

    async def forum_channel(self, channel_id: int) -> ForumChannel | None:
        return await self._store.forum_channel(channel_id)

    async def forum_channels(self, guild_id: int | None = None) -> list[ForumChannel]:
        return await self._store.forum_channels(guild_id)

    async def save_forum_channel(self, settings: ForumChannelSettings, actor: Actor) -> bool:
        """Reply in a forum channel from now on (or change how); whether it is new."""
        return await self._store.save_forum_channel(settings, actor.name)

    async def remove_forum_channel(self, channel_id: int, guild_id: int | None = None) -> bool:
        return await self._store.remove_forum_channel(channel_id, guild_id)

    async def note_forum_problem(self, channel_id: int, problem: str | None) -> bool:
        """Note (None: clear) a channel's problem for moderators; whether the note changed."""
        return await self._store.note_forum_problem(channel_id, problem)

    async def forum_counts(self) -> ForumCounts:
        return await self._store.forum_counts()

    async def forum_post(
        self, channel: ForumChannel, thread_id: int, title: str, text: str | None = None
    ) -> ForumReply | None:
        """The one reply a new post in a configured channel gets (the bot); None when the post
        was already handled (a duplicate event, or before a restart). Answered from memory; the
        post is claimed in the database before anything is posted, and the question is counted
        and queued like /ask's in the background."""
        question = post_question(title, text)
        answer = self.engine.answer(question)
        reply = decide(answer, channel)
        claim = PostClaim(thread_id, channel.channel_id, channel.guild_id, reply.outcome)
        if not await self._forum_posts.claim(claim):
            return None
        self.answers.record(question, answer)
        return reply
