"""The gateway heartbeat: while the bot is connected to Discord it says so in a file beside the
database, every HEARTBEAT_SECONDS; ``askbot health`` (the container's health check) reads its age.
A bot that lost the gateway, or hangs, stops writing, and the check fails."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

from askbot.ops import HEARTBEAT_SECONDS, heartbeat_path, write_heartbeat

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

log = logging.getLogger(__name__)


class GatewayHeartbeat(commands.Cog):
    """Connected from the gateway's connect (or resume) to its disconnect; beats meanwhile."""

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot
        self.path = heartbeat_path(bot.settings.database_path)
        self.connected = False
        self.beat.start()

    async def cog_unload(self) -> None:
        self.beat.cancel()

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        self.connected = True
        await self.write()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self.connected = True
        await self.write()

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        self.connected = False

    @tasks.loop(seconds=HEARTBEAT_SECONDS)
    async def beat(self) -> None:
        if self.connected:
            await self.write()

    async def write(self) -> None:
        latency = self.bot.latency
        latency_ms = latency * 1000 if math.isfinite(latency) else None
        try:
            await asyncio.to_thread(write_heartbeat, self.path, latency_ms)
        except OSError as exc:  # the health check will say the bot is unhealthy; say why here
            log.warning("cannot write the heartbeat %s: %s", self.path, exc)


async def setup(bot: AskBot) -> None:
    await bot.add_cog(GatewayHeartbeat(bot))
