"""`askbot fact ...`: one entry at a time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from askbot.bootstrap import cli_actor
from askbot.cli.base import (
    EXIT_OK,
    MAX_SQLITE_INTEGER,
    CliError,
    Commands,
    _invalid,
    whole_number,
    with_desk,
)
from askbot.config import Settings
from askbot.curation import EditConflict
from askbot.desk import FactDesk
from askbot.errors import EntryUnloadable
from askbot.factfiles import FactBaseInvalid, dump_fields, dump_yaml, load_entry_file
from askbot.models import Entry


def _entry_file(file: str) -> Entry:
    try:
        return load_entry_file(Path(file))
    except FactBaseInvalid as exc:
        raise _invalid(exc, file) from exc


@with_desk
async def cmd_fact_show(args: argparse.Namespace, desk: FactDesk) -> int:
    """An entry that no longer loads is printed as stored, with why, so it can be fixed."""
    try:
        entry = await desk.current_entry(args.id)
    except EntryUnloadable as unloadable:
        print(f"askbot: {unloadable.record}; fix it, then `askbot fact edit FILE`", file=sys.stderr)
        sys.stdout.write(dump_fields(unloadable.record.fields))
        return EXIT_OK
    sys.stdout.write(dump_yaml(entry))
    return EXIT_OK


async def cmd_fact_add(args: argparse.Namespace, settings: Settings) -> int:
    entry = _entry_file(args.file)
    async with await FactDesk.open(settings) as desk:
        stored = await desk.add_entry(entry, cli_actor(), args.reason)
    print(f"added {stored.id} at revision {stored.revision}")
    return EXIT_OK


async def cmd_fact_edit(args: argparse.Namespace, settings: Settings) -> int:
    """The file's ``revision`` is the one its editor started from, so nobody's edit is lost."""
    entry = _entry_file(args.file)
    async with await FactDesk.open(settings) as desk:
        try:
            stored = await desk.edit_entry(entry, entry.revision, cli_actor(), args.reason)
        except EditConflict as exc:
            raise CliError(
                f"revision: changed by {exc.changed_by} at {exc.changed_at} (now revision"
                f" {exc.current_revision}); run `askbot fact show {entry.id}` and edit again"
            ) from exc
    if stored.revision == entry.revision:
        print(f"{stored.id}: no change (still at revision {stored.revision})")
    else:
        print(f"{stored.id} is now at revision {stored.revision}")
    return EXIT_OK


@with_desk
async def cmd_fact_retire(args: argparse.Namespace, desk: FactDesk) -> int:
    """``retire`` and ``restore``: the parser sets ``args.retire``."""
    stored = await desk.set_retired(args.id, args.retire, cli_actor(), args.reason)
    verb = "retired" if stored.retired else "restored"
    print(f"{verb} {stored.id} at revision {stored.revision}")
    return EXIT_OK


@with_desk
async def cmd_fact_history(args: argparse.Namespace, desk: FactDesk) -> int:
    changes = await desk.history(args.id)
    for change in changes:
        print(f"rev {change.revision}  {change.at}  {change.actor}  {change.reason or '-'}")
        for line in change.changes:
            print(f"    {line}")
    return EXIT_OK


@with_desk
async def cmd_fact_revert(args: argparse.Namespace, desk: FactDesk) -> int:
    base = await desk.current_revision(args.id)
    stored = await desk.revert(args.id, args.revision, cli_actor(), base, args.reason)
    if stored.revision == base:
        print(
            f"{stored.id}: no change (revision {base} has the content of revision {args.revision})"
        )
        return EXIT_OK
    print(
        f"{stored.id} is now at revision {stored.revision}, the content of revision {args.revision}"
    )
    return EXIT_OK


def register(commands: Commands) -> None:
    fact = commands.add_parser("fact", help="show, add, edit, retire or revert one entry")
    fact_commands = fact.add_subparsers(dest="fact_command", required=True, metavar="ACTION")
    show = fact_commands.add_parser("show", help="print an entry as YAML, to edit")
    show.add_argument("id")
    show.set_defaults(handler=cmd_fact_show)
    add = fact_commands.add_parser("add", help="add a new entry from a YAML file")
    add.add_argument("file")
    add.add_argument("--reason", help="why, for the history")
    add.set_defaults(handler=cmd_fact_add)
    edit = fact_commands.add_parser(
        "edit", help="save an edited entry file (from `fact show`) as the next revision"
    )
    edit.add_argument("file")
    edit.add_argument("--reason", help="why, for the history")
    edit.set_defaults(handler=cmd_fact_edit)
    for name, retire, help_ in (
        ("retire", True, "take an entry out of answers (its history stays)"),
        ("restore", False, "put a retired entry back into answers"),
    ):
        toggle = fact_commands.add_parser(name, help=help_)
        toggle.add_argument("id")
        toggle.add_argument("--reason", required=True, help="why, for the history")
        toggle.set_defaults(handler=cmd_fact_retire, retire=retire)
    history_ = fact_commands.add_parser("history", help="every revision of an entry, with diffs")
    history_.add_argument("id")
    history_.set_defaults(handler=cmd_fact_history)
    revert_ = fact_commands.add_parser(
        "revert", help="make an old revision's content current, as a new revision"
    )
    revert_.add_argument("id")
    revert_.add_argument("revision", type=whole_number(1, MAX_SQLITE_INTEGER))
    revert_.add_argument("--reason", help="why (default: revert to revision N)")
    revert_.set_defaults(handler=cmd_fact_revert)
