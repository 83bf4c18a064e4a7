"""The bot: the fact desk (the store, and the engine kept current), the cogs, one error handler
and one log line for every command. Changes to the fact base reach cogs as ``on_fact_change``."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from askbot.config import Settings
from askbot.desk import FactChange, FactDesk
from askbot.discord import errors, telemetry

log = logging.getLogger(__name__)

EXTENSIONS = (
    "askbot.discord.cogs.ask",
    "askbot.discord.sources",
    "askbot.discord.curate",
    "askbot.discord.learning",
    "askbot.discord.forum",
    "askbot.discord.heartbeat",
)

# Seconds to wait before each new login attempt while Discord cannot be reached; then give up.
LOGIN_RETRY_DELAYS: tuple[float, ...] = (1, 2, 4, 8, 16)
# What "cannot be reached" looks like: no connection, a timeout, or Discord's own 5xx outage.
UNREACHABLE = (aiohttp.ClientError, asyncio.TimeoutError, discord.DiscordServerError)


class DiscordUnreachable(Exception):
    """Discord could not be reached at login, however often askbot tried."""


class AskTree(app_commands.CommandTree["AskBot"]):
    """The command tree, which starts each command's clock for its log line and turns every
    failure into a reply (errors.handle) and the line's outcome."""

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        telemetry.start(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction[AskBot], error: app_commands.AppCommandError, /
    ) -> None:
        telemetry.finished(interaction, await errors.handle(interaction, error))


class AskBot(commands.Bot):
    """askbot on Discord. Needs no privileged intents: everything arrives as interactions, and new
    forum posts as thread events."""

    desk: FactDesk

    def __init__(self, settings: Settings) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # guild and role data for permission checks; new forum posts
        # Privileged, and never required: forum posts' first messages are then read, not only
        # their titles (the intent must also be enabled in the Developer Portal).
        intents.message_content = settings.message_content
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=AskTree,
        )
        self.settings = settings

    async def setup_hook(self) -> None:
        self.desk = await FactDesk.open(self.settings, live=True)
        self.desk.listen(self._fact_changed)
        for extension in EXTENSIONS:
            await self.load_extension(extension)

    def _fact_changed(self, change: FactChange) -> None:
        """Cogs hear of every change to the fact base as ``on_fact_change(change)``."""
        self.dispatch("fact_change", change)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[AskBot],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        telemetry.finished(interaction)

    async def close(self) -> None:
        await super().close()
        desk = getattr(self, "desk", None)  # None when setup_hook never ran or failed early
        if desk is not None:
            await desk.close()


async def logged_in(settings: Settings, token: str) -> AskBot:
    """A bot logged in (setup_hook done), trying again after each of LOGIN_RETRY_DELAYS while
    Discord cannot be reached. Each attempt is a new bot: a failed login leaves its HTTP session
    closed. Once logged in, discord.py reconnects to the gateway by itself, with backoff."""
    delays = iter(LOGIN_RETRY_DELAYS)
    attempts = 0
    while True:
        bot = AskBot(settings)
        attempts += 1
        try:
            await bot.login(token)
        except UNREACHABLE as exc:
            await bot.close()
            delay = next(delays, None)
            reason = str(exc) or type(exc).__name__
            if delay is None:
                raise DiscordUnreachable(
                    f"cannot reach Discord after {attempts} attempts over"
                    f" {sum(LOGIN_RETRY_DELAYS):g} s ({reason}): check the network and"
                    " https://discordstatus.com"
                ) from exc
            log.warning("cannot reach Discord (%s); trying again in %g s", reason, delay)
            await asyncio.sleep(delay)
        except BaseException:
            await bot.close()
            raise
        else:
            return bot


async def run(settings: Settings, token: str) -> None:
    """Run until Discord closes the connection or SIGINT/SIGTERM; then close bot and database."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        stopping = asyncio.create_task(stop.wait())
        login = asyncio.create_task(logged_in(settings, token))
        await asyncio.wait({login, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not login.done():  # a signal while logging in, or waiting to try again
            log.info("signal received: stopping before the bot connected")
            login.cancel()
            await asyncio.gather(login, return_exceptions=True)
            return
        bot = login.result()
        try:
            running = asyncio.create_task(bot.connect())
            done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping in done:
                log.info("signal received: closing the bot and the database")
                await bot.close()
            await running
        finally:
            if not bot.is_closed():  # connect() ended with an error it did not close for
                await bot.close()
    finally:
        stopping.cancel()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def sync_commands(settings: Settings, token: str, guild_id: int | None) -> list[str]:
    """Register the slash commands with Discord: globally, or in one guild (instant, for testing)."""
    bot = await logged_in(settings, token)  # setup_hook has loaded the cogs
    try:
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    except UNREACHABLE as exc:
        raise DiscordUnreachable(f"lost the connection to Discord while syncing ({exc})") from exc
    finally:
        await bot.close()
    return [command.name for command in synced]
