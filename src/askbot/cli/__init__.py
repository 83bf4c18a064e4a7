"""``askbot``: the command-line adapter over the fact desk. It never imports discord.py for fact
work. Each command group (``ask``, ``facts``, ``entries``, ``review``, ``bot``, ``sources``,
``ops``) registers its own parser next to its handlers; ``app`` puts them together."""

from askbot.cli.app import build_parser, failed, main
from askbot.cli.base import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CliError
from askbot.cli.bot import cmd_run, cmd_sync
from askbot.cli.ops import cmd_health

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "build_parser",
    "cmd_health",
    "cmd_run",
    "cmd_sync",
    "failed",
    "main",
]
