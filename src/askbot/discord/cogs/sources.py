"""/sources and /cite: the documents behind the answers, and an entry's citations in full."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from askbot.discord import embeds
from askbot.discord.autocomplete import entry_choices
from askbot.discord.errors import UserFacingError

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


class SourcesCog(commands.Cog):
    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="cite", description="An entry's citations in full: quotes, where they stand, sources"
    )
    @app_commands.describe(entry="Start typing a question or a name")
    async def cite(self, interaction: discord.Interaction, entry: str) -> None:
        view = self.bot.engine.entry_view(entry)
        if view is None:
            raise UserFacingError(
                f"There is no entry `{embeds.escape(entry[:80])}`; pick one from the list as you type."
            )
        await interaction.response.send_message(embed=embeds.citations_embed(view))

    @cite.autocomplete("entry")
    async def cite_entry(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    @app_commands.command(
        name="sources", description="The source documents behind the fact base, with their kind"
    )
    async def sources(self, interaction: discord.Interaction) -> None:
        fact_base = await self.bot.store.load_fact_base()
        cited_by = Counter(
            source_id
            for entry in fact_base.entries
            if not entry.retired
            for source_id in {c.source for c in entry.all_citations()}
        )
        await interaction.response.send_message(
            embed=embeds.sources_embed(fact_base.sources, dict(cited_by)), ephemeral=True
        )


async def setup(bot: AskBot) -> None:
    await bot.add_cog(SourcesCog(bot))
