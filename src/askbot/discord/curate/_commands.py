"""Moderator curation from Discord: /fact ..., /review, /unanswered, /stats.

Every change goes through the fact desk (askbot.desk: one transaction, a revision, an audit
line, then the engine refreshed so /ask sees the change at once). Nothing typed into a modal is
lost: a refused change comes back with the reason and an "Edit again" button prefilled with what
was typed."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from askbot.discord import embeds
from askbot.discord.autocomplete import entry_choices
from askbot.discord.checks import actor, is_moderator, moderators_only
from askbot.discord.curate._embeds import history_embed
from askbot.discord.curate._forms import FactModal, StatusModal
from askbot.discord.curate._review import ReviewSelect, UnansweredSelect, send_listing
from askbot.discord.errors import UserFacingError
from askbot.discord.learning._labelling import LabelSelect  # a submodule: it imports curate's
from askbot.errors import EntryUnloadable
from askbot.models import Entry, EntryStatus

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


NOT_CHANGED = {"refused": "Not changed"}  # heads a refused change's problems (errors.handle)


class CurateCog(commands.Cog):
    fact = app_commands.Group(
        name="fact", description="Curate the fact base (moderators), or suggest a change (everyone)"
    )

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    async def _entry(self, entry_id: str, *, include_retired: bool = False) -> Entry:
        try:
            entry = await self.bot.desk.entry(entry_id)
        except EntryUnloadable as unloadable:
            raise UserFacingError(embeds.escape(str(unloadable))) from unloadable
        if entry is None or (entry.retired and not include_retired):
            raise UserFacingError(
                f"There is no live entry `{embeds.escape(entry_id[:80])}`; pick one from the list as you type."
            )
        return entry

    async def _entry_choices(
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    async def _retired_choices(
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Retired entries are out of answers: only moderators see them listed."""
        if not is_moderator(interaction):
            return []
        retired = await self.bot.desk.retired_entries()
        wanted = current.casefold()
        return [
            app_commands.Choice(name=embeds.clip(e.question, 100), value=e.id)
            for e in retired
            if wanted in e.id or wanted in e.question.casefold()
        ][:25]

    @fact.command(name="add", description="Add an entry (opens a form)")
    @moderators_only()
    async def add(self, interaction: discord.Interaction[AskBot]) -> None:
        await interaction.response.send_modal(FactModal("add"))

    @fact.command(name="edit", description="Edit an entry (opens a form with its current text)")
    @app_commands.describe(entry="Start typing a question or a name")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def edit(self, interaction: discord.Interaction[AskBot], entry: str) -> None:
        current = await self._entry(entry)
        await interaction.response.send_modal(
            FactModal("edit", entry=current, base_revision=current.revision)
        )

    @fact.command(
        name="suggest",
        description="Suggest a new entry, or a change to one, for the moderators to review",
    )
    @app_commands.describe(entry="The entry to change (leave empty to suggest a new one)")
    @app_commands.autocomplete(entry=_entry_choices)
    async def suggest(
        self, interaction: discord.Interaction[AskBot], entry: str | None = None
    ) -> None:
        await self.bot.desk.check_may_propose(actor(interaction))
        current = await self._entry(entry) if entry else None
        await interaction.response.send_modal(
            FactModal("suggest", entry=current, base_revision=current.revision if current else None)
        )

    @fact.command(
        name="retire",
        description="Take an entry out of answers (kept in its history)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(entry="The entry to retire", reason="Why, for the history")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def retire(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        await self._change(
            interaction,
            self.bot.desk.set_retired(entry, True, actor(interaction), reason),
            "retired",
        )

    @fact.command(
        name="restore", description="Bring a retired entry back into answers", extras=NOT_CHANGED
    )
    @app_commands.describe(entry="The retired entry", reason="Why, for the history")
    @app_commands.autocomplete(entry=_retired_choices)
    @moderators_only()
    async def restore(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        await self._change(
            interaction,
            self.bot.desk.set_retired(entry, False, actor(interaction), reason),
            "restored",
        )

    @fact.command(
        name="revert",
        description="Make an old revision current again (as a new revision)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(
        entry="The entry", revision="The revision to go back to (see /fact history)"
    )
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def revert(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        revision: app_commands.Range[int, 1],
    ) -> None:
        current = await self._entry(entry, include_retired=True)
        await self._change(
            interaction,
            self.bot.desk.revert(entry, revision, actor(interaction), current.revision),
            f"reverted to revision {revision}",
        )

    @fact.command(
        name="status",
        description="Mark an entry settled, debated or unresolved (with its positions)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(
        entry="The entry", status="Settled, or debated/unresolved (a form asks for two positions)"
    )
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def status(
        self, interaction: discord.Interaction[AskBot], entry: str, status: EntryStatus
    ) -> None:
        current = await self._entry(entry)
        if status is EntryStatus.SETTLED:
            await self._change(
                interaction,
                self.bot.desk.set_status(entry, status, [], actor(interaction), current.revision),
                "marked settled",
            )
        else:
            await interaction.response.send_modal(StatusModal(current, status))

    @fact.command(name="alias", description="Teach the bot another spelling of a name or term")
    @app_commands.describe(
        canonical="The usual form, e.g. Yezhov",
        variant="Another spelling, e.g. Jeschow",
        kind="What it names",
    )
    @moderators_only()
    async def alias(
        self,
        interaction: discord.Interaction[AskBot],
        canonical: app_commands.Range[str, 1, 100],
        variant: app_commands.Range[str, 1, 100],
        kind: Literal["person", "organisation", "place", "term"] = "person",
    ) -> None:
        group = await self.bot.desk.add_alias(canonical, variant, kind, actor(interaction))
        await interaction.response.send_message(
            f"'{embeds.escape(variant)}' now reads as '{embeds.escape(group.canonical)}' ({len(group.variants)} spellings).",
            ephemeral=True,
        )

    @fact.command(name="history", description="Who changed an entry, when, and what changed")
    @app_commands.describe(entry="The entry")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def history(self, interaction: discord.Interaction[AskBot], entry: str) -> None:
        revisions = await self.bot.desk.history(entry)
        await interaction.response.send_message(
            embed=history_embed(entry, revisions), ephemeral=True
        )

    async def _change(
        self, interaction: discord.Interaction[AskBot], change: Awaitable[Entry], done: str
    ) -> None:
        """Reply once a change is saved (the command's ``extras`` head a refusal)."""
        saved = await change
        await interaction.response.send_message(
            f"`{saved.id}` {done} (revision {saved.revision}).", ephemeral=True
        )

    @app_commands.command(name="review", description="Review members' suggestions (moderators)")
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def review(self, interaction: discord.Interaction[AskBot]) -> None:
        pending = await self.bot.desk.pending_proposals()
        if not pending:
            await interaction.response.send_message(
                "No suggestions are waiting. 🎉", ephemeral=True
            )
            return
        lines = "\n".join(
            f"#{p.id} · {embeds.escape(p.proposer_name)} · {embeds.escape(p.draft.question)}"
            for p in pending
        )
        await send_listing(
            interaction, f"{len(pending)} suggestion(s) waiting", lines, ReviewSelect(pending)
        )

    @app_commands.command(
        name="unanswered",
        description="The questions the fact base could not answer, most asked first (moderators)",
    )
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def unanswered(self, interaction: discord.Interaction[AskBot]) -> None:
        rows = await self.bot.desk.unanswered(limit=25)
        if not rows:
            await interaction.response.send_message(
                "No unanswered questions are waiting.", ephemeral=True
            )
            return
        lines = "\n".join(f"**{row.count}x** {embeds.escape(row.example)}" for row in rows)
        to_label = await self.bot.desk.queued(limit=25)
        await send_listing(
            interaction,
            "Unanswered questions",
            lines,
            UnansweredSelect(rows),
            *([LabelSelect(to_label)] if to_label else []),
        )

    @app_commands.command(
        name="stats",
        description="How the bot is doing: questions, answers, top entries (moderators)",
    )
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def stats(self, interaction: discord.Interaction[AskBot]) -> None:
        figures = await self.bot.desk.stats()
        embed = discord.Embed(title="askbot statistics", colour=embeds.COLOUR_ANSWER)
        embed.add_field(name="Questions asked", value=str(figures.asked))
        embed.add_field(name="Answered", value=str(figures.answered))
        embed.add_field(name="No match", value=str(figures.no_match))
        embed.add_field(name="Declined", value=str(figures.declined))
        forum = await self.bot.desk.forum_counts()
        embed.add_field(
            name="Forum posts",
            value=f"{forum.seen} seen: {forum.answered} answered, {forum.pointed} pointed,"
            f" {forum.declined} declined",
            inline=False,
        )
        top = (
            "\n".join(f"{count}x `{entry_id}`" for entry_id, count in figures.top_entries)
            or "none yet"
        )
        embed.add_field(
            name="Top entries", value=embeds.clip(top, embeds.FIELD_VALUE_LIMIT), inline=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)
