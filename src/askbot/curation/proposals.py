"""Members' proposals: queued, weighed against the live entry (rebased when they can be), approved or rejected."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from pydantic import ValidationError

from askbot.curation.entries import _conflict, _no_entry, check_entry
from askbot.curation.history import _citation_changes, _position_changes, describe_changes
from askbot.errors import Conflict, Refused
from askbot.factfiles import format_loc
from askbot.models import Entry
from askbot.store import Actor, Proposal, StaleRevision, Store

PENDING_PROPOSALS_PER_MEMBER = 5


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
            db, member, "suggestion.add", entry_id=entry.id, reason=f"suggestion #{proposal_id}"
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
                {**current.fields, **{n: mine[n] for n in changed}, "revision": current.revision}
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
            await store.write_revision(
                db,
                stored,
                credit,
                reason,
                expected_revision=base,
                action="suggestion.approve",
                audited_as=moderator,
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
