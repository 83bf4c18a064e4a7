"""The bot: one store, the answer service over it (the engine, kept current), the cogs, one error
handler and one log line for every command."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord
from discord import app_commands
from discord.ext import commands

from askbot.answering import AnswerEngine
from askbot.bootstrap import open_store
from askbot.config import Settings
from askbot.discord import errors, telemetry
from askbot.service import AnswerService
from askbot.store import Store

log = logging.getLogger(__name__)

EXTENSIONS = (
    "askbot.discord.cogs.ask",
    "askbot.discord.cogs.sources",
    "askbot.discord.cogs.curate",
)


class AskTree(app_commands.CommandTree):
    """The command tree, which starts each command's clock for its log line."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        telemetry.start(interaction)
        return True


class AskBot(commands.Bot):
    """askbot on Discord. Needs no privileged intents: everything arrives as interactions."""

    store: Store
    answers: AnswerService

    def __init__(self, settings: Settings) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # guild and role data for permission checks
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=AskTree,
        )
        self.settings = settings

    async def setup_hook(self) -> None:
        self.store = await open_store(self.settings)
        self.answers = await AnswerService.start(self.store)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.tree.on_error = self.on_app_command_error

    @property
    def engine(self) -> AnswerEngine:
        return self.answers.engine

    async def after_change(self) -> None:
        """After a curation change: /ask sees it at once; the unanswered queue is re-checked in
        the background, so the moderator's reply never waits on it."""
        await self.answers.refresh()

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command | app_commands.ContextMenu,
    ) -> None:
        telemetry.finished(interaction)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        telemetry.finished(interaction, await errors.handle(interaction, error))

    async def close(self) -> None:
        await super().close()
        answers = getattr(self, "answers", None)
        if answers is not None:
            await answers.close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()


async def run(settings: Settings, token: str) -> None:
    """Run until Discord closes the connection or SIGINT/SIGTERM; then close bot and database."""
    bot = AskBot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token))
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping in done:
                log.info("signal received: closing the bot and the database")
                await bot.close()
            else:
                stopping.cancel()
            await running
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def sync_commands(settings: Settings, token: str, guild_id: int | None) -> list[str]:
    """Register the slash commands with Discord: globally, or in one guild (instant, for testing)."""
    bot = AskBot(settings)
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the cogs
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    return [command.name for command in synced]
