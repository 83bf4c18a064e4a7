"""Fixtures that run a real discord.py bot against the stand-in in ``fake_discord/``.

    async def test_something(running_bot):
        fake, bot = await running_bot(make_bot)      # make_bot() -> commands.Bot | discord.Client
        record = await fake.slash("ask", {"question": "Why did Stalin have Yagoda arrested?"})

At teardown the bot is closed, its ``start()`` task awaited, the stand-in stopped and the patched
discord.py attributes restored; the test then fails on an unclosed aiohttp session/connector, an
unretrieved task exception, an error logged by discord.py (mark the test
``@pytest.mark.allow_discord_errors`` when that is the point), a request to a route the stand-in does
not know (``@pytest.mark.allow_unknown_routes``) or an error inside the stand-in itself.

No ``__init__.py`` here on purpose: with one, pytest's default import mode would put ``tests/`` on
``sys.path`` and import this directory as the package ``discord``, shadowing discord.py. Without it,
pytest puts this directory on ``sys.path``, so test modules here ``from fake_discord import ...``.
"""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from fake_discord import FakeDiscord

from askbot.config import Settings
from askbot.discord.bot import AskBot

BotFactory = Callable[[], "discord.Client | Awaitable[discord.Client]"]
StartBot = Callable[..., Awaitable[tuple[FakeDiscord, Any]]]

# Tasks discord.py starts for interactions and events (see client.py, app_commands/tree.py, ui/).
HANDLER_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord.py: ",
)
LOOP_PROBLEMS = ("Unclosed", "Task exception was never retrieved", "Task was destroyed")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_discord_errors: the test expects discord.py to log errors"
    )
    config.addinivalue_line(
        "markers", "allow_unknown_routes: the test expects requests the stand-in does not serve"
    )


class _DiscordLogCapture(logging.Handler):
    """Feeds discord.py's WARNING+ log records to the stand-in (errors fail waits at once)."""

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__(level=logging.WARNING)
        self.fake = fake
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.fake.note_bot_log(record.levelno, self.format(record))


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started stand-in; configure it (users, roles, channels) before starting a bot."""
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def running_bot(
    fake_discord: FakeDiscord, request: pytest.FixtureRequest
) -> AsyncIterator[StartBot]:
    """``await running_bot(factory, token="fake-token", timeout=5.0)`` -> ``(fake, bot)``.

    Starts ``factory()``'s bot with ``bot.start(token)`` and returns once the guild is available
    in the bot's cache (GUILD_CREATE parsed; interactions work from then on), without waiting for
    on_ready, which discord.py delays by ``guild_ready_timeout`` (2 s) after the last guild.
    """
    fake = fake_discord
    loop = asyncio.get_running_loop()
    loop_problems: list[str] = []
    previous_handler = loop.get_exception_handler()

    def exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        details = ", ".join(f"{k}={v!r}" for k, v in context.items() if k != "message")
        loop_problems.append(f"{context.get('message')}: {details}")
        loop.default_exception_handler(context)

    loop.set_exception_handler(exception_handler)
    discord_logger = logging.getLogger("discord")
    log_capture = _DiscordLogCapture(fake)
    discord_logger.addHandler(log_capture)
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    started: list[tuple[Any, asyncio.Task[None]]] = []

    async def start(
        factory: BotFactory, *, token: str = fake.token, timeout: float = 5.0
    ) -> tuple[FakeDiscord, Any]:
        if started:
            raise RuntimeError("running_bot starts one bot per test")
        Route.BASE = fake.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        bot = factory()
        if inspect.isawaitable(bot):
            bot = await bot
        task = asyncio.create_task(bot.start(token), name="running_bot: bot.start")
        started.append((bot, task))
        try:
            await _wait_for_guild(fake, bot, task, timeout)
        except BaseException:
            # Report the start failure once, here; still close the bot's HTTP session.
            started.clear()
            await bot.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise
        return fake, bot

    try:
        yield start
    finally:
        try:
            if started:
                bot, task = started[0]
                await _let_handlers_finish(timeout=3.0)
                _cancel_pending_ready(bot)
                await bot.close()
                await asyncio.wait_for(task, timeout=10)
            await fake.stop()
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
            discord_logger.removeHandler(log_capture)
            gc.collect()  # unclosed sessions/connectors report from __del__
            await asyncio.sleep(0)
            loop.set_exception_handler(previous_handler)

    failures = [p for p in loop_problems if p.startswith(LOOP_PROBLEMS)]
    if fake.bot_errors and not request.node.get_closest_marker("allow_discord_errors"):
        failures.append("discord.py logged errors:\n" + "\n".join(fake.bot_errors))
    if fake.unknown_routes and not request.node.get_closest_marker("allow_unknown_routes"):
        failures.append(f"requests to routes the stand-in does not serve: {fake.unknown_routes}")
    if fake.server_errors:
        failures.append(f"the stand-in itself failed: {fake.server_errors}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


async def _wait_for_guild(fake: FakeDiscord, bot: Any, task: asyncio.Task[None], timeout: float):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        guild = bot.get_guild(fake.guild_id)
        if guild is not None and not guild.unavailable:
            return
        if task.done():
            task.result()  # raises the reason (LoginFailure, ...)
            raise AssertionError(
                f"bot.start() returned before the guild arrived{fake.diagnostics()}"
            )
        if loop.time() > deadline:
            raise AssertionError(f"the guild did not become available{fake.diagnostics()}")
        await asyncio.sleep(0.005)


@pytest.fixture
async def bot_and_fake(running_bot: StartBot, tmp_path: Path) -> tuple[FakeDiscord, AskBot]:
    """askbot itself, on a throwaway database filled from the bundled facts, against the stand-in."""
    return await running_bot(lambda: AskBot(Settings(_env_file=None, db=tmp_path / "bot.db")))


async def _let_handlers_finish(timeout: float) -> None:
    """Let command/view/modal/event handlers still running finish before the bot closes."""
    current = asyncio.current_task()
    pending = [
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and t.get_name().startswith(HANDLER_TASK_PREFIXES)
    ]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


def _cancel_pending_ready(bot: Any) -> None:
    # discord.py keeps a task that dispatches on_ready 2 s after the last GUILD_CREATE and does not
    # cancel it on close(); if it fired after close() it would fail on the closed client. This is
    # the one place the harness touches discord.py internals.
    state = getattr(bot, "_connection", None)
    ready_task = getattr(state, "_ready_task", None)
    if ready_task is not None and not ready_task.done():
        ready_task.cancel()
