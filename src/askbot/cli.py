"""``askbot``: the command-line adapter over the core. It never imports discord.py for fact work."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shlex
import sqlite3
import sys
from collections.abc import Callable, Coroutine
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn

from pydantic import TypeAdapter

from askbot.answering import (
    Answer,
    ListedEntry,
    ask,
    list_entries,
    load_engine,
    no_match_message,
)
from askbot.bootstrap import cli_actor, open_store
from askbot.citations import (
    MODERATOR_NOTE_LABEL,
    bibtex,
    cited_quotes,
    csl_json,
    plain,
    quote_report,
    sources_of,
)
from askbot.config import ConfigError, Settings, load_settings, unknown_variables
from askbot.curation import (
    CurationError,
    EditConflict,
    ImportConflict,
    add_entry,
    add_source,
    apply_import,
    approve,
    current_entry,
    edit_entry,
    find_suggestion,
    history,
    plan_import,
    reject,
    revert,
    review_suggestion,
    set_retired,
    stats,
)
from askbot.factfiles import (
    FactBaseInvalid,
    dump_fields,
    dump_yaml,
    load_entry_file,
    load_fact_base,
    parse_yaml,
    validate_model,
    write_fact_base,
)
from askbot.logs import configure_logging
from askbot.models import AliasFile, Entry, FactBase, Source
from askbot.ops import (
    HEARTBEAT_MAX_AGE,
    backup_database,
    check_database,
    doctor,
    gateway_health,
    migrate_database,
)
from askbot.paragraphs import split_paragraphs
from askbot.search import HIGHLIGHT, MAX_PAGE, search_sources
from askbot.store import EntryUnloadable, StoreError, unusable

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for `yes | head -1`
MAX_SQLITE_INTEGER = 2**63 - 1
MAX_SNOWFLAKE = 2**64 - 1

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class CliError(Exception):
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
TEXT_ARGUMENTS = ("question", "text", "id", "entry", "source", "reason")


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


# --- ask -----------------------------------------------------------------------------------------


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        engine = await load_engine(store)
        answer: Answer = await ask(
            engine, store, " ".join(args.question), record=not args.no_record
        )
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


# --- facts ---------------------------------------------------------------------------------------


def _invalid(exc: FactBaseInvalid, where: str) -> CliError:
    """Print every ``file:line`` problem; the returned CliError is the one-line verdict."""
    if [error.field for error in exc.errors] == ["(directory)"]:  # nothing inside was read
        return CliError(f"{exc.errors[0].file}: {exc.errors[0].why}; nothing was changed")
    for error in exc.errors:
        print(error, file=sys.stderr)
    return CliError(f"{len(exc.errors)} problem(s) in {where}; nothing was changed")


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
    async with await open_store(settings) as store:
        plan = plan_import(await store.load_fact_base(), incoming)
        for line in plan.details():
            print(line)
        if plan.problems:
            for problem in plan.problems:
                print(problem, file=sys.stderr)
            raise CliError(f"{len(plan.problems)} conflict(s); nothing was imported")
        if args.dry_run:
            print(f"dry run, would apply: {plan.summary()}")
            return EXIT_OK
        try:
            await apply_import(store, plan, cli_actor(), reason=f"import from {args.directory}")
        except (ImportConflict, StoreError) as exc:
            raise CliError(f"{exc}") from exc
    print(f"imported {args.directory}: {plan.summary()}")
    return EXIT_OK


async def cmd_facts_export(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        fact_base = await store.load_fact_base()
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


async def cmd_facts_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        listed = list_entries(await store.load_fact_base())
    if args.json:
        sys.stdout.write(TypeAdapter(list[ListedEntry]).dump_json(listed, indent=2).decode() + "\n")
        return EXIT_OK
    for entry in listed:
        flag = " [retired]" if entry.retired else ""
        print(f"{entry.id:40} {entry.status.value:10} {entry.question}{flag}")
    return EXIT_OK


async def cmd_facts_schema(args: argparse.Namespace, settings: Settings) -> int:
    schema = {
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


# --- fact: one entry at a time -------------------------------------------------------------------


def _entry_file(file: str) -> Entry:
    try:
        return load_entry_file(Path(file))
    except FactBaseInvalid as exc:
        raise _invalid(exc, file) from exc


async def cmd_fact_show(args: argparse.Namespace, settings: Settings) -> int:
    """An entry that no longer loads is printed as stored, with why, so it can be fixed."""
    async with await open_store(settings) as store:
        try:
            entry = await current_entry(store, args.id)
        except EntryUnloadable as unloadable:
            print(
                f"askbot: {unloadable.record}; fix it, then `askbot fact edit FILE`",
                file=sys.stderr,
            )
            sys.stdout.write(dump_fields(unloadable.record.fields))
            return EXIT_OK
    sys.stdout.write(dump_yaml(entry))
    return EXIT_OK


async def cmd_fact_add(args: argparse.Namespace, settings: Settings) -> int:
    entry = _entry_file(args.file)
    async with await open_store(settings) as store:
        stored = await add_entry(store, entry, cli_actor(), args.reason)
    print(f"added {stored.id} at revision {stored.revision}")
    return EXIT_OK


async def cmd_fact_edit(args: argparse.Namespace, settings: Settings) -> int:
    """The file's ``revision`` is the one its editor started from, so nobody's edit is lost."""
    entry = _entry_file(args.file)
    async with await open_store(settings) as store:
        try:
            stored = await edit_entry(store, entry, entry.revision, cli_actor(), args.reason)
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


async def cmd_fact_retire(args: argparse.Namespace, settings: Settings) -> int:
    """``retire`` and ``restore``: the parser sets ``args.retire``."""
    async with await open_store(settings) as store:
        stored = await set_retired(store, args.id, args.retire, cli_actor(), args.reason)
    verb = "retired" if stored.retired else "restored"
    print(f"{verb} {stored.id} at revision {stored.revision}")
    return EXIT_OK


async def cmd_fact_history(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        changes = await history(store, args.id)
    for change in changes:
        print(f"rev {change.revision}  {change.at}  {change.actor}  {change.reason or '-'}")
        for line in change.changes:
            print(f"    {line}")
    return EXIT_OK


async def cmd_fact_revert(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        base = await store.current_revision(args.id)
        if base is None:
            raise CurationError([("entry", f"no entry '{args.id}'")])
        stored = await revert(store, args.id, args.revision, cli_actor(), base, args.reason)
    if stored.revision == base:
        print(
            f"{stored.id}: no change (revision {base} has the content of revision {args.revision})"
        )
        return EXIT_OK
    print(
        f"{stored.id} is now at revision {stored.revision}, the content of revision {args.revision}"
    )
    return EXIT_OK


# --- review: members' suggestions ----------------------------------------------------------------


async def cmd_review_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        pending = await store.suggestions("pending", limit=args.limit)
    if not pending:
        print("no pending suggestions")
    for s in pending:
        print(
            f"#{s['id']}  {s['entry_id']}  {s['suggester_name']}  {s['created_at']}  {s['draft'].question}"
        )
    return EXIT_OK


async def cmd_review_show(args: argparse.Namespace, settings: Settings) -> int:
    """A suggestion with what it changes (each quote old -> new) and whether it still applies
    to the live entry, then the draft in full."""
    async with await open_store(settings) as store:
        suggestion = await find_suggestion(store, args.id)
        review = await review_suggestion(store, suggestion)
    draft: Entry = suggestion["draft"]
    base = suggestion["base_revision"]
    print(
        f"suggestion #{suggestion['id']} by {suggestion['suggester_name']} at"
        f" {suggestion['created_at']}: {suggestion['state']}"
    )
    if suggestion["decided_by"]:
        why = f": {suggestion['reason']}" if suggestion["reason"] else ""
        print(f"decided by {suggestion['decided_by']} at {suggestion['decided_at']}{why}")
    print(
        f"new entry {draft.id}"
        if base is None
        else f"edit of {draft.id} from revision {base} (now revision {review.onto_revision})"
    )
    for line in review.changes:
        print(f"    {line}")
    if suggestion["state"] == "pending":
        for where, why in review.conflicts:
            print(f"conflict: {where}: {why}")
        if review.rebased and not review.conflicts:
            print(
                f"applies to revision {review.onto_revision}: later revisions changed other fields"
            )
    print("---")
    sys.stdout.write(dump_yaml(draft))
    return EXIT_OK


async def cmd_review_approve(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        stored = await approve(store, args.id, cli_actor())
    print(f"approved #{args.id}: {stored.id} is live at revision {stored.revision}")
    return EXIT_OK


async def cmd_review_reject(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        rejected = await reject(store, args.id, cli_actor(), args.reason)
    print(f"rejected #{args.id} ({rejected['entry_id']})")
    return EXIT_OK


# --- how the bot is doing ------------------------------------------------------------------------


async def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        figures = await stats(store)
    for label, count in (
        ("asked", figures.asked),
        ("answered", figures.answered),
        ("no_match", figures.no_match),
        ("declined", figures.declined),
    ):
        print(f"{label:9} {count}")
    if figures.top_entries:
        print("top entries:")
    for entry_id, count in figures.top_entries:
        print(f"  {count:5}  {entry_id}")
    return EXIT_OK


async def cmd_unanswered(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        queued = await store.unanswered(limit=args.limit)
    if not queued:
        print("no unanswered questions")
    for row in queued:
        print(f"{row['count']:5}  {row['last_asked']}  {row['example']}")
    return EXIT_OK


# --- sources -------------------------------------------------------------------------------------


async def cmd_sources_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        sources = await store.sources()
    for source in sources:
        print(f"{source.id:40} {source.kind.value:10} {source.authors}: {source.csl.title}")
    return EXIT_OK


def _source_named(fact_base: FactBase, source_id: str) -> Source:
    source = next((s for s in fact_base.sources if s.id == source_id), None)
    if source is None:
        known = ", ".join(s.id for s in fact_base.sources)
        raise CliError(f"unknown source '{source_id}' (known: {known})")
    return source


async def cmd_sources_paragraphs(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        fact_base = await store.load_fact_base()
    source = _source_named(fact_base, args.source)
    for number, paragraph in enumerate(split_paragraphs(fact_base.texts[source.text_file]), 1):
        if source.covers(number):
            print(f"para. {number}\n{paragraph}\n")
    return EXIT_OK


async def cmd_sources_info(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        fact_base = await store.load_fact_base()
    source = _source_named(fact_base, args.source)
    citing = sorted(
        e.id
        for e in fact_base.entries
        if not e.retired and any(c.source == source.id for c in e.all_citations())
    )
    print(f"{source.id}: {source.authors}, {source.csl.title} ({source.date or 'n.d.'})")
    print(f"kind: {source.kind.value}\nnote: {source.note}")
    for moderator_note in source.moderator_notes:
        print(f"{MODERATOR_NOTE_LABEL}: {moderator_note}")
    for discrepancy in source.discrepancies:
        print(f"discrepancy: {discrepancy}")
    print(f"cited by {len(citing)} entries: {', '.join(citing)}")
    return EXIT_OK


async def cmd_sources_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        raw = await asyncio.to_thread(Path(args.file).read_bytes)
        meta = (await asyncio.to_thread(Path(args.meta).read_bytes)).decode(
            "utf-8", errors="replace"
        )
    except OSError as exc:
        raise CliError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    document, errors = parse_yaml(meta, args.meta)
    if document is not None and isinstance(document.data, dict):
        document.data.setdefault("text_file", "placeholder.txt")  # set from the id when stored
    source, model_errors = validate_model(Source, document) if document else (None, [])
    if errors or model_errors or source is None:
        raise _invalid(FactBaseInvalid(errors + model_errors), args.meta)
    async with await open_store(settings) as store:
        try:
            stored = await add_source(store, source, raw, cli_actor())
        except CurationError as exc:  # name the file at fault, as the rest of the CLI does
            named = [
                (args.file if where == "file" else f"{args.meta}: {where}", why)
                for where, why in exc.problems
            ]
            raise CurationError(named) from exc
        paragraphs = len(split_paragraphs((await store.load_fact_base()).texts[stored.text_file]))
    print(
        f"added source {stored.id} ({stored.kind.value}): {paragraphs} paragraphs, stored unedited"
    )
    return EXIT_OK


# --- citations -----------------------------------------------------------------------------------


async def cmd_cite(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        entry = await current_entry(store, args.entry)
        sources = {s.id: s for s in await store.sources()}
    if args.style == "csl-json":
        _print_json(csl_json(sources_of(entry, sources)))
    elif args.style == "bibtex":
        sys.stdout.write(bibtex(sources_of(entry, sources), sources))
    elif args.json:
        sys.stdout.write(cited_quotes(entry, sources).model_dump_json(indent=2) + "\n")
    else:
        cited = cited_quotes(entry, sources)
        for quote in cited.quotes:
            held = f", position held by {quote.held_by}" if quote.held_by else ""
            print(
                f'[{quote.number}] stored text, {quote.locator} ({quote.kind}{held})\n  "{quote.quote}"'
            )
            print(f"  Note: {plain(quote.note)}\n")
        print("Bibliography:")
        for item in cited.bibliography:
            print(f"  {plain(item)}")
    return EXIT_OK


async def cmd_quote(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        entry = await current_entry(store, args.entry)
        fact_base = await store.load_fact_base()
    report = quote_report(entry, args.number, {s.id: s for s in fact_base.sources}, fact_base.texts)
    if report is None:
        raise CliError(
            f"entry '{entry.id}' has {len(entry.all_citations())} citations; ask for 1 to {len(entry.all_citations())}"
        )
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    print(
        f'{report.author}, "{report.title}" ({report.date or "n.d."}) [{report.kind}], para. {report.paragraph}:\n'
    )
    print(f"{report.before}>>>{report.quote}<<<{report.after}\n")
    print(f"About this source: {report.note}")
    for moderator_note in report.moderator_notes:
        print(f"{MODERATOR_NOTE_LABEL}: {moderator_note}")
    for discrepancy in report.discrepancies:
        print(f"Discrepancy: {discrepancy}")
    return EXIT_OK


async def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    async with await open_store(settings) as store:
        # JSON keeps the Markdown highlight (as the bot shows it); the terminal gets plain text
        highlight = HIGHLIGHT if args.json else ""
        page = await search_sources(store, " ".join(args.text), args.page, highlight=highlight)
    if args.json:
        sys.stdout.write(page.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    if page.hint:
        print(page.hint)
        return EXIT_OK
    if page.page > page.pages:
        raise CliError(f"--page {page.page}: there are {page.pages} page(s) of results")
    print(f"{page.total} paragraph(s), page {page.page} of {page.pages}\n")
    for hit in page.hits:
        print(f"{hit.author}, {hit.title} [{hit.kind}], {hit.locator}:\n  {hit.snippet}\n")
    return EXIT_OK


# --- discord ---------------------------------------------------------------------------------------


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


# --- deploy and operate --------------------------------------------------------------------------


async def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    report = await backup_database(settings.database_path, Path(args.path), force=args.force)
    size = report.path.stat().st_size
    print(
        f"backed up {settings.database_path} to {report.path} ({size:,} bytes): {report.summary()}"
    )
    return EXIT_OK


async def cmd_db_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1, with the reason, when the database is unhealthy."""
    report = await check_database(settings.database_path)
    print(f"{report.path}: {report.summary()}")
    return EXIT_OK


