"""Forum post -> reply latency through the real discord.py client and the loopback stand-in.

    python bench/forum_latency.py

Measures THREAD_CREATE sent by the stand-in -> the bot's reply received in the thread, for 20
posts arriving at once (a mix of answered, pointed, declined and unrelated posts; unrelated ones
get the channel's welcome so that every post has a reply to time), over 5 rounds.
Target: p99 <= 300 ms at 20 posts at once.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "discord"))
from fake_forum import FakeForumDiscord

from askbot.config import Settings
from askbot.discord.bot import AskBot
from askbot.forum import ForumChannelSettings
from askbot.store import Actor

TITLES = [
    "Why did Stalin have Yagoda arrested?",
    "Why was Yagoda arrested?",
    "What if Tukhachevsky had launched a coup?",
    "How do I bake sourdough bread?",
    "who was ezhov",
]
AT_ONCE, ROUNDS = 20, 5


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def timed_post(fake: FakeForumDiscord, forum: int, title: str) -> float:
    thread = await fake.create_post(forum, title, dispatch=False)
    started = time.perf_counter()
    await fake.send_thread_create(thread)
    await fake.wait_until(lambda: bool(fake.thread_messages.get(thread)), timeout=10)
    return (time.perf_counter() - started) * 1000


async def main() -> None:
    fake = FakeForumDiscord()
    await fake.start()
    forum = await fake.add_forum("questions", tags=["answered", "needs rephrasing"])
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    with tempfile.TemporaryDirectory() as tmp:
        bot = AskBot(Settings(_env_file=None, db=Path(tmp) / "bench.db"))
        task = asyncio.create_task(bot.start(fake.token))
        try:
            await fake.wait_until(lambda: bot.get_guild(fake.guild_id) is not None, timeout=10)
            await bot.desk.save_forum_channel(
                ForumChannelSettings(
                    guild_id=fake.guild_id,
                    channel_id=forum,
                    answered_tag="answered",
                    rephrase_tag="needs rephrasing",
                    welcome="Welcome! A member will be along shortly.",
                ),
                Actor("bench"),
            )
            for title in TITLES:  # warm up
                await timed_post(fake, forum, title)
            latencies: list[float] = []
            for _ in range(ROUNDS):
                latencies += await asyncio.gather(
                    *(timed_post(fake, forum, TITLES[i % len(TITLES)]) for i in range(AT_ONCE))
                )
        finally:
            await bot.close()
            await task
            await fake.stop()
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    print(f"machine: {os.cpu_count()} cores; bot and stand-in share one event loop\n")
    print(
        f"{AT_ONCE} posts at once x {ROUNDS}: median {statistics.median(latencies):6.1f} ms"
        f"   p99 {percentile(latencies, 99):6.1f} ms   max {max(latencies):6.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
