"""`askbot run` and `sync`: the Discord bot."""

from __future__ import annotations

import argparse
import asyncio
import logging

from askbot.cli.base import EXIT_OK, EXIT_USAGE, MAX_SNOWFLAKE, CliError, Commands, whole_number
from askbot.config import ConfigError, Settings, unknown_variables

log = logging.getLogger(__name__)


def _token(settings: Settings) -> str:
    """The bot token, or a usage error; may read DISCORD_TOKEN_FILE (call it off the loop)."""
    try:
        token = settings.token
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    if token is None:
        raise CliError(
            "DISCORD_TOKEN is not set: put the bot token in the environment or in .env", EXIT_USAGE
        )
    return token


REJECTED_TOKEN = "Discord rejected DISCORD_TOKEN: check the token in the developer portal"


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = await asyncio.to_thread(_token, settings)
    import discord  # lazily: only the bot needs discord.py; `askbot ask` stays light

    from askbot.discord.bot import DiscordUnreachable, run

    for warning in unknown_variables():
        log.warning("%s", warning)
    try:
        await run(settings, token)
    except discord.LoginFailure as exc:  # configuration: exit 2, which the unit does not restart
        raise CliError(REJECTED_TOKEN, EXIT_USAGE) from exc
    except DiscordUnreachable as exc:  # exit 1: systemd and compose try again later
        raise CliError(str(exc)) from exc
    return EXIT_OK


async def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    token = await asyncio.to_thread(_token, settings)
    import discord

    from askbot.discord.bot import DiscordUnreachable, sync_commands

    guild = args.guild or settings.dev_guild
    try:
        names = await sync_commands(settings, token, guild)
    except discord.LoginFailure as exc:
        raise CliError(REJECTED_TOKEN, EXIT_USAGE) from exc
    except DiscordUnreachable as exc:
        raise CliError(str(exc)) from exc
    except discord.HTTPException as exc:
        raise CliError(f"Discord refused the command sync: {exc.status} {exc.text}") from exc
    where = (
        f"guild {guild}"
        if guild
        else "all guilds (global commands can take up to an hour to appear)"
    )
    print(f"synced {len(names)} commands to {where}: {', '.join(sorted(names))}")
    return EXIT_OK


def register(commands: Commands) -> None:
    run = commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=cmd_run, logs_everything=True)
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument(
        "--guild",
        type=whole_number(1, MAX_SNOWFLAKE),
        help="one guild id (default ASKBOT_DEV_GUILD; else global)",
    )
    sync.set_defaults(handler=cmd_sync)
