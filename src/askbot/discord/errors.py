"""One place that turns failures into replies: specific for what a member caused, an apology else.

Every reply here is ephemeral, and nothing here raises: the bot keeps running whatever happens.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands

from askbot.discord import telemetry
from askbot.discord.embeds import escape
from askbot.errors import AskbotError, Refused

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again in a little while."

Callback = TypeVar("Callback", bound=Callable[..., Awaitable[Any]])


class UserFacingError(app_commands.AppCommandError):
    """A problem the member can fix; its text is shown to them as it is."""


async def reply_privately(interaction: discord.Interaction[AskBot], text: str) -> None:
    """An ephemeral reply, whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "could not send an error reply for interaction %s", interaction.id, exc_info=True
        )


def problems_text(error: Refused) -> str:
    """A refused change's fields at fault, one bullet each."""
    return "\n".join(f"• **{where}**: {escape(why)}" for where, why in error.problems)


def describe(error: Exception, refused: str | None = None) -> str | None:
    """The member-facing text for an error they caused, or None for our own failures.

    ``refused`` heads the list of problems of a refused change ("Not saved" ...)."""
    if isinstance(error, Refused):
        return f"{refused}:\n{problems_text(error)}" if refused else problems_text(error)
    if isinstance(error, AskbotError):
        return escape(str(error))
    if isinstance(error, app_commands.CommandOnCooldown):
        retry_at = int(time.time() + error.retry_after) + 1
        return f"You're asking quickly. Please try again <t:{retry_at}:R>."
    if isinstance(error, UserFacingError | app_commands.CheckFailure) and str(error):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r} for this option."
    return None


def _context(interaction: discord.Interaction[AskBot]) -> str:
    command = telemetry.command_name(interaction)
    return f"command={command!r} user={interaction.user.id} guild={interaction.guild_id} channel={interaction.channel_id}"


async def handle(
    interaction: discord.Interaction[AskBot], error: Exception, refused: str | None = None
) -> str:
    """Answer a failed interaction; log our own failures with their context. A command's
    ``extras["refused"]`` (or ``refused``, for components) heads a refused change's problems.

    The outcome, for the interaction log: ``refused`` (the member's doing) or ``error`` (ours).
    """
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    command = interaction.command
    if refused is None and isinstance(command, app_commands.Command):
        refused = command.extras.get("refused")
    text, outcome = describe(original, refused), "refused"
    if text is None:
        log.error("unexpected error (%s)", _context(interaction), exc_info=original)
        text, outcome = APOLOGY, "error"
    await reply_privately(interaction, text)
    return outcome


def guarded(callback: Callback) -> Callback:
    """For component and modal callbacks: the same handling as the command tree gives commands
    (a component's ``refused`` heads a refused change's problems)."""

    @functools.wraps(callback)
    async def wrapper(self: Any, interaction: discord.Interaction[AskBot], *args: Any) -> Any:
        try:
            return await callback(self, interaction, *args)
        except Exception as error:  # every failure gets a reply and a log line
            await handle(interaction, error, getattr(self, "refused", None))
            return None

    return cast(Callback, wrapper)  # functools.wraps keeps the callback's own signature
