"""The `askbot` program: the parser from every command group, and the one place errors become output."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from importlib.metadata import version

from askbot.cli import ask, bot, entries, facts, forum, learning, ops, review, sources
from askbot.cli.base import (
    EXIT_INVALID,
    EXIT_OUTPUT_CLOSED,
    EXIT_USAGE,
    CliError,
    Handler,
    Parser,
    _check_text_arguments,
)
from askbot.cli.ops import run_doctor
from askbot.config import ConfigError, load_settings
from askbot.desk import unusable
from askbot.errors import AskbotError, Refused
from askbot.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return _output_closed()


def _output_closed() -> int:
    """The reader went away (``askbot ... | head``): stop quietly, as well-behaved CLIs do, and
    point stdout at /dev/null so that Python's own flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test's capture)
        pass
    return EXIT_OUTPUT_CLOSED


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _check_text_arguments(args)
        if args.command == "doctor":
            return run_doctor()
        settings = load_settings()
    except AskbotError as exc:
        return failed(exc)
    # Commands print their results, so their logs show only warnings unless asked for; the bot's
    # log is all it prints, so it logs at the configured level (INFO by default).
    quiet = not args.logs_everything and "log_level" not in settings.model_fields_set
    configure_logging("WARNING" if quiet else settings.log_level, settings.log_format)
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args, settings))
    except AskbotError as exc:
        return failed(exc)
    except sqlite3.Error as exc:  # found while reading or writing, after the database opened
        return failed(unusable(settings.database_path, exc))
    except KeyboardInterrupt:
        return 130


def failed(error: AskbotError) -> int:
    """The one place an error becomes the CLI's output: one ``askbot: ...`` line (one per field
    for a refused change) on stderr, and the exit code."""
    if isinstance(error, Refused):
        for where, why in error.problems:
            print(f"askbot: {where}: {why}", file=sys.stderr)
        return EXIT_INVALID
    if isinstance(error, ConfigError):
        print(f"askbot: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"askbot: {error}", file=sys.stderr)
    return error.code if isinstance(error, CliError) else EXIT_INVALID


GROUPS = (
    ask,
    facts,
    entries,
    review,
    forum,
    learning,
    bot,
    sources,
    ops,
)  # in the order `askbot --help` lists


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="askbot", description="History answers from a curated, sourced fact base.")
    parser.add_argument("--version", action="version", version=f"askbot {version('askbot')}")
    parser.set_defaults(logs_everything=False)  # `run` logs all it does: its log is its output
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return parser
