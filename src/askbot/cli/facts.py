"""`askbot facts ...`: the whole fact base (validate, import, export, list, schema)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from askbot.answering import ListedEntry, list_entries
from askbot.bootstrap import cli_actor
from askbot.cli.base import EXIT_OK, CliError, Commands, _invalid, _print_json, with_desk
from askbot.config import Settings
from askbot.desk import FactDesk
from askbot.factfiles import FactBaseInvalid, load_fact_base, write_fact_base
from askbot.models import AliasFile, Entry, FactBase, Source


def _load_dir(directory: str) -> Any:
    try:
        return load_fact_base(Path(directory), shown=directory.rstrip("/") or directory)
    except FactBaseInvalid as exc:
        raise _invalid(exc, directory) from exc


async def cmd_facts_validate(args: argparse.Namespace, settings: Settings) -> int:
    fact_base = _load_dir(args.directory)
    quotes = sum(len(e.all_citations()) for e in fact_base.entries)
    aliases = (
        f"{len(fact_base.aliases)} alias groups" if fact_base.aliases_given else "no aliases.yaml"
    )
    print(
        f"{args.directory}: OK - {len(fact_base.sources)} sources, {len(fact_base.entries)} entries,"
        f" {quotes} quotes verified, {aliases}"
    )
    return EXIT_OK


async def cmd_facts_import(args: argparse.Namespace, settings: Settings) -> int:
    incoming = _load_dir(args.directory)
    async with await FactDesk.open(settings) as desk:
        plan = await desk.plan_import(incoming)
        for line in plan.details():
            print(line)
        if plan.problems:
            for problem in plan.problems:
                print(problem, file=sys.stderr)
            raise CliError(f"{len(plan.problems)} conflict(s); nothing was imported")
        if args.dry_run:
            print(f"dry run, would apply: {plan.summary()}")
            return EXIT_OK
        await desk.apply_import(plan, cli_actor(), reason=f"import from {args.directory}")
    print(f"imported {args.directory}: {plan.summary()}")
    return EXIT_OK


@with_desk
async def cmd_facts_export(args: argparse.Namespace, desk: FactDesk) -> int:
    fact_base = await desk.fact_base()
    written = await asyncio.to_thread(_export, fact_base, Path(args.directory))
    print(f"wrote {len(written)} files to {args.directory}")
    return EXIT_OK


def _export(fact_base: FactBase, target: Path) -> list[Path]:
    if target.exists() and not target.is_dir():
        raise CliError(
            f"{target} is a file: facts export writes a directory (sources/, entries/,"
            " aliases.yaml); nothing was written"
        )
    try:
        return write_fact_base(fact_base, target)
    except OSError as exc:
        raise CliError(
            f"cannot write {exc.filename}: {exc.strerror}; the export to {target} did not finish"
        ) from exc


@with_desk
async def cmd_facts_list(args: argparse.Namespace, desk: FactDesk) -> int:
    listed = list_entries(await desk.fact_base())
    if args.json:
        sys.stdout.write(TypeAdapter(list[ListedEntry]).dump_json(listed, indent=2).decode() + "\n")
        return EXIT_OK
    for entry in listed:
        flag = " [retired]" if entry.retired else ""
        print(f"{entry.id:40} {entry.status.value:10} {entry.question}{flag}")
    return EXIT_OK


async def cmd_facts_schema(args: argparse.Namespace, settings: Settings) -> int:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "askbot fact files",
        "description": "facts/entries/*.yaml are Entry, facts/sources/*.yaml are Source, facts/aliases.yaml is AliasFile.",
        "$defs": {},
    }
    for model in (Entry, Source, AliasFile):
        part = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        schema["$defs"].update(part.pop("$defs", {}))
        schema["$defs"][model.__name__] = part
    wanted = {"entry": "Entry", "source": "Source", "aliases": "AliasFile"}.get(args.kind)
    if wanted:
        schema["$ref"] = f"#/$defs/{wanted}"
    _print_json(schema)
    return EXIT_OK


def register(commands: Commands) -> None:
    facts = commands.add_parser("facts", help="validate, import, export and list the fact base")
    facts_commands = facts.add_subparsers(dest="facts_command", required=True, metavar="ACTION")
    validate = facts_commands.add_parser(
        "validate", help="check fact files; every problem as file:line"
    )
    validate.add_argument("directory", nargs="?", default="facts")
    validate.set_defaults(handler=cmd_facts_validate)
    import_ = facts_commands.add_parser(
        "import", help="validate, then load fact files in one transaction"
    )
    import_.add_argument("directory", nargs="?", default="facts")
    import_.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    import_.set_defaults(handler=cmd_facts_import)
    export = facts_commands.add_parser("export", help="write the database back as fact files")
    export.add_argument("directory")
    export.set_defaults(handler=cmd_facts_export)
    list_ = facts_commands.add_parser("list", help="list entries")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(handler=cmd_facts_list)
    schema = facts_commands.add_parser("schema", help="print the JSON Schema of the fact files")
    schema.add_argument(
        "kind", nargs="?", choices=["entry", "source", "aliases"], help="one file kind only"
    )
    schema.set_defaults(handler=cmd_facts_schema)
