"""`askbot sources ...`, `cite`, `quote` and `search`: the source documents."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from askbot.bootstrap import cli_actor
from askbot.citations import (
    MODERATOR_NOTE_LABEL,
    bibtex,
    cited_quotes,
    csl_json,
    plain,
    quote_report,
    sources_of,
)
from askbot.cli.base import (
    EXIT_OK,
    CliError,
    Commands,
    _invalid,
    _print_json,
    whole_number,
    with_desk,
)
from askbot.config import Settings
from askbot.desk import FactDesk
from askbot.errors import Refused
from askbot.factfiles import FactBaseInvalid, parse_yaml, validate_model
from askbot.models import Source
from askbot.paragraphs import split_paragraphs
from askbot.search import HIGHLIGHT, MAX_PAGE


@with_desk
async def cmd_sources_list(args: argparse.Namespace, desk: FactDesk) -> int:
    sources = await desk.sources()
    for source in sources.values():
        print(f"{source.id:40} {source.kind.value:10} {source.authors}: {source.csl.title}")
    return EXIT_OK


def _source_named(sources: dict[str, Source], source_id: str) -> Source:
    source = sources.get(source_id)
    if source is None:
        known = ", ".join(sources)
        raise CliError(f"unknown source '{source_id}' (known: {known})")
    return source


@with_desk
async def cmd_sources_paragraphs(args: argparse.Namespace, desk: FactDesk) -> int:
    fact_base = await desk.fact_base()
    source = _source_named({s.id: s for s in fact_base.sources}, args.source)
    for number, paragraph in enumerate(split_paragraphs(fact_base.texts[source.text_file]), 1):
        if source.covers(number):
            print(f"para. {number}\n{paragraph}\n")
    return EXIT_OK


def _print_criticism(moderator_notes: Sequence[str], discrepancies: Sequence[str]) -> None:
    """What the curators add to a source: moderator notes (labelled), then discrepancies."""
    for moderator_note in moderator_notes:
        print(f"{MODERATOR_NOTE_LABEL}: {moderator_note}")
    for discrepancy in discrepancies:
        print(f"Discrepancy: {discrepancy}")


@with_desk
async def cmd_sources_info(args: argparse.Namespace, desk: FactDesk) -> int:
    source = _source_named(await desk.sources(), args.source)
    citing = await desk.cited_by(source.id)
    print(f"{source.id}: {source.authors}, {source.csl.title} ({source.date or 'n.d.'})")
    print(f"kind: {source.kind.value}\nnote: {source.note}")
    _print_criticism(source.moderator_notes, source.discrepancies)
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
    async with await FactDesk.open(settings) as desk:
        try:
            stored = await desk.add_source(source, raw, cli_actor())
        except Refused as exc:  # name the file at fault, as the rest of the CLI does
            named = [
                (args.file if where == "file" else f"{args.meta}: {where}", why)
                for where, why in exc.problems
            ]
            raise Refused(named) from exc
        paragraphs = len(split_paragraphs(await desk.source_text(stored)))
    print(
        f"added source {stored.id} ({stored.kind.value}): {paragraphs} paragraphs, stored unedited"
    )
    return EXIT_OK


@with_desk
async def cmd_cite(args: argparse.Namespace, desk: FactDesk) -> int:
    entry = await desk.current_entry(args.entry)
    sources = await desk.sources()
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


@with_desk
async def cmd_quote(args: argparse.Namespace, desk: FactDesk) -> int:
    entry = await desk.current_entry(args.entry)
    fact_base = await desk.fact_base()
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
    _print_criticism(report.moderator_notes, report.discrepancies)
    return EXIT_OK


@with_desk
async def cmd_search(args: argparse.Namespace, desk: FactDesk) -> int:
    # JSON keeps the Markdown highlight (as the bot shows it); the terminal gets plain text
    highlight = HIGHLIGHT if args.json else ""
    page = await desk.search(" ".join(args.text), args.page, highlight=highlight)
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


def register(commands: Commands) -> None:
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
