"""/calibrate's before/after, its Confirm (the plan is kept in memory only until it is applied or
the view times out) and Revert."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from askbot.desk import StoredCalibration
from askbot.discord import embeds
from askbot.discord.buttons import ModeratorButton
from askbot.discord.checks import ModeratorView, actor
from askbot.discord.errors import UserFacingError, guarded
from askbot.learning.calibrate import CalibrationPlan
from askbot.learning.quality import figures_table

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


def plan_embed(plan: CalibrationPlan) -> discord.Embed:
    table = "\n".join(figures_table(plan.before, plan.after))
    embed = discord.Embed(
        title=f"Calibration: before and after, on {plan.held_out} held-out community labels",
        description=f"```\n{table}\n```answer threshold {plan.current.answer_threshold}"
        f" -> {plan.calibration.answer_threshold}",
        colour=embeds.COLOUR_DECLINED if plan.worse else embeds.COLOUR_ANSWER,
    )
    if plan.worse:
        embed.add_field(
            name="Refused",
            value=embeds.clip(
                f"worse on the held-out labels: {'; '.join(plan.worse)}; nothing can be applied.",
                embeds.FIELD_VALUE_LIMIT,
            ),
            inline=False,
        )
    else:
        embed.add_field(
            name="Not applied yet",
            value="**Confirm** answers with it from now on; **Revert** goes back afterwards.",
            inline=False,
        )
    embed.set_footer(
        text=f"refitted on {plan.trained_on} questions ({plan.community_trained} community labels)"
    )
    return embed


def reverted_text(reverted: StoredCalibration | None) -> str:
    """What a revert did, as ``askbot calibrate --revert`` says it."""
    if reverted is None:
        return "The shipped calibration is already the one answering; nothing was reverted."
    return (
        f"Reverted calibration #{reverted.id} (applied by {embeds.escape(reverted.applied_by)} at"
        f" {reverted.applied_at}); the one before it answers again."
    )


class ConfirmCalibrationView(ModeratorView):
    """Confirm applies the plan, once, if no other calibration was applied since it was made."""

    refused = "Not applied"

    def __init__(self, plan: CalibrationPlan, active_id: int | None) -> None:
        super().__init__(timeout=15 * 60)
        self.plan, self.active_id = plan, active_id

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    @guarded
    async def confirm(
        self, interaction: discord.Interaction[AskBot], button: discord.ui.Button[Any]
    ) -> None:
        desk = interaction.client.desk
        active = await desk.active_calibration()
        if (active.id if active else None) != self.active_id:
            raise UserFacingError(
                "Another calibration was applied or reverted since this one was made; nothing"
                " was applied. Run `/calibrate` again."
            )
        number = await desk.apply_calibration(self.plan, actor(interaction))
        self.stop()
        view = discord.ui.View(timeout=None)
        view.add_item(RevertCalibrationButton(str(number)))
        await interaction.response.edit_message(
            content=f"Applied as calibration #{number}: the bot answers with it now.", view=view
        )


class RevertCalibrationButton(ModeratorButton):
    """Revert the calibration the button was shown with, and only that one."""

    action, label, style = "calibration:revert", "Revert", discord.ButtonStyle.danger
    refused = "Not reverted"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        desk = interaction.client.desk
        active = await desk.active_calibration()
        if active is None or str(active.id) != self.key:
            raise UserFacingError(
                f"Calibration #{self.key} is no longer the one answering; nothing was reverted."
            )
        await interaction.response.send_message(
            reverted_text(await desk.revert_calibration(actor(interaction))), ephemeral=True
        )
