"""Who may curate: one check, used by every curation command and every curation button.

Moderators are members with the Administrator permission, and members with one of
ASKBOT_MOD_ROLES (ids or names) or, when none is configured, the Manage Messages permission.
Administrators always count: a role list can never lock out the people who run the server.
Discord's ``default_permissions`` only hides commands in its client; the API does not enforce it,
so the bot checks every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from askbot.desk import Actor
from askbot.discord import errors

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

T = TypeVar("T")
NOT_A_MODERATOR = "Only moderators can do this. You can suggest a change with `/fact suggest`."


class NotModerator(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__(NOT_A_MODERATOR)


def is_moderator(interaction: discord.Interaction[AskBot]) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False  # curation happens in the community's guild, not in DMs
    if interaction.permissions.administrator:
        return True
    wanted = {role.casefold() for role in interaction.client.settings.mod_roles}
    if wanted:
        return any(
            str(role.id) in wanted or role.name.casefold() in wanted for role in member.roles
        )
    return interaction.permissions.manage_messages


def moderators_only() -> Callable[[T], T]:
    """For commands: the app_commands check."""

    def predicate(interaction: discord.Interaction[AskBot]) -> bool:
        if not is_moderator(interaction):
            raise NotModerator
        return True

    return app_commands.check(predicate)


async def moderator_check(interaction: discord.Interaction[AskBot]) -> bool:
    """For buttons, menus and modals (their ``interaction_check``), which app_commands checks
    do not cover: a member who is not a moderator is told so, and the callback never runs."""
    if is_moderator(interaction):
        return True
    await errors.handle(interaction, NotModerator())
    return False


class ModeratorView(discord.ui.View):
    """A view whose every item is for moderators only."""

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        return await moderator_check(interaction)


class GuardedModal(discord.ui.Modal):
    """A modal whose failures get the commands' replies; ``refused`` heads a refused change's
    problems ("Not saved" ...)."""

    refused: str | None = None

    async def on_error(self, interaction: discord.Interaction[AskBot], error: Exception, /) -> None:
        await errors.handle(interaction, error, self.refused)


class ModeratorModal(GuardedModal):
    """A modal only moderators may submit; ``moderators_only`` False lets anyone (a proposal)."""

    moderators_only = True

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        return not self.moderators_only or await moderator_check(interaction)


def actor(interaction: discord.Interaction[AskBot]) -> Actor:
    """Who did it, as revisions and the audit log record it."""
    return Actor(name=str(interaction.user), id=str(interaction.user.id))
