"""Entry pickers for slash-command options: at most 25 choices, cheap, from the in-memory index."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from askbot.discord.embeds import clip, escape
from askbot.discord.errors import UserFacingError
from askbot.models import Entry

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

AUTOCOMPLETE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
TYPED_LIMIT = 200


def entry_choices(bot: AskBot, current: str) -> list[app_commands.Choice[str]]:
    """Live entries close to what has been typed, by question or id."""
    return [
        app_commands.Choice(name=clip(question, CHOICE_NAME_LIMIT), value=entry_id)
        for entry_id, question in bot.desk.find_entries(current[:TYPED_LIMIT], AUTOCOMPLETE_LIMIT)
    ]


def require_live_entry(bot: AskBot, entry_id: str) -> Entry:
    """The live entry a picker chose, or a clear error when the typed text names none."""
    entry = bot.desk.live_entry(entry_id)
    if entry is None:
        raise UserFacingError(
            f"There is no entry `{escape(entry_id[:80])}`; pick one from the list as you type."
        )
    return entry
