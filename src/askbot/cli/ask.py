"""`askbot ask`."""

from __future__ import annotations

import argparse
import shlex
import sys

from askbot.answering import Answer, no_match_message
from askbot.cli.base import EXIT_OK, Commands, with_desk
from askbot.desk import FactDesk


@with_desk
async def cmd_ask(args: argparse.Namespace, desk: FactDesk) -> int:
    answer = await desk.ask_once(" ".join(args.question), record=not args.no_record)
    if args.json:
        sys.stdout.write(answer.model_dump_json() + "\n")
    else:
        print(readable(answer))
    return EXIT_OK


def readable(answer: Answer) -> str:
    """The terminal's reply: which entry's question is answered, or the ways forward as commands."""
    if answer.status == "answered":
        top = answer.matches[0]
        heading = f"Answering: {top.question} [{top.id}, confidence {top.confidence:.2f}]"
        return f"{heading}\n\n{answer.message}"
    if answer.status == "no_match" and answer.suggestions:
        ways = [f"  askbot ask {shlex.quote(s.question)}   # {s.id}" for s in answer.suggestions]
        return "\n".join([no_match_message([]), "", "Close entries:", *ways])
    return answer.message


def register(commands: Commands) -> None:
    ask = commands.add_parser("ask", help="answer a question from the fact base")
    ask.add_argument("question", nargs="+", help="the question (quotes are optional)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "--no-record", action="store_true", help="do not add unanswered questions to the queue"
    )
    ask.set_defaults(handler=cmd_ask)
