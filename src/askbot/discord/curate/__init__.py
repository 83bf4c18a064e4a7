"""Moderator curation from Discord: /fact ..., /review, /unanswered, /stats (commands in ``_commands``, forms in ``_forms``, the review UI in ``_review``, embeds in ``_embeds``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from askbot.discord.curate._commands import CurateCog
from askbot.discord.curate._forms import FactModal, StatusModal
from askbot.discord.curate._review import ApproveButton, RejectButton

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

__all__ = ["ApproveButton", "CurateCog", "FactModal", "RejectButton", "StatusModal", "setup"]

DYNAMIC_ITEMS = (ApproveButton, RejectButton)


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(CurateCog(bot))
