"""Buttons that keep working after a restart: the custom id carries what they act on.

A subclass names its action, label and style, gives a template whose ``key`` group matches the
key (an entry id, a page, a suggestion number), and implements ``run``. Failures get the same
replies as commands (see errors.guarded).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord

from askbot.discord.errors import guarded


class KeyedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    action: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, key: str, *, label: str | None = None, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or self.label,
                style=self.style,
                custom_id=f"askbot:{self.action}:{key}",
                disabled=disabled,
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> KeyedButton:
        return cls(match["key"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        await self.run(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError
