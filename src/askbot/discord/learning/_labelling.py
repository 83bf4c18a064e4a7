"""Labelling a member's question from /misfires or /unanswered: which entry answers it, that
nothing does, that a forum rule applies, or that it is junk. Every verdict goes through the fact
desk and is told back privately."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from askbot.desk import PendingQuestion
from askbot.discord import embeds
from askbot.discord.autocomplete import AUTOCOMPLETE_LIMIT, require_live_entry
from askbot.discord.buttons import ModeratorButton
from askbot.discord.checks import ModeratorView, actor, moderator_check
from askbot.discord.curate._forms import FactModal  # a submodule: curate imports us too
from askbot.discord.errors import guarded

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

REF = r"[um]\d+\.[0-9a-f]+"
NOT_LABELLED = "Not labelled"


def question_embed(question: PendingQuestion) -> discord.Embed:
    got = (
        f"answered with `{question.got}`, flagged {question.count}x as not what was asked"
        if question.got
        else f"nothing answered it; asked {question.count}x"
    )
    embed = discord.Embed(
        title=embeds.clip(question.question, embeds.TITLE_LIMIT),
        description=got,
        colour=embeds.COLOUR_OPEN,
    )
    embed.set_footer(text=f"{question.ref} · `askbot label answer {question.ref} ENTRY` also works")
    return embed


def question_view(bot: AskBot, question: PendingQuestion) -> discord.ui.View:
    """The four verdicts; the entry picker offers what the engine finds for the question first."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        AnswerSelect(question.ref, bot.desk.label_candidates(question.question, AUTOCOMPLETE_LIMIT))
    )
    for button in (NoMatchButton, HypotheticalButton, RecentEventsButton, DismissButton):
        view.add_item(button(question.ref))
    return view


class LabelSelect(discord.ui.Select[ModeratorView]):
    """In a listing: open one question's verdicts."""

    def __init__(self, questions: list[PendingQuestion]) -> None:
        options = [
            discord.SelectOption(
                label=embeds.clip(q.question, 100),
                description=embeds.clip(
                    f"{q.count}x · got {q.got}" if q.got else f"{q.count}x", 100
                ),
                value=q.ref,
            )
            for q in questions[:25]
        ]
        super().__init__(placeholder="Label a question", options=options)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        question = await interaction.client.desk.pending(self.values[0])
        await interaction.response.send_message(
            embed=question_embed(question),
            view=question_view(interaction.client, question),
            ephemeral=True,
        )


class AnswerSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"askbot:label:answer:(?P<ref>{REF})"
):
    """ "Answered by…": the entry that answers the question (then: with or without adding the
    question as one of its phrasings)."""

    refused = NOT_LABELLED

    def __init__(self, ref: str, candidates: list[tuple[str, str]] | None = None) -> None:
        options = [
            discord.SelectOption(label=embeds.clip(question, 100), value=entry_id)
            for entry_id, question in (candidates or [])
        ] or [discord.SelectOption(label="(no live entries)", value="none")]
        super().__init__(
            discord.ui.Select(
                custom_id=f"askbot:label:answer:{ref}",
                placeholder="Answered by…",
                options=options[:25],
            )
        )
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[AskBot],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerSelect:
        return cls(match["ref"])

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        return await moderator_check(interaction)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        data: Mapping[str, object] = interaction.data or {}
        values = data.get("values")
        chosen = str(values[0]) if isinstance(values, list) and values else ""
        entry = require_live_entry(interaction.client, chosen)
        question = await interaction.client.desk.pending(self.ref)
        await interaction.response.send_message(
            f"Label “{embeds.escape(question.question)}” as answered by `{entry.id}`"
            f" ({embeds.escape(entry.question)})?",
            view=AnswerConfirmView(self.ref, entry.id),
            ephemeral=True,
        )


class AnswerConfirmView(ModeratorView):
    """Label with the chosen entry, and if the moderator says so add the question as one of its
    phrasings (a revision with an audit line)."""

    refused = NOT_LABELLED

    def __init__(self, ref: str, entry_id: str) -> None:
        super().__init__(timeout=15 * 60)
        self.ref, self.entry_id = ref, entry_id

    async def _label(self, interaction: discord.Interaction[AskBot], also_asked: bool) -> None:
        label, edited = await interaction.client.desk.label_answer(
            self.ref, self.entry_id, actor(interaction), also_asked=also_asked
        )
        text = f"Labelled “{embeds.escape(label.question)}”: `{label.expect}` answers it."
        if edited is not None:
            text += f" It is also a phrasing of `{edited.id}` now (revision {edited.revision})."
        elif also_asked:
            text += f" `{label.expect}` already had it as a phrasing."
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Label it", style=discord.ButtonStyle.primary)
    @guarded
    async def label_only(
        self, interaction: discord.Interaction[AskBot], button: discord.ui.Button[Any]
    ) -> None:
        await self._label(interaction, also_asked=False)

    @discord.ui.button(label="Label it and add as a phrasing", style=discord.ButtonStyle.success)
    @guarded
    async def label_and_phrase(
        self, interaction: discord.Interaction[AskBot], button: discord.ui.Button[Any]
    ) -> None:
        await self._label(interaction, also_asked=True)


class AddEntryView(ModeratorView):
    """After "Nothing answers it": the /fact add form, prefilled with the question."""

    def __init__(self, question: str) -> None:
        super().__init__(timeout=15 * 60)
        self.question = question

    @discord.ui.button(label="Add an entry for it…", style=discord.ButtonStyle.primary)
    @guarded
    async def add(
        self, interaction: discord.Interaction[AskBot], button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(FactModal("add", typed={"question": self.question}))


class NoMatchButton(ModeratorButton, key=REF):
    action, label = "label:none", "Nothing answers it"
    refused = NOT_LABELLED

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        label = await interaction.client.desk.label_none(self.key, actor(interaction))
        await interaction.response.send_message(
            f"Labelled “{embeds.escape(label.question)}”: nothing in the fact base answers it"
            " (no_match). Write an entry for it?",
            view=AddEntryView(label.question),
            ephemeral=True,
        )


class RuleButton(ModeratorButton):
    """A forum rule applies: the right reply declines with it."""

    rule: ClassVar[str]
    refused = NOT_LABELLED

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        label = await interaction.client.desk.label_rule(self.key, self.rule, actor(interaction))
        await interaction.response.send_message(
            f"Labelled “{embeds.escape(label.question)}”: the {label.expect} rule applies.",
            ephemeral=True,
        )


class HypotheticalButton(RuleButton, key=REF):
    action, label, rule = "label:hypothetical", "Rule: hypothetical", "hypothetical"


class RecentEventsButton(RuleButton, key=REF):
    action, label, rule = "label:recent-events", "Rule: 20-year", "recent-events"


class DismissButton(ModeratorButton, key=REF):
    action, label, style = "label:dismiss", "Dismiss", discord.ButtonStyle.danger
    refused = NOT_LABELLED

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        question = await interaction.client.desk.dismiss(self.key)
        await interaction.response.send_message(
            f"Dismissed “{embeds.escape(question.question)}”: gone from every queue, nothing"
            " of it is kept.",
            ephemeral=True,
        )


LABEL_ITEMS = (
    AnswerSelect,
    NoMatchButton,
    HypotheticalButton,
    RecentEventsButton,
    DismissButton,
)
