"""`askbot review ...`, `stats` and `unanswered`: members' proposals and how the bot is doing."""

from __future__ import annotations

import argparse
import sys

from askbot.bootstrap import cli_actor
from askbot.cli.base import EXIT_OK, MAX_SQLITE_INTEGER, Commands, whole_number, with_desk
from askbot.desk import FactDesk
from askbot.factfiles import dump_yaml


@with_desk
async def cmd_review_list(args: argparse.Namespace, desk: FactDesk) -> int:
    pending = await desk.pending_proposals(limit=args.limit)
    if not pending:
        print("no pending suggestions")
    for p in pending:
        print(f"#{p.id}  {p.entry_id}  {p.proposer_name}  {p.created_at}  {p.draft.question}")
    return EXIT_OK


@with_desk
async def cmd_review_show(args: argparse.Namespace, desk: FactDesk) -> int:
    """A suggestion with what it changes (each quote old -> new) and whether it still applies
    to the live entry, then the draft in full."""
    proposal = await desk.find_proposal(args.id)
    review = await desk.review(proposal)
    draft, base = proposal.draft, proposal.base_revision
    print(
        f"suggestion #{proposal.id} by {proposal.proposer_name} at"
        f" {proposal.created_at}: {proposal.state}"
    )
    if proposal.decided_by:
        why = f": {proposal.reason}" if proposal.reason else ""
        print(f"decided by {proposal.decided_by} at {proposal.decided_at}{why}")
    print(
        f"new entry {draft.id}"
        if base is None
        else f"edit of {draft.id} from revision {base} (now revision {review.onto_revision})"
    )
    for line in review.changes:
        print(f"    {line}")
    if proposal.state == "pending":
        for where, why in review.conflicts:
            print(f"conflict: {where}: {why}")
        if review.rebased and not review.conflicts:
            print(
                f"applies to revision {review.onto_revision}: later revisions changed other fields"
            )
    print("---")
    sys.stdout.write(dump_yaml(draft))
    return EXIT_OK


@with_desk
async def cmd_review_approve(args: argparse.Namespace, desk: FactDesk) -> int:
    stored = await desk.approve(args.id, cli_actor())
    print(f"approved #{args.id}: {stored.id} is live at revision {stored.revision}")
    return EXIT_OK


@with_desk
async def cmd_review_reject(args: argparse.Namespace, desk: FactDesk) -> int:
    rejected = await desk.reject(args.id, cli_actor(), args.reason)
    print(f"rejected #{args.id} ({rejected.entry_id})")
    return EXIT_OK


@with_desk
async def cmd_stats(args: argparse.Namespace, desk: FactDesk) -> int:
    figures = await desk.stats()
    for label, count in (
        ("asked", figures.asked),
        ("answered", figures.answered),
        ("no_match", figures.no_match),
        ("declined", figures.declined),
    ):
        print(f"{label:9} {count}")
    if figures.top_entries:
        print("top entries:")
    for entry_id, count in figures.top_entries:
        print(f"  {count:5}  {entry_id}")
    forum = await desk.forum_counts()
    print(
        f"forum posts seen {forum.seen}: answered {forum.answered}, pointed {forum.pointed},"
        f" declined {forum.declined}"
    )
    return EXIT_OK


@with_desk
async def cmd_unanswered(args: argparse.Namespace, desk: FactDesk) -> int:
    queued = await desk.unanswered(limit=args.limit)
    if not queued:
        print("no unanswered questions")
    for row in queued:
        print(f"{row.count:5}  {row.last_asked}  {row.example}")
    return EXIT_OK


def register(commands: Commands) -> None:
    review = commands.add_parser("review", help="members' suggestions awaiting a moderator")
    review.set_defaults(handler=cmd_review_list, limit=25)
    review_commands = review.add_subparsers(dest="review_command", metavar="ACTION")
    pending = review_commands.add_parser("list", help="pending suggestions (the default)")
    pending.add_argument("--limit", type=whole_number(1, 10_000), default=25)
    pending.set_defaults(handler=cmd_review_list)
    for name, handler, help_ in (
        ("show", cmd_review_show, "a suggestion, its changes and its draft"),
        ("approve", cmd_review_approve, "put a suggestion live as a new revision"),
        ("reject", cmd_review_reject, "decline a suggestion, with a reason"),
    ):
        decide = review_commands.add_parser(name, help=help_)
        decide.add_argument("id", type=whole_number(1, MAX_SQLITE_INTEGER), metavar="N")
        decide.set_defaults(handler=handler)
        if name == "reject":
            decide.add_argument("--reason", required=True, help="told to the member")

    stats_ = commands.add_parser("stats", help="how questions were answered, top entries")
    stats_.set_defaults(handler=cmd_stats)
    unanswered = commands.add_parser("unanswered", help="the unanswered queue, most asked first")
    unanswered.add_argument("--limit", type=whole_number(1, 10_000), default=25)
    unanswered.set_defaults(handler=cmd_unanswered)
