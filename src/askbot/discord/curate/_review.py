"""Reviewing members' proposals and the unanswered queue: the pickers, the approve and reject buttons, and the DM that tells the member."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from askbot.desk import Proposal, QueuedQuestion
from askbot.discord import embeds
from askbot.discord.buttons import ModeratorButton
from askbot.discord.checks import ModeratorModal, ModeratorView, actor
from askbot.discord.curate._embeds import suggestion_embed
from askbot.discord.curate._forms import FactModal
from askbot.discord.errors import UserFacingError, guarded

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


async def tell_proposer(bot: AskBot, proposal: Proposal, text: str) -> bool:
    """A DM to the member who proposed; False when Discord will not deliver it."""
    if not proposal.proposer_id:
        return False
    try:
        user = bot.get_user(int(proposal.proposer_id)) or await bot.fetch_user(
            int(proposal.proposer_id)
        )
        await user.send(text)
    except (discord.HTTPException, ValueError):
        return False
    return True


class RejectModal(ModeratorModal, title="Reject suggestion"):
    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Why (the member is told)", style=discord.TextStyle.paragraph, max_length=1000
    )

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(timeout=30 * 60)
        self.suggestion_id = suggestion_id

    async def on_submit(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        rejected = await bot.desk.reject(self.suggestion_id, actor(interaction), self.reason.value)
        told = await tell_proposer(
            bot,
            rejected,
            f"Your suggestion #{self.suggestion_id} was not accepted: {self.reason.value}",
        )
        await interaction.response.send_message(
            f"Rejected #{self.suggestion_id}."
            + ("" if told else " (The member could not be sent a DM.)"),
            ephemeral=True,
        )


class ApproveButton(ModeratorButton):
    action, label, style = "review:approve", "Approve", discord.ButtonStyle.success
    refused = "Not approved"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        number = int(self.key)
        proposal = await bot.desk.proposal(number)
        saved = await bot.desk.approve(number, actor(interaction))
        if proposal:
            await tell_proposer(
                bot,
                proposal,
                f"Your suggestion #{number} is live: `/cite entry:{saved.id}`. Thank you!",
            )
        await interaction.response.send_message(
            f"Approved #{number}: `{saved.id}` revision {saved.revision} is live.", ephemeral=True
        )


class RejectButton(ModeratorButton):
    action, label, style = "review:reject", "Reject…", discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        await interaction.response.send_modal(RejectModal(int(self.key)))


class ReviewSelect(discord.ui.Select[ModeratorView]):
    def __init__(self, proposals: list[Proposal]) -> None:
        options = [
            discord.SelectOption(
                label=embeds.clip(f"#{p.id} {p.draft.question}", 100), value=str(p.id)
            )
            for p in proposals[:25]
        ]
        super().__init__(placeholder="Open a suggestion", options=options)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        desk = interaction.client.desk
        proposal = await desk.proposal(int(self.values[0]))
        if proposal is None or proposal.state != "pending":
            raise UserFacingError("That suggestion has already been decided.")
        review = await desk.review(proposal)
        view = discord.ui.View(timeout=None)
        view.add_item(ApproveButton(str(proposal.id)))
        view.add_item(RejectButton(str(proposal.id)))
        await interaction.response.send_message(
            embed=suggestion_embed(review), view=view, ephemeral=True
        )


class UnansweredSelect(discord.ui.Select[ModeratorView]):
    def __init__(self, rows: list[QueuedQuestion]) -> None:
        self.rows = rows
        options = [
            discord.SelectOption(
                label=embeds.clip(row.example, 100), description=f"asked {row.count}x", value=str(i)
            )
            for i, row in enumerate(rows[:25])
        ]
        super().__init__(placeholder="Turn a question into an entry", options=options)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        question = self.rows[int(self.values[0])].example
        await interaction.response.send_modal(FactModal("add", typed={"question": question}))


async def send_listing(
    interaction: discord.Interaction[AskBot],
    title: str,
    lines: str,
    *pickers: discord.ui.Select[ModeratorView],
) -> None:
    """A private list for a moderator with menus to open one item."""
    view = ModeratorView(timeout=15 * 60)
    for picker in pickers:
        view.add_item(picker)
    embed = discord.Embed(
        title=title,
        description=embeds.clip(lines, embeds.DESCRIPTION_LIMIT),
        colour=embeds.COLOUR_OPEN,
    )
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
