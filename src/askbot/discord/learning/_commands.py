"""/misfires, /quality and /calibrate: the moderators' side of the learning loop in Discord,
the same operations as ``askbot label``, ``askbot quality`` and ``askbot calibrate``."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from askbot.discord import embeds
from askbot.discord.checks import actor, moderators_only
from askbot.discord.curate._review import send_listing
from askbot.discord.learning._calibrate import (
    ConfirmCalibrationView,
    plan_embed,
    reverted_text,
)
from askbot.discord.learning._labelling import LabelSelect
from askbot.learning.chart import ChartNotInstalled, quality_chart
from askbot.learning.quality import describe

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

CHART_FILE = "quality.png"


class LearningCog(commands.Cog):
    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="misfires",
        description="Questions members flagged as not what they asked, most flagged first (moderators)",
    )
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def misfires(self, interaction: discord.Interaction[AskBot]) -> None:
        rows = await self.bot.desk.misfires(limit=25)
        if not rows:
            await interaction.response.send_message(
                "No flagged answers are waiting.", ephemeral=True
            )
            return
        lines = "\n".join(
            f"**{row.count}x** {embeds.escape(row.question)} → `{row.got}`" for row in rows
        )
        await send_listing(interaction, "Answers members said missed", lines, LabelSelect(rows))

    @app_commands.command(
        name="quality",
        description="How the bot does on the community's labelled questions (moderators)",
    )
    @app_commands.describe(chart="Attach a chart of members' weekly verdicts")
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def quality(self, interaction: discord.Interaction[AskBot], chart: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        quality = await self.bot.desk.quality()
        text = "\n".join(describe(quality))
        embed = discord.Embed(
            title="askbot on the community's questions",
            description=embeds.clip(f"```\n{text}\n```", embeds.DESCRIPTION_LIMIT),
            colour=embeds.COLOUR_ANSWER,
        )
        if not chart:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        try:
            png = await asyncio.to_thread(quality_chart, quality)
        except ChartNotInstalled as missing:
            await interaction.followup.send(
                content=f"No chart: {missing}.", embed=embed, ephemeral=True
            )
            return
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(png), CHART_FILE), ephemeral=True
        )

    @app_commands.command(
        name="calibrate",
        description="Refit the answerability model on the community's labels (moderators)",
    )
    @app_commands.describe(revert="Go back to the calibration before the current one")
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def calibrate(
        self, interaction: discord.Interaction[AskBot], revert: bool = False
    ) -> None:
        desk = self.bot.desk
        if revert:
            reverted = await desk.revert_calibration(actor(interaction))
            await interaction.response.send_message(reverted_text(reverted), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        active = await desk.active_calibration()
        plan = await desk.plan_calibration()  # the fit runs in a worker thread
        if plan.worse:
            await interaction.followup.send(embed=plan_embed(plan), ephemeral=True)
            return
        view = ConfirmCalibrationView(plan, active.id if active else None)
        await interaction.followup.send(embed=plan_embed(plan), view=view, ephemeral=True)
