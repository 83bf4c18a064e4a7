"""`askbot forum ...`: the forum channels the bot replies in, as `/askbot forum` sets them up.

The CLI knows no Discord: channels and guilds are given by id, and tag names are checked against
the forum's tags by the bot when it applies them (a missing one shows in `askbot forum list`).
"""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from askbot.bootstrap import cli_actor
from askbot.cli.base import EXIT_OK, MAX_SQLITE_INTEGER, Commands, whole_number, with_desk
from askbot.desk import FactDesk
from askbot.errors import Refused
from askbot.forum import FORUM_MODES, ForumChannelSettings

SNOWFLAKE = whole_number(1, MAX_SQLITE_INTEGER)


@with_desk
async def cmd_forum_add(args: argparse.Namespace, desk: FactDesk) -> int:
    try:
        settings = ForumChannelSettings(
            guild_id=args.guild,
            channel_id=args.channel,
            mode=args.mode,
            answered_tag=args.answered_tag,
            rephrase_tag=args.rephrase_tag,
            welcome=args.welcome,
        )
    except ValidationError as exc:
        raise Refused([(str(e["loc"][0]), e["msg"]) for e in exc.errors()]) from exc
    new = await desk.save_forum_channel(settings, cli_actor())
    print(f"{'added' if new else 'updated'} forum channel {args.channel} ({args.mode})")
    return EXIT_OK


@with_desk
async def cmd_forum_remove(args: argparse.Namespace, desk: FactDesk) -> int:
    if not await desk.remove_forum_channel(args.channel):
        raise Refused([("channel", f"{args.channel} is not set up; nothing changed")])
    print(f"removed forum channel {args.channel}")
    return EXIT_OK


@with_desk
async def cmd_forum_list(args: argparse.Namespace, desk: FactDesk) -> int:
    channels = await desk.forum_channels(args.guild)
    if not channels:
        print("no forum channels are set up")
    for channel in channels:
        tags = ", ".join(
            f"{label}={name!r}"
            for label, name in (
                ("answered", channel.answered_tag),
                ("rephrase", channel.rephrase_tag),
            )
            if name
        )
        line = f"{channel.channel_id}  guild {channel.guild_id}  {channel.mode}"
        print(line + (f"  tags: {tags}" if tags else ""))
        if channel.welcome:
            print(f"    welcome: {channel.welcome}")
        if channel.problem:
            print(f"    problem: {channel.problem} (since {channel.problem_at})")
    return EXIT_OK


def register(commands: Commands) -> None:
    forum = commands.add_parser("forum", help="forum channels where the bot replies to new posts")
    actions = forum.add_subparsers(dest="forum_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="reply to every new post in a forum channel")
    add.add_argument("channel", type=SNOWFLAKE, metavar="CHANNEL_ID")
    add.add_argument("--guild", type=SNOWFLAKE, required=True, metavar="GUILD_ID")
    add.add_argument("--mode", choices=FORUM_MODES, default="answer")
    add.add_argument("--answered-tag", metavar="NAME", help="forum tag for answered posts")
    add.add_argument("--rephrase-tag", metavar="NAME", help="forum tag for posts breaking a rule")
    add.add_argument("--welcome", metavar="TEXT", help="one line when nothing is related")
    add.set_defaults(handler=cmd_forum_add)
    remove = actions.add_parser("remove", help="stop replying in a forum channel")
    remove.add_argument("channel", type=SNOWFLAKE, metavar="CHANNEL_ID")
    remove.set_defaults(handler=cmd_forum_remove)
    listing = actions.add_parser("list", help="the channels set up, their options and problems")
    listing.add_argument("--guild", type=SNOWFLAKE, metavar="GUILD_ID")
    listing.set_defaults(handler=cmd_forum_list)
