"""How a proposal under review and an entry's history look."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from askbot import curation
from askbot.discord import embeds

if TYPE_CHECKING:
    pass


HISTORY_SHOWN = 10


def suggestion_embed(review: curation.Review) -> discord.Embed:
    """The member's changes (each quote old -> new) in the description, which holds 4096
    characters; then whether it still applies to the live entry."""
    proposal = review.proposal
    draft = proposal.draft
    kind = "edit of" if proposal.base_revision else "new entry"
    lines = [embeds.escape(line) for line in review.changes]
    lines += [f"⚠️ **conflict**: {where}: {embeds.escape(why)}" for where, why in review.conflicts]
    if review.rebased and not review.conflicts:
        lines.append(
            f"Applies to revision {review.onto_revision}: later revisions changed other fields."
        )
    embed = discord.Embed(
        title=embeds.clip(f"#{proposal.id}: {kind} {draft.id}", embeds.TITLE_LIMIT),
        description=embeds.clip(
            "\n".join(lines),
            embeds.DESCRIPTION_LIMIT,
            f"… (`askbot review show {proposal.id}` shows every change)",
        ),
        colour=embeds.COLOUR_OPEN,
    )
    embed.add_field(name="Suggested by", value=embeds.escape(proposal.proposer_name), inline=True)
    embed.add_field(name="On", value=proposal.created_at, inline=True)
    embed.add_field(
        name="Summary",
        value=embeds.clip(embeds.escape(draft.summary), embeds.FIELD_VALUE_LIMIT),
        inline=False,
    )
    return embeds.fit_total(embed, draft.id)


def history_embed(entry_id: str, revisions: list[curation.RevisionChange]) -> discord.Embed:
    embed = discord.Embed(
        title=embeds.clip(f"History of {entry_id}", embeds.TITLE_LIMIT), colour=embeds.COLOUR_ANSWER
    )
    for change in revisions[-HISTORY_SHOWN:]:
        lines = [f"*{embeds.escape(change.reason)}*"] if change.reason else []
        lines += [embeds.escape(line) for line in change.changes]
        embed.add_field(
            name=embeds.clip(
                f"rev {change.revision} · {change.actor} · {change.at}", embeds.FIELD_NAME_LIMIT
            ),
            value=embeds.clip("\n".join(lines), embeds.FIELD_VALUE_LIMIT),
            inline=False,
        )
    if len(revisions) > HISTORY_SHOWN:
        embed.set_footer(
            text=f"showing the last {HISTORY_SHOWN} of {len(revisions)} revisions; `askbot fact history {entry_id}` shows all"
        )
    return embeds.fit_total(embed, entry_id)
