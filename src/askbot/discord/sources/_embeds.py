"""What /quote and /source info both show of a source."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from askbot.discord import embeds


def add_source_notes(embed: discord.Embed, note: str, discrepancies: Sequence[str]) -> None:
    """The source criticism, then each discrepancy the curators found, as fields."""
    embed.add_field(
        name="About this source",
        value=embeds.clip(embeds.escape(note), embeds.FIELD_VALUE_LIMIT),
        inline=False,
    )
    for discrepancy in discrepancies:
        embed.add_field(
            name="⚠️ Discrepancy",
            value=embeds.clip(embeds.escape(discrepancy), embeds.FIELD_VALUE_LIMIT),
            inline=False,
        )
