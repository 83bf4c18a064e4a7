"""Checking the sources: /cite, /quote, /search, /source info|add, /sources.

Search pages turn with DynamicItem buttons that carry the page number; the query is kept in the
message's embed, so paging works after a restart too.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from askbot import curation
from askbot.citations import bibtex, cited_quotes, csl_json, quote_report, sources_of
from askbot.curation import CurationError
from askbot.discord import embeds
from askbot.discord.autocomplete import entry_choices, require_live_entry
from askbot.discord.buttons import KeyedButton
from askbot.discord.checks import actor, moderators_only
from askbot.discord.errors import UserFacingError
from askbot.factfiles import MAX_TEXT_BYTES
from askbot.models import NAME_MAX_CHARS, TITLE_MAX_CHARS, URL_MAX_CHARS, Source, SourceKind
from askbot.search import SearchPage, search_sources

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

SEARCH_PREFIX = "Search: "
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def search_embed(page: SearchPage) -> discord.Embed:
    embed = discord.Embed(
        title=f"{page.total} paragraph(s) in the sources", colour=embeds.COLOUR_ANSWER
    )
    embed.set_author(
        name=embeds.clip(
            SEARCH_PREFIX + discord.utils.escape_mentions(page.query), embeds.TITLE_LIMIT
        )
    )
    for hit in page.hits:
        embed.add_field(
            name=embeds.clip(f"{hit.author}, {hit.locator} [{hit.kind}]", embeds.FIELD_NAME_LIMIT),
            value=embeds.clip(
                f"*{embeds.escape(hit.title)}*\n{hit.snippet}", embeds.FIELD_VALUE_LIMIT
            ),
            inline=False,
        )
    embed.set_footer(text=f"page {page.page} of {max(page.pages, 1)} · best matches first (bm25)")
    return embeds.fit_total(embed, "search")


def search_view(page: SearchPage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        SearchPageButton(str(max(page.page - 1, 0)), label="◀ Previous", disabled=page.page <= 1)
    )
    view.add_item(
        SearchPageButton(str(page.page + 1), label="Next ▶", disabled=page.page >= page.pages)
    )
    return view


class SearchPageButton(KeyedButton, template=r"askbot:search:(?P<key>\d+)"):
    action, label = "search", "page"

    async def run(self, interaction: discord.Interaction) -> None:
        bot: AskBot = interaction.client  # type: ignore[assignment]
        message = interaction.message
        author = (message.embeds[0].author.name or "") if message and message.embeds else ""
        query = author.removeprefix(SEARCH_PREFIX).replace("\u200b", "")
        page = await search_sources(bot.store, query, max(int(self.key), 1))
        await interaction.response.edit_message(embed=search_embed(page), view=search_view(page))


def parse_date(text: str | None) -> dict[str, list[list[int]]] | None:
    """A typed date as CSL date fields; whether it exists in the calendar is the model's call."""
    if not text:
        return None
    match = DATE_PATTERN.match(text.strip())
    if match is None:
        raise UserFacingError(
            "Write the date as YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty when unknown."
        )
    return {"date-parts": [[int(part) for part in match.groups() if part]]}


