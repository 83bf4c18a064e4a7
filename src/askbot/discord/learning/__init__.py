"""The learning loop from Discord: /misfires (and labelling from /unanswered), /quality,
/calibrate (commands in ``_commands``, the labelling actions in ``_labelling``, calibration's
Confirm and Revert in ``_calibrate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from askbot.discord.learning._calibrate import RevertCalibrationButton
from askbot.discord.learning._commands import LearningCog
from askbot.discord.learning._labelling import LABEL_ITEMS, LabelSelect

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

__all__ = ["LabelSelect", "LearningCog", "setup"]

DYNAMIC_ITEMS = (*LABEL_ITEMS, RevertCalibrationButton)


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(LearningCog(bot))
