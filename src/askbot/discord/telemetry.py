"""One INFO line per application command: which, in which guild, how long it took, how it ended.

The bot's command tree starts the clock, commands may say how they ended (``/ask``: answered,
no_match or declined), and the bot writes the line when the command completes or fails (refused:
the member's doing, error: ours). Never the member's words: a question is theirs, not the log's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

log = logging.getLogger(__name__)

_STARTED, _OUTCOME = "askbot.started", "askbot.outcome"


def start(interaction: discord.Interaction[AskBot]) -> None:
    interaction.extras[_STARTED] = time.perf_counter()


def report(interaction: discord.Interaction[AskBot], outcome: str) -> None:
    """How a command ended, when it knows better than "ok"."""
    interaction.extras[_OUTCOME] = outcome


def command_name(interaction: discord.Interaction[AskBot]) -> str:
    if interaction.command is not None:
        return interaction.command.qualified_name
    data: Mapping[str, object] = interaction.data or {}
    return str(data.get("name", "?"))


def finished(interaction: discord.Interaction[AskBot], outcome: str | None = None) -> None:
    """Write the line; ``outcome`` (a failure's) wins over what the command reported."""
    fields = {
        "command": command_name(interaction),
        "guild": interaction.guild_id,
        "latency_ms": round((time.perf_counter() - interaction.extras[_STARTED]) * 1000, 1),
        "outcome": outcome or interaction.extras.get(_OUTCOME, "ok"),
    }
    log.info(
        "interaction command=%r guild=%s latency_ms=%s outcome=%s", *fields.values(), extra=fields
    )
