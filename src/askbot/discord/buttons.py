"""Buttons that keep working after a restart: the custom id carries what they act on.

A subclass names its action, label and style, says what its key looks like (``key=``: a
pattern; a number by default) and implements ``run``; its template is derived from the action,
once, here. Failures get the same replies as commands (see errors.guarded).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from askbot.discord.checks import moderator_check
from askbot.discord.errors import guarded

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

NUMBER = r"\d+"


class KeyedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    action: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary
    refused: ClassVar[str | None] = None  # heads a refused change's problems ("Not approved")

    def __init_subclass__(cls, *, key: str = NUMBER, **kwargs: Any) -> None:
        if "action" in cls.__dict__:  # a concrete button (a base such as ModeratorButton has none)
            kwargs["template"] = rf"askbot:{re.escape(cls.action)}:(?P<key>{key})"
        else:
            kwargs.setdefault("template", r"(?!)")
        super().__init_subclass__(**kwargs)

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
        cls,
        interaction: discord.Interaction[AskBot],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> KeyedButton:
        return cls(match["key"])

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        await self.run(interaction)

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        raise NotImplementedError


class ModeratorButton(KeyedButton):
    """A keyed button only moderators may press (see checks.is_moderator)."""

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        return await moderator_check(interaction)
