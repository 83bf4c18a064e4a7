"""/ask, the "Ask askbot" message command, /help, and the buttons on answers.

Buttons and the suggestion menu are DynamicItems: what they act on is in their custom id (entry
id) or in the message they sit on (the question), so they keep working after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from askbot.answering import Answer, clean_question, queue_key
from askbot.discord import embeds, telemetry
from askbot.discord.buttons import KeyedButton
from askbot.discord.errors import UserFacingError, guarded
from askbot.rules import HYPOTHETICAL, RECENT

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

QUESTION_PREFIX = "Q: "
ZERO_WIDTH_SPACE = "\u200b"
ENTRY_ID = r"(?P<entry>[a-z0-9]+(?:-[a-z0-9]+)*)"


def ask_cooldown(interaction: discord.Interaction[AskBot]) -> app_commands.Cooldown:
    settings = interaction.client.settings
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


def question_on(message: discord.Message | None) -> str | None:
    """The question an answer message was for (kept in its embed's author line)."""
    if message is None or not message.embeds:
        return None
    author = (message.embeds[0].author.name or "").replace(
        ZERO_WIDTH_SPACE, ""
    )  # undo mention escaping
    return author.removeprefix(QUESTION_PREFIX) if author.startswith(QUESTION_PREFIX) else None


def answer_view(entry_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesButton(entry_id))
    view.add_item(AnsweredItButton(entry_id))
    view.add_item(NotWhatIAskedButton(entry_id))
    return view


def suggestions_view(answer: Answer) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SuggestionSelect(answer))
    return view


async def send_answer(
    interaction: discord.Interaction[AskBot], answer: Answer, *, asked_by: str | None = None
) -> None:
    """Answered: public, with buttons. No match: private, with suggestions. Declined: private."""
    telemetry.report(interaction, answer.status)
    if answer.status == "answered":
        embed = embeds.answer_embed(answer, asked_by=asked_by)
        await interaction.response.send_message(embed=embed, view=answer_view(answer.matches[0].id))
    elif answer.status == "no_match":
        view = suggestions_view(answer) if answer.suggestions else discord.utils.MISSING
        await interaction.response.send_message(
            embed=embeds.no_match_embed(answer), view=view, ephemeral=True
        )
    else:
        await interaction.response.send_message(embed=embeds.declined_embed(answer), ephemeral=True)


class SourcesButton(KeyedButton, key=ENTRY_ID):
    action, label = "sources", "Show sources"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        entry = bot.desk.live_entry(self.key)
        if entry is None:
            raise UserFacingError(
                "That entry has since been retired or removed; ask again for the current answer."
            )
        quotes = bot.desk.live_quotes(entry)
        await interaction.response.send_message(
            embed=embeds.citations_embed(entry, quotes), ephemeral=True
        )


async def acknowledge_feedback(
    interaction: discord.Interaction[AskBot],
    record: Callable[[str], Awaitable[bool]],
    thanks: str,
    already: str,
) -> None:
    """Count a member's verdict on an answer, once: acknowledged first, because the write may
    wait on a busy database past Discord's 3-second window for a reply."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    question = question_on(interaction.message)
    counted = True
    if question and queue_key(question):
        counted = await record(question)
    await interaction.followup.send(thanks if counted else already, ephemeral=True)


class NotWhatIAskedButton(KeyedButton, key=ENTRY_ID):
    action, label = "wrong", "Not what I asked"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        desk, member = interaction.client.desk, str(interaction.user.id)
        await acknowledge_feedback(
            interaction,
            lambda question: desk.record_misfire(
                queue_key(question), clean_question(question), self.key, member
            ),
            "Thanks: the moderators will see that this answer missed your question.",
            "You already told us this answer missed your question; it is counted once.",
        )


class AnsweredItButton(KeyedButton, key=ENTRY_ID):
    """A member's private "that answered it": counted once per member, question and answer."""

    action, label = "answered", "That answered it"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        desk, member = interaction.client.desk, str(interaction.user.id)
        await acknowledge_feedback(
            interaction,
            lambda question: desk.record_confirmation(queue_key(question), self.key, member),
            "Thanks: glad it answered your question.",
            "You already told us this answered your question; it is counted once.",
        )


class SuggestionSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"askbot:suggest"):
    def __init__(self, answer: Answer | None = None) -> None:
        options = [
            discord.SelectOption(label=embeds.clip(s.question, 100), value=s.id)
            for s in (answer.suggestions if answer else [])
        ] or [discord.SelectOption(label="(no suggestions)", value="none")]
        super().__init__(
            discord.ui.Select(
                custom_id="askbot:suggest", placeholder="Did you mean…", options=options
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[AskBot],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SuggestionSelect:
        return cls()

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        data: Mapping[str, object] = interaction.data or {}
        values = data.get("values")
        chosen = str(values[0]) if isinstance(values, list) and values else None
        question = question_on(interaction.message) or ""
        answer = bot.desk.answer_for(chosen, question) if chosen else None
        if answer is None or chosen is None:
            raise UserFacingError(
                "That suggestion is no longer in the fact base; please ask again."
            )
        await interaction.response.send_message(
            embed=embeds.answer_embed(answer), view=answer_view(chosen), ephemeral=True
        )


HELP_TEXT = (
    "I answer history questions from a **curated fact base**: every answer is written by our "
    "moderators in their own words and traces to verbatim quotes from real sources, with where they "
    "stand. When historians consider a question **unresolved or debated**, I say so first and show "
    "the positions and who holds them. When nothing fits, I say so and suggest close entries: I never "
    "guess or invent a citation."
)
HOW_TO_ASK = (
    "• Ask one thing at a time: *Why did Stalin have Yagoda arrested?*\n"
    "• Names in any spelling work: Yezhov, Ezhov, Jeschow.\n"
    "• Right-click a message → Apps → **Ask askbot** to ask about it.\n"
    "• `/cite entry:` shows an entry's full citations; `/sources` lists the documents."
)


class AskCog(commands.Cog):
    def __init__(self, bot: AskBot) -> None:
        self.bot = bot
        self.ask_message_menu = app_commands.ContextMenu(
            name="Ask askbot", callback=self.ask_message
        )
        bot.tree.add_command(self.ask_message_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_message_menu.name, type=self.ask_message_menu.type)

    @app_commands.command(
        name="ask", description="Ask a history question; I answer from sourced entries"
    )
    @app_commands.describe(question="Your question, e.g. Why did Stalin have Yagoda arrested?")
    @app_commands.checks.dynamic_cooldown(ask_cooldown)
    async def ask(
        self, interaction: discord.Interaction[AskBot], question: app_commands.Range[str, 1, 1000]
    ) -> None:
        await send_answer(interaction, self.bot.desk.ask(question))

    @app_commands.checks.dynamic_cooldown(ask_cooldown)
    async def ask_message(
        self, interaction: discord.Interaction[AskBot], message: discord.Message
    ) -> None:
        text = message.content.strip()
        if not text:
            raise UserFacingError("That message has no text I can ask about.")
        await send_answer(
            interaction, self.bot.desk.ask(text), asked_by=interaction.user.display_name
        )

    @app_commands.command(
        name="help", description="What askbot does, its rules, and how to ask well"
    )
    async def help(self, interaction: discord.Interaction[AskBot]) -> None:
        embed = discord.Embed(
            title="About askbot", description=HELP_TEXT, colour=embeds.COLOUR_ANSWER
        )
        embed.add_field(name="How to ask well", value=HOW_TO_ASK, inline=False)
        embed.add_field(
            name="Rule: no hypotheticals",
            value=f"{HYPOTHETICAL.text}\n*{HYPOTHETICAL.hint}*",
            inline=False,
        )
        embed.add_field(
            name="Rule: the 20-year rule", value=f"{RECENT.text}\n*{RECENT.hint}*", inline=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(SourcesButton, AnsweredItButton, NotWhatIAskedButton, SuggestionSelect)
    await bot.add_cog(AskCog(bot))