class SourcesCog(commands.Cog):
    source = app_commands.Group(
        name="source", description="The source documents behind the fact base"
    )

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    async def _sources(self) -> dict[str, Source]:
        return {s.id: s for s in await self.bot.store.sources()}

    @app_commands.command(
        name="cite",
        description="An entry's citations: Chicago note and bibliography, or a file for reference managers",
    )
    @app_commands.describe(
        entry="Start typing a question or a name",
        style="Chicago (default), or a CSL-JSON or BibTeX file",
    )
    async def cite(
        self,
        interaction: discord.Interaction,
        entry: str,
        style: Literal["chicago", "csl-json", "bibtex"] = "chicago",
    ) -> None:
        found = require_live_entry(self.bot, entry)
        sources = await self._sources()
        if style == "csl-json":
            data = json.dumps(
                csl_json(sources_of(found, sources)), ensure_ascii=False, indent=2
            ).encode()
            file = discord.File(io.BytesIO(data), filename=f"{found.id}.json")
            await interaction.response.send_message(
                f"CSL-JSON for the sources of `{found.id}`.", file=file
            )
            return
        if style == "bibtex":
            file = discord.File(
                io.BytesIO(bibtex(sources_of(found, sources), sources).encode()),
                filename=f"{found.id}.bib",
            )
            await interaction.response.send_message(
                f"BibTeX for the sources of `{found.id}`.", file=file
            )
            return
        embed = embeds.citations_embed(found, cited_quotes(found, sources))
        await interaction.response.send_message(embed=embed)

    @cite.autocomplete("entry")
    async def _cite_entry(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    @app_commands.command(
        name="quote", description="A quoted passage in its whole paragraph, with the source's notes"
    )
    @app_commands.describe(
        entry="Start typing a question or a name", n="Which citation (see /cite), default 1"
    )
    async def quote(
        self, interaction: discord.Interaction, entry: str, n: app_commands.Range[int, 1, 100] = 1
    ) -> None:
        found = require_live_entry(self.bot, entry)
        fact_base = await self.bot.store.load_fact_base()
        report = quote_report(found, n, {s.id: s for s in fact_base.sources}, fact_base.texts)
        if report is None:
            raise UserFacingError(
                f"`{found.id}` has {len(found.all_citations())} citation(s); choose n from 1 to {len(found.all_citations())}."
            )
        passage = f"{embeds.escape(report.before)}**{embeds.escape(report.quote)}**{embeds.escape(report.after)}"
        embed = discord.Embed(
            title=embeds.clip(f"{report.author}, para. {report.paragraph}", embeds.TITLE_LIMIT),
            description=embeds.clip(passage, embeds.DESCRIPTION_LIMIT),
            colour=embeds.COLOUR_ANSWER,
        )
        embed.add_field(
            name="Source",
            value=embeds.clip(
                f"*{embeds.escape(report.title)}* ({report.date or 'n.d.'}) · kind: **{report.kind}**",
                embeds.FIELD_VALUE_LIMIT,
            ),
            inline=False,
        )
        embeds.add_source_notes(embed, report.note, report.moderator_notes, report.discrepancies)
        embed.set_footer(text=f"entry {found.id} · citation {n}")
        await interaction.response.send_message(embed=embeds.fit_total(embed, found.id))

    @quote.autocomplete("entry")
    async def _quote_entry(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    @app_commands.command(
        name="search", description='Search inside the source documents (words, "phrases", pref*)'
    )
    @app_commands.describe(text='Words, a "phrase in quotes", or the start of a word with *')
    async def search(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 200]
    ) -> None:
        page = await search_sources(self.bot.store, text)
        if page.hint:
            await interaction.response.send_message(page.hint, ephemeral=True)
            return
        await interaction.response.send_message(embed=search_embed(page), view=search_view(page))

    @source.command(
        name="info",
        description="A source's metadata, kind, notes, discrepancies and citing entries",
    )
    @app_commands.describe(source="The source")
    async def info(self, interaction: discord.Interaction, source: str) -> None:
        fact_base = await self.bot.store.load_fact_base()
        found = next((s for s in fact_base.sources if s.id == source), None)
        if found is None:
            raise UserFacingError(
                f"There is no source `{embeds.escape(source[:80])}`; pick one from the list."
            )
        citing = sorted(
            e.id
            for e in fact_base.entries
            if not e.retired and any(c.source == found.id for c in e.all_citations())
        )
        embed = discord.Embed(
            title=embeds.clip(found.csl.title, embeds.TITLE_LIMIT), colour=embeds.COLOUR_ANSWER
        )
        embed.add_field(
            name="Author", value=embeds.clip(embeds.escape(found.authors), embeds.FIELD_VALUE_LIMIT)
        )
        embed.add_field(name="Date", value=found.date or "n.d.")
        embed.add_field(name="Kind", value=found.kind.value)
        if found.csl.container_title:
            embed.add_field(
                name="Published in",
                value=embeds.clip(
                    embeds.escape(found.csl.container_title), embeds.FIELD_VALUE_LIMIT
                ),
            )
        embeds.add_source_notes(embed, found.note, found.moderator_notes, found.discrepancies)
        embed.add_field(
            name=f"Cited by {len(citing)} entries",
            value=embeds.clip(
                ", ".join(f"`{c}`" for c in citing) or "none", embeds.FIELD_VALUE_LIMIT
            ),
            inline=False,
        )
        embed.set_footer(text=f"source {found.id}")
        await interaction.response.send_message(
            embed=embeds.fit_total(embed, found.id), ephemeral=True
        )

    @info.autocomplete("source")
    async def _info_source(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.casefold()
        return [
            app_commands.Choice(name=embeds.clip(f"{s.authors}: {s.csl.title}", 100), value=s.id)
            for s in (await self._sources()).values()
            if wanted in s.id or wanted in s.csl.title.casefold() or wanted in s.authors.casefold()
        ][:25]

    @source.command(
        name="add",
        description="Add a source document: a UTF-8 .txt file, stored unedited (moderators)",
    )
    @app_commands.describe(
        file="The text, UTF-8, as a .txt attachment",
        id="A short id, e.g. serge-1938-letter",
        title="Title",
        author="Author (a name or u/username)",
        kind="How much weight it can bear",
        note="Source criticism: what it is and how far to trust it",
        published_in="Newspaper, journal or forum",
        date="YYYY, YYYY-MM or YYYY-MM-DD; leave empty if unknown",
        url="Leave empty if unknown",
    )
    @moderators_only()
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        id: str,
        title: app_commands.Range[str, 1, TITLE_MAX_CHARS],
        author: app_commands.Range[str, 1, NAME_MAX_CHARS],
        kind: SourceKind,
        note: app_commands.Range[str, 20, 1000],
        published_in: app_commands.Range[str, 1, NAME_MAX_CHARS] | None = None,
        date: str | None = None,
        url: app_commands.Range[str, 1, URL_MAX_CHARS] | None = None,
    ) -> None:
        if file.size > MAX_TEXT_BYTES:
            raise UserFacingError(
                f"The file is {file.size:,} bytes; the limit is {MAX_TEXT_BYTES:,}."
            )
        try:
            source = curation.draft_source(
                {
                    "id": id,
                    "kind": kind,
                    "note": note,
                    "text_file": f"{id}.txt",
                    "csl": {
                        "type": "post" if author.startswith("u/") else "article-newspaper",
                        "title": title,
                        "author": [{"literal": author}],
                        "container-title": published_in,
                        "issued": parse_date(date),
                        "URL": url,
                    },
                }
            )
            stored = await curation.add_source(
                self.bot.store, source, await file.read(), actor(interaction)
            )
        except CurationError as refused:
            raise UserFacingError(
                "Not added:\n" + "\n".join(f"• **{w}**: {why}" for w, why in refused.problems)
            ) from refused
        await self.bot.after_change()
        await interaction.response.send_message(
            f"Added source `{stored.id}`; it is searchable now and entries can cite it.",
            ephemeral=True,
        )

    @app_commands.command(
        name="sources", description="The source documents behind the fact base, with their kind"
    )
    async def sources(self, interaction: discord.Interaction) -> None:
        fact_base = await self.bot.store.load_fact_base()
        cited_by = Counter(
            source_id
            for entry in fact_base.entries
            if not entry.retired
            for source_id in {c.source for c in entry.all_citations()}
        )
        await interaction.response.send_message(
            embed=embeds.sources_embed(fact_base.sources, dict(cited_by)), ephemeral=True
        )


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(SearchPageButton)
    await bot.add_cog(SourcesCog(bot))
