"""/ask latency through the real discord.py client and the loopback stand-in for Discord.

    python bench/discord_latency.py

Measures injected INTERACTION_CREATE -> interaction callback received by the stand-in, for 200
sequential and 50 concurrent /ask (a mix of answered, no-match and declined questions).
Target: p99 < 150 ms at 50 concurrent.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

# The same loopback stand-in for Discord that the tests use.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "discord"))
from fake_discord import FakeDiscord

from askbot.config import Settings
from askbot.discord.bot import AskBot

QUESTIONS = [
    "Why was Yagoda arrested?",
    "did stalin plan the purges or did they snowball",
    "who was ezhov",
    "When was Yezhov arrested?",
    "What if Tukhachevsky had launched a coup?",
    "what was the white sea canal",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def timed(fake: FakeDiscord, index: int) -> float:
    started = time.perf_counter()
    await fake.slash("ask", {"question": QUESTIONS[index % len(QUESTIONS)]}, timeout=10)
    return (time.perf_counter() - started) * 1000


async def main() -> None:
    fake = FakeDiscord()
    await fake.start()
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    with tempfile.TemporaryDirectory() as tmp:
        bot = AskBot(
            Settings(_env_file=None, db=Path(tmp) / "bench.db", ask_cooldown_rate=1_000_000)
        )
        task = asyncio.create_task(bot.start(fake.token))
        try:
            await fake.wait_until(lambda: bot.get_guild(fake.guild_id) is not None, timeout=10)
            for i in range(20):  # warm up
                await timed(fake, i)
            sequential = [await timed(fake, i) for i in range(200)]
            concurrent = list(await asyncio.gather(*(timed(fake, i) for i in range(50))))
        finally:
            await bot.close()
            await task
            await fake.stop()
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    print(f"machine: {os.cpu_count()} cores; bot and stand-in share one event loop\n")
    for name, values in (("200 sequential", sequential), ("50 concurrent", concurrent)):
        print(
            f"{name:15} median {statistics.median(values):7.1f} ms   p99 {percentile(values, 99):7.1f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
