"""Search results as an embed, paged with DynamicItem buttons that carry the page number; the query is kept in the message's embed, so paging works after a restart too."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from askbot.discord import embeds
from askbot.discord.buttons import KeyedButton
from askbot.search import SearchPage

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


SEARCH_PREFIX = "Search: "


def search_embed(page: SearchPage) -> discord.Embed:
    embed = discord.Embed(
        title=f"{page.total} paragraph(s) in the sources", colour=embeds.COLOUR_ANSWER
    )
    embed.set_author(
        name=embeds.clip(
            SEARCH_PREFIX + discord.utils.escape_mentions(page.query), embeds.TITLE_LIMIT
        )
    )
    for hit in page.hits:
        embed.add_field(
            name=embeds.clip(f"{hit.author}, {hit.locator} [{hit.kind}]", embeds.FIELD_NAME_LIMIT),
            value=embeds.clip(
                f"*{embeds.escape(hit.title)}*\n{hit.snippet}", embeds.FIELD_VALUE_LIMIT
            ),
            inline=False,
        )
    embed.set_footer(text=f"page {page.page} of {max(page.pages, 1)} · best matches first (bm25)")
    return embeds.fit_total(embed, "search")


def search_view(page: SearchPage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        SearchPageButton(str(max(page.page - 1, 0)), label="◀ Previous", disabled=page.page <= 1)
    )
    view.add_item(
        SearchPageButton(str(page.page + 1), label="Next ▶", disabled=page.page >= page.pages)
    )
    return view


class SearchPageButton(KeyedButton):
    action, label = "search", "page"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        message = interaction.message
        author = (message.embeds[0].author.name or "") if message and message.embeds else ""
        query = author.removeprefix(SEARCH_PREFIX).replace("\u200b", "")
        page = await bot.desk.search(query, max(int(self.key), 1))
        await interaction.response.edit_message(embed=search_embed(page), view=search_view(page))