async def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """The container's health check: the database is sound and the bot is connected to Discord
    (its gateway heartbeat is recent); exit 1, with the reason, otherwise."""
    report = await check_database(settings.database_path)
    gateway = await asyncio.to_thread(gateway_health, settings.database_path, args.max_age)
    print(f"{gateway}; {report.path}: {report.summary()}")
    return EXIT_OK


async def cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    before, after = await migrate_database(settings.database_path)
    path = settings.database_path
    if before == after:
        print(f"{path} is at schema version {after}: nothing to migrate")
    else:
        print(f"migrated {path} from schema version {before} to {after}")
    return EXIT_OK


def run_doctor() -> int:
    """``askbot doctor`` loads the settings itself: a bad configuration is one of its findings."""
    findings = asyncio.run(doctor())
    for finding in findings:
        verdict = f"problem: {finding.problem}" if finding.problem else f"ok - {finding.detail}"
        print(f"{finding.check}: {verdict}")
    return EXIT_INVALID if any(f.problem for f in findings) else EXIT_OK


def _add_ops_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="back up, check or migrate the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    backup = db_commands.add_parser(
        "backup", help="a consistent copy of the database, safe while the bot runs"
    )
    backup.add_argument("path", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=cmd_db_backup)
    db_commands.add_parser(
        "check", help="integrity, schema version and row counts; exit 1 when unhealthy"
    ).set_defaults(handler=cmd_db_check)
    db_commands.add_parser(
        "migrate", help="bring the database to this version's schema (every start does too)"
    ).set_defaults(handler=cmd_db_migrate)
    commands.add_parser(
        "doctor", help="check configuration, token, database and fact base; exit 1 on a problem"
    )
    health = commands.add_parser(
        "health", help="the bot is connected to Discord and the database is sound; else exit 1"
    )
    health.add_argument(
        "--max-age",
        type=whole_number(1, 86_400),
        default=HEARTBEAT_MAX_AGE,
        metavar="SECONDS",
        help=f"the oldest gateway heartbeat that passes (default {HEARTBEAT_MAX_AGE:g})",
    )
    health.set_defaults(handler=cmd_health)


