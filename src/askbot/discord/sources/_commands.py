"""Checking the sources: /cite, /quote, /search, /source info|add, /sources.

Search pages turn with DynamicItem buttons that carry the page number; the query is kept in the
message's embed, so paging works after a restart too."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from askbot import curation
from askbot.citations import bibtex, cited_quotes, csl_json, quote_report, sources_of
from askbot.discord import embeds
from askbot.discord.autocomplete import entry_choices, require_live_entry
from askbot.discord.checks import actor, moderators_only
from askbot.discord.errors import UserFacingError
from askbot.discord.sources._embeds import add_source_notes
from askbot.discord.sources._forms import parse_date
from askbot.discord.sources._search import search_embed, search_view
from askbot.factfiles import MAX_TEXT_BYTES
from askbot.models import NAME_MAX_CHARS, TITLE_MAX_CHARS, URL_MAX_CHARS, Source, SourceKind

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot


class SourcesCog(commands.Cog):
    source = app_commands.Group(
        name="source", description="The source documents behind the fact base"
    )

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    async def _sources(self) -> dict[str, Source]:
        return await self.bot.desk.sources()

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
        interaction: discord.Interaction[AskBot],
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
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    @app_commands.command(
        name="quote", description="A quoted passage in its whole paragraph, with the source's notes"
    )
    @app_commands.describe(
        entry="Start typing a question or a name", n="Which citation (see /cite), default 1"
    )
    async def quote(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        n: app_commands.Range[int, 1, 100] = 1,
    ) -> None:
        found = require_live_entry(self.bot, entry)
        fact_base = await self.bot.desk.fact_base()
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
        add_source_notes(embed, report.note, report.moderator_notes, report.discrepancies)
        embed.set_footer(text=f"entry {found.id} · citation {n}")
        await interaction.response.send_message(embed=embeds.fit_total(embed, found.id))

    @quote.autocomplete("entry")
    async def _quote_entry(
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    @app_commands.command(
        name="search", description='Search inside the source documents (words, "phrases", pref*)'
    )
    @app_commands.describe(text='Words, a "phrase in quotes", or the start of a word with *')
    async def search(
        self, interaction: discord.Interaction[AskBot], text: app_commands.Range[str, 1, 200]
    ) -> None:
        page = await self.bot.desk.search(text)
        if page.hint:
            await interaction.response.send_message(page.hint, ephemeral=True)
            return
        await interaction.response.send_message(embed=search_embed(page), view=search_view(page))

    @source.command(
        name="info",
        description="A source's metadata, kind, notes, discrepancies and citing entries",
    )
    @app_commands.describe(source="The source")
    async def info(self, interaction: discord.Interaction[AskBot], source: str) -> None:
        found = (await self._sources()).get(source)
        if found is None:
            raise UserFacingError(
                f"There is no source `{embeds.escape(source[:80])}`; pick one from the list."
            )
        citing = await self.bot.desk.cited_by(found.id)
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
        add_source_notes(embed, found.note, found.moderator_notes, found.discrepancies)
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
        self, interaction: discord.Interaction[AskBot], current: str
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
        extras={"refused": "Not added"},
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
        interaction: discord.Interaction[AskBot],
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
        source = curation.source_from_form(
            id,
            title=title,
            author=author,
            kind=kind,
            note=note,
            published_in=published_in,
            issued=parse_date(date),
            url=url,
        )
        stored = await self.bot.desk.add_source(source, await file.read(), actor(interaction))
        await interaction.response.send_message(
            f"Added source `{stored.id}`; it is searchable now and entries can cite it.",
            ephemeral=True,
        )

    @app_commands.command(
        name="sources", description="The source documents behind the fact base, with their kind"
    )
    async def sources(self, interaction: discord.Interaction[AskBot]) -> None:
        sources = await self.bot.desk.sources()
        await interaction.response.send_message(
            embed=embeds.sources_embed(
                list(sources.values()), await self.bot.desk.citation_counts()
            ),
            ephemeral=True,
        )
