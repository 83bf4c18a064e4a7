"""Who may curate: one check, used by every curation command and every curation button.

Moderators are members with the Administrator permission, and members with one of
ASKBOT_MOD_ROLES (ids or names) or, when none is configured, the Manage Messages permission.
Administrators always count: a role list can never lock out the people who run the server.
Discord's ``default_permissions`` only hides commands in its client; the API does not enforce it,
so the bot checks every time.
"""

from __future__ import annotations

import discord
from discord import app_commands

from askbot.store import Actor

NOT_A_MODERATOR = "Only moderators can do this. You can suggest a change with `/fact suggest`."


class NotModerator(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__(NOT_A_MODERATOR)


def is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False  # curation happens in the community's guild, not in DMs
    if interaction.permissions.administrator:
        return True
    wanted = {role.casefold() for role in interaction.client.settings.mod_roles}  # type: ignore[attr-defined]
    if wanted:
        return any(
            str(role.id) in wanted or role.name.casefold() in wanted for role in member.roles
        )
    return interaction.permissions.manage_messages


def require_moderator(interaction: discord.Interaction) -> None:
    """For buttons, menus and modals, which app_commands checks do not cover."""
    if not is_moderator(interaction):
        raise NotModerator


def moderators_only() -> app_commands.check:  # type: ignore[valid-type]
    def predicate(interaction: discord.Interaction) -> bool:
        require_moderator(interaction)
        return True

    return app_commands.check(predicate)


def actor(interaction: discord.Interaction) -> Actor:
    """Who did it, as revisions and the audit log record it."""
    return Actor(name=str(interaction.user), id=str(interaction.user.id))
