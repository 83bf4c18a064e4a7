"""Checking the sources: /cite, /quote, /search, /source info|add, /sources (commands in ``_commands``, search pages in ``_search``, the add form's fields in ``_forms``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from askbot.discord.sources._commands import SourcesCog
from askbot.discord.sources._search import SearchPageButton

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

__all__ = ["SearchPageButton", "SourcesCog", "setup"]

DYNAMIC_ITEMS = (SearchPageButton,)


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(SourcesCog(bot))
