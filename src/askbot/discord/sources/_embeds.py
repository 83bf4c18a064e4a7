"""What /quote and /source info both show of a source."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from askbot.citations import MODERATOR_NOTE_LABEL
from askbot.discord import embeds


def add_source_notes(
    embed: discord.Embed, note: str, moderator_notes: Sequence[str], discrepancies: Sequence[str]
) -> None:
    """A source's criticism: the note, each moderator note labelled as coming from outside the
    source, then each discrepancy the curators found, as fields."""
    labelled = [
        ("About this source", note),
        *((MODERATOR_NOTE_LABEL, moderator_note) for moderator_note in moderator_notes),
        *(("⚠️ Discrepancy", discrepancy) for discrepancy in discrepancies),
    ]
    for name, value in labelled:
        embed.add_field(
            name=name,
            value=embeds.clip(embeds.escape(value), embeds.FIELD_VALUE_LIMIT),
            inline=False,
        )
