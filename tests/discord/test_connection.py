"""Reaching Discord: retries with backoff when it cannot be reached, one line when it never can,
and the gateway heartbeat that the container's health check reads."""

from __future__ import annotations

import argparse
import logging
import socket
from pathlib import Path

import pytest
from discord.http import Route
from fake_discord import FakeDiscord

from askbot.cli import EXIT_USAGE, CliError, cmd_run, cmd_sync
from askbot.config import Settings
from askbot.discord import bot as bot_module
from askbot.discord.bot import AskBot, sync_commands
from askbot.discord.heartbeat import GatewayHeartbeat
from askbot.ops import gateway_health, heartbeat_path


@pytest.fixture
def closed_port() -> str:
    """An API base on this machine where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v10"


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot_module, "LOGIN_RETRY_DELAYS", (0.01, 0.01))


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_unreachable_discord_is_retried_then_one_line(
    command: str,
    closed_port: str,
    quick_retries: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(Route, "BASE", closed_port)
    settings = Settings(_env_file=None, db=tmp_path / "x.db", discord_token="a.b.c")
    handler = cmd_run if command == "run" else cmd_sync
    with pytest.raises(CliError) as failed:
        await handler(argparse.Namespace(guild=None), settings)
    assert failed.value.code == 1  # not 2: the network may come back, so a restart may help
    message = str(failed.value)
    assert message.startswith("cannot reach Discord after 3 attempts over 0.02 s (Cannot connect")
    assert message.endswith("check the network and https://discordstatus.com")
    assert "\n" not in message
    retries = [r.getMessage() for r in caplog.records if r.name == "askbot.discord.bot"]
    assert len(retries) == 2 and all("trying again in 0.01 s" in r for r in retries)


async def test_login_is_retried_until_discord_answers(
    fake_discord: FakeDiscord,
    closed_port: str,
    quick_retries: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(Route, "BASE", closed_port)

    class DiscordComesBack(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "cannot reach Discord" in record.getMessage():
                Route.BASE = fake_discord.api_base  # the network is back for the next attempt

    comes_back = DiscordComesBack()
    logging.getLogger("askbot.discord.bot").addHandler(comes_back)
    try:
        settings = Settings(_env_file=None, db=tmp_path / "sync.db")
        names = await sync_commands(settings, fake_discord.token, fake_discord.guild_id)
    finally:
        logging.getLogger("askbot.discord.bot").removeHandler(comes_back)
    assert "ask" in names and fake_discord.sync_calls


async def test_a_rejected_token_is_a_configuration_error(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Exit 2, which the systemd unit does not restart (RestartPreventExitStatus=2)."""
    monkeypatch.setattr(Route, "BASE", fake_discord.api_base)
    settings = Settings(_env_file=None, db=tmp_path / "x.db", discord_token="wrong-token")
    with pytest.raises(CliError) as refused:
        await cmd_run(argparse.Namespace(), settings)
    assert refused.value.code == EXIT_USAGE


async def test_a_connected_bot_keeps_a_heartbeat_for_the_health_check(
    running_bot, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "bot.db")
    fake, bot = await running_bot(lambda: AskBot(settings))
    beat = heartbeat_path(settings.database_path)
    await fake.wait_until(beat.exists, timeout=5)
    assert gateway_health(settings.database_path).startswith("connected to Discord (heartbeat ")
    heartbeat: GatewayHeartbeat = bot.get_cog("GatewayHeartbeat")  # loaded as an extension
    assert heartbeat.connected
    bot.dispatch("disconnect")
    await fake.wait_until(lambda: not heartbeat.connected, timeout=5)
    beat.unlink()
    await heartbeat.beat.coro(heartbeat)  # the loop's next beat, while the gateway is gone
    assert not beat.exists()  # so the heartbeat ages and `askbot health` fails
