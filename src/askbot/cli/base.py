"""What every command shares: exit codes, the one-line error, argument types, and the decorator that opens the fact desk."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeAlias

from askbot.config import Settings
from askbot.desk import FactDesk
from askbot.errors import AskbotError
from askbot.factfiles import FactBaseInvalid

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for `yes | head -1`


MAX_SQLITE_INTEGER = 2**63 - 1


MAX_SNOWFLAKE = 2**64 - 1


Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class CliError(AskbotError):
    """A failure the user can fix; printed as one line, exit code attached."""

    def __init__(self, message: str, code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.code = code


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, so that nothing out of range
    reaches SQLite (whose integers are 64-bit) or Discord."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]} is out of range ({low} to {high:,})")
        return value

    return parse


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one ``askbot: ...`` line (exit 2) like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"askbot: {message} (see `{self.prog} --help`)\n")


# Text arguments that reach the database or JSON: both need valid UTF-8.
TEXT_ARGUMENTS = (
    "question",
    "text",
    "id",
    "entry",
    "source",
    "reason",
    "welcome",
    "answered_tag",
    "rephrase_tag",
)


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Python keeps bytes that are not UTF-8 in ``argv`` as lone surrogates, which SQLite and JSON
    refuse: say which argument holds them, before anything is read or written."""
    for name in TEXT_ARGUMENTS:
        value = getattr(args, name, None)
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                byte = text[exc.start].encode("utf-8", "surrogateescape").hex()
                raise CliError(
                    f"{name}: not valid UTF-8 (byte 0x{byte}); check the encoding of the terminal"
                    " or script that typed it"
                ) from exc


def _invalid(exc: FactBaseInvalid, where: str) -> CliError:
    """Print every ``file:line`` problem; the returned CliError is the one-line verdict."""
    if [error.field for error in exc.errors] == ["(directory)"]:  # nothing inside was read
        return CliError(f"{exc.errors[0].file}: {exc.errors[0].why}; nothing was changed")
    for error in exc.errors:
        print(error, file=sys.stderr)
    return CliError(f"{len(exc.errors)} problem(s) in {where}; nothing was changed")


Commands: TypeAlias = "argparse._SubParsersAction[Parser]"  # what a command group adds to
DeskHandler = Callable[[argparse.Namespace, FactDesk], Coroutine[Any, Any, int]]


def with_desk(handler: DeskHandler) -> Handler:
    """A command that works on the fact base: it gets the fact desk, opened for it and closed
    after it, however it ends."""

    @functools.wraps(handler)
    async def opened(args: argparse.Namespace, settings: Settings) -> int:
        async with await FactDesk.open(settings) as desk:
            return await handler(args, desk)

    return opened