# --- wiring --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="askbot", description="History answers from a curated, sourced fact base.")
    parser.add_argument("--version", action="version", version=f"askbot {version('askbot')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question from the fact base")
    ask.add_argument("question", nargs="+", help="the question (quotes are optional)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "--no-record", action="store_true", help="do not add unanswered questions to the queue"
    )
    ask.set_defaults(handler=cmd_ask)

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

    review = commands.add_parser("review", help="members' suggestions awaiting a moderator")
    review.set_defaults(handler=cmd_review_list, limit=25)
    review_commands = review.add_subparsers(dest="review_command", metavar="ACTION")
    pending = review_commands.add_parser("list", help="pending suggestions (the default)")
    pending.add_argument("--limit", type=whole_number(1, 10_000), default=25)
    pending.set_defaults(handler=cmd_review_list)
    for name, handler, help_ in (
        ("show", cmd_review_show, "a suggestion, its changes and its draft"),
        ("approve", cmd_review_approve, "put a suggestion live as a new revision"),
        ("reject", cmd_review_reject, "decline a suggestion, with a reason"),
    ):
        decide = review_commands.add_parser(name, help=help_)
        decide.add_argument("id", type=whole_number(1, MAX_SQLITE_INTEGER), metavar="N")
        decide.set_defaults(handler=handler)
        if name == "reject":
            decide.add_argument("--reason", required=True, help="told to the member")

    stats_ = commands.add_parser("stats", help="how questions were answered, top entries")
    stats_.set_defaults(handler=cmd_stats)
    unanswered = commands.add_parser("unanswered", help="the unanswered queue, most asked first")
    unanswered.add_argument("--limit", type=whole_number(1, 10_000), default=25)
    unanswered.set_defaults(handler=cmd_unanswered)

    run = commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=cmd_run)
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument(
        "--guild",
        type=whole_number(1, MAX_SNOWFLAKE),
        help="one guild id (default ASKBOT_DEV_GUILD; else global)",
    )
    sync.set_defaults(handler=cmd_sync)

    sources = commands.add_parser("sources", help="the source documents")
    sources_commands = sources.add_subparsers(
        dest="sources_command", required=True, metavar="ACTION"
    )
    sources_commands.add_parser("list", help="list sources").set_defaults(handler=cmd_sources_list)
    paragraphs = sources_commands.add_parser(
        "paragraphs", help="print a source's numbered paragraphs"
    )
    paragraphs.add_argument("source")
    paragraphs.set_defaults(handler=cmd_sources_paragraphs)
    info = sources_commands.add_parser(
        "info", help="a source's metadata, kind, notes and citing entries"
    )
    info.add_argument("source")
    info.set_defaults(handler=cmd_sources_info)
    add = sources_commands.add_parser(
        "add", help="store a new source text (UTF-8, unedited) with its metadata"
    )
    add.add_argument("file", help="the source text, UTF-8")
    add.add_argument("--meta", required=True, help="metadata YAML in the facts/sources format")
    add.set_defaults(handler=cmd_sources_add)

    cite = commands.add_parser(
        "cite", help="an entry's citations: Chicago notes and bibliography, CSL-JSON, BibTeX"
    )
    cite.add_argument("entry")
    cite.add_argument("--style", choices=["chicago", "csl-json", "bibtex"], default="chicago")
    cite.add_argument("--json", action="store_true", help="with chicago: the citations as JSON")
    cite.set_defaults(handler=cmd_cite)
    quote = commands.add_parser(
        "quote", help="a quoted passage in its paragraph, with the source's notes"
    )
    quote.add_argument("entry")
    quote.add_argument(
        "number",
        nargs="?",
        type=whole_number(1, 10_000),
        default=1,
        help="which citation (default 1)",
    )
    quote.add_argument("--json", action="store_true")
    quote.set_defaults(handler=cmd_quote)
    search = commands.add_parser("search", help="full-text search inside the source documents")
    search.add_argument(
        "text", nargs="+", help='words, "a phrase", or pref* (quote the phrase for the shell)'
    )
    search.add_argument("--page", type=whole_number(1, MAX_PAGE), default=1)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=cmd_search)
    _add_ops_commands(commands)
    return parser


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
    except CliError as exc:
        print(f"askbot: {exc}", file=sys.stderr)
        return exc.code
    if args.command == "doctor":
        return run_doctor()
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"askbot: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # Commands print their results, so their logs show only warnings unless asked for; the bot's
    # log is all it prints, so it logs at the configured level (INFO by default).
    quiet = args.handler is not cmd_run and "log_level" not in settings.model_fields_set
    configure_logging("WARNING" if quiet else settings.log_level, settings.log_format)
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args, settings))
    except CliError as exc:
        print(f"askbot: {exc}", file=sys.stderr)
        return exc.code
    except CurationError as exc:
        for where, why in exc.problems:
            print(f"askbot: {where}: {why}", file=sys.stderr)
        return EXIT_INVALID
    except (FactBaseInvalid, StoreError) as exc:
        print(f"askbot: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except sqlite3.Error as exc:  # found while reading or writing, after the database opened
        print(f"askbot: {unusable(settings.database_path, exc)}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
