"""Core results -> Discord embeds, always inside Discord's limits.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title 256,
description 4096, 25 fields, field name 256, field value 1024, footer 2048, 6000 characters in all.
Anything longer is cut at a word boundary with a pointer to ``/cite``, never sent to fail with a 400.
"""

from __future__ import annotations

from typing import NamedTuple

import discord

from askbot.answering import (
    MODERATOR_NOTE_LABEL,
    Answer,
    CitationView,
    MatchView,
    PositionView,
    answer_banner,
    source_basis,
)
from askbot.citations import EntryCitations
from askbot.models import Entry, Source

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
QUOTE_PREVIEW = 300

COLOUR_ANSWER = discord.Colour.blurple()
COLOUR_OPEN = discord.Colour.gold()
COLOUR_NONE = discord.Colour.light_grey()
COLOUR_DECLINED = discord.Colour.orange()


def escape(text: str) -> str:
    """A member's own words, shown back without markdown tricks or pings."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def clip(text: str, limit: int, more: str = "…") -> str:
    """Cut at a word boundary so the result, with ``more`` appended, fits in ``limit``."""
    if len(text) <= limit:
        return text
    room = max(limit - len(more), 0)
    cut = text[:room]
    if " " in cut[room // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + more


def cite_pointer(entry_id: str) -> str:
    return f"… (cut to fit; `/cite entry:{entry_id}` shows it in full)"


def _citation_line(citation: CitationView, quote_limit: int = QUOTE_PREVIEW) -> str:
    date = citation.date or "n.d."
    quote = clip(citation.quote, quote_limit)
    return f"**{escape(citation.author)}**, *{escape(citation.title)}* ({date}), {citation.locator} [{citation.kind}]\n> {escape(quote)}"


class Field(NamedTuple):
    """An embed field already cut to Discord's limits."""

    name: str
    value: str

    @property
    def size(self) -> int:
        return len(self.name) + len(self.value)


def _field(name: str, value: str, entry_id: str) -> Field:
    return Field(
        clip(name, FIELD_NAME_LIMIT), clip(value, FIELD_VALUE_LIMIT, cite_pointer(entry_id))
    )


def _add_field(embed: discord.Embed, name: str, value: str, entry_id: str) -> None:
    if len(embed.fields) >= FIELD_COUNT_LIMIT:
        return
    field = _field(name, value, entry_id)
    embed.add_field(name=field.name, value=field.value, inline=False)


def fit_total(embed: discord.Embed, entry_id: str) -> discord.Embed:
    """Drop fields from the end (and finally shorten the description) until the embed fits 6000."""
    while len(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        if embed.footer.text and "cut to fit" not in embed.footer.text:
            embed.set_footer(
                text=clip(embed.footer.text + " · some sources cut to fit; see /cite", FOOTER_LIMIT)
            )
    if len(embed) > TOTAL_LIMIT and embed.description:
        overflow = len(embed) - TOTAL_LIMIT
        embed.description = clip(
            embed.description, len(embed.description) - overflow, cite_pointer(entry_id)
        )
    return embed


def _position_field(number: int, position: PositionView, entry_id: str) -> Field:
    basis = source_basis(c.kind for c in position.citations)
    return _field(
        f"Position {number}: held by {position.held_by}",
        f"{escape(position.stance)}\n*Rests on {basis}*",
        entry_id,
    )


def _more_positions(left: int, entry_id: str) -> Field:
    return Field(
        "More positions",
        f"{left} more position(s), with who holds each: `/cite entry:{entry_id}` lists every quote.",
    )


def _fit_positions(positions: list[Field], room: int, slots: int, entry_id: str) -> list[Field]:
    """The positions that fit in ``room`` characters and ``slots`` fields, the rest as a pointer."""
    if len(positions) <= slots and sum(f.size for f in positions) <= room:
        return positions
    pointer_size = _more_positions(len(positions), entry_id).size
    shown: list[Field] = []
    for position in positions:
        if len(shown) + 2 > slots or position.size + pointer_size > room:
            break
        shown.append(position)
        room -= position.size
    return [*shown, _more_positions(len(positions) - len(shown), entry_id)]


def answer_embed(answer: Answer, asked_by: str | None = None) -> discord.Embed:
    """The public reply to an answered question: the flag first when it is open, then the answer.

    Laid out to fit by construction: title, author, footer and the Sources field always fit
    (with room kept for a pointer to /cite); the description takes what is left, up to its own
    limit; the positions fill the rest, those that do not fit named in one pointer; related
    entries come last, when there is room.
    """
    match: MatchView = answer.matches[0]
    description = match.summary
    banner = answer_banner(match)
    if banner:
        description = f"⚠️ **{banner}**\n\n{description}"
    embed = discord.Embed(
        title=clip(match.question, TITLE_LIMIT),
        colour=COLOUR_OPEN if banner else COLOUR_ANSWER,
    )
    embed.set_author(name=clip(f"Q: {discord.utils.escape_mentions(answer.question)}", TITLE_LIMIT))
    footer = f"entry {match.id} · /cite entry:{match.id} for full citations"
    if asked_by:
        footer = f"asked by {asked_by} · {footer}"
    embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    sources = _field("Sources", "\n".join(_citation_line(c) for c in match.citations), match.id)
    always = [sources]
    if match.moderator_note:
        always.append(_field(MODERATOR_NOTE_LABEL, escape(match.moderator_note), match.id))
    kept_for_pointer = _more_positions(len(match.positions), match.id).size
    description_room = TOTAL_LIMIT - len(embed) - sum(f.size for f in always) - kept_for_pointer
    embed.description = clip(
        description, min(DESCRIPTION_LIMIT, description_room), cite_pointer(match.id)
    )
    positions = [
        _position_field(number, position, match.id)
        for number, position in enumerate(match.positions, 1)
    ]
    room = TOTAL_LIMIT - len(embed) - sum(f.size for f in always)
    fields = [*_fit_positions(positions, room, FIELD_COUNT_LIMIT - len(always), match.id), *always]
    if len(answer.matches) > 1:
        related = _field(
            "Related entries",
            "\n".join(f"• {escape(m.question)} (`{m.id}`)" for m in answer.matches[1:]),
            match.id,
        )
        left = TOTAL_LIMIT - len(embed) - sum(f.size for f in fields)
        if len(fields) < FIELD_COUNT_LIMIT and related.size <= left:
            fields.append(related)
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    return embed


def citations_embed(entry: Entry, cited: EntryCitations) -> discord.Embed:
    """Every citation of an entry in full: the quote, where it stands in the stored text, its
    Chicago note, then one bibliography (/cite and the "Show sources" button)."""
    embed = discord.Embed(
        title=clip(f"Sources: {entry.question}", TITLE_LIMIT), colour=COLOUR_ANSWER
    )
    for quote in cited.quotes[: FIELD_COUNT_LIMIT - 1]:
        held = f", position held by {quote.held_by}" if quote.held_by else ""
        value = f"> {escape(quote.quote)}\n**Note:** {quote.note}"
        name = f"[{quote.number}] stored text, {quote.locator} ({quote.kind}{held})"
        _add_field(embed, name, value, entry.id)
    _add_field(embed, "Bibliography", "\n".join(cited.bibliography), entry.id)
    embed.set_footer(
        text=f"entry {entry.id} · /quote entry:{entry.id} n:<number> shows a quote in its paragraph"
    )
    return fit_total(embed, entry.id)


def no_match_embed(answer: Answer) -> discord.Embed:
    embed = discord.Embed(
        title="Nothing in the fact base answers this",
        description=clip(
            "I will not guess. "
            + (
                "Perhaps one of these is what you meant:"
                if answer.suggestions
                else "Try other words, or ask the moderators to add it."
            )
            + "\n\n"
            + "\n".join(f"• {escape(s.question)}" for s in answer.suggestions),
            DESCRIPTION_LIMIT,
        ),
        colour=COLOUR_NONE,
    )
    embed.set_author(name=clip(f"Q: {discord.utils.escape_mentions(answer.question)}", TITLE_LIMIT))
    embed.set_footer(text="Your question was noted for the moderators.")
    return embed


def declined_embed(answer: Answer) -> discord.Embed:
    return discord.Embed(
        title="We don't take this kind of question",
        description=clip(answer.message, DESCRIPTION_LIMIT),
        colour=COLOUR_DECLINED,
    )


def sources_embed(sources: list[Source], cited_by: dict[str, int]) -> discord.Embed:
    embed = discord.Embed(title="The source documents", colour=COLOUR_ANSWER)
    for source in sources:
        date = source.date or "n.d."
        value = (
            f"*{escape(source.csl.title)}* ({date}), {escape(source.csl.container_title or '')}\n"
        )
        value += f"Kind: **{source.kind.value}** · cited by {cited_by.get(source.id, 0)} entries\n"
        more = source_notes_pointer(source)
        value += clip(escape(source.note), FIELD_VALUE_LIMIT - len(value) - len(more) - 1) + more
        _add_field(embed, f"{source.authors} ({source.id})", value, source.id)
    return fit_total(embed, "sources")


def source_notes_pointer(source: Source) -> str:
    """Where the rest of a source's criticism is, for a listing with room for its note only."""
    counts = [
        f"{len(source.moderator_notes)} moderator note(s) from outside the source"
        if source.moderator_notes
        else "",
        f"⚠️ {len(source.discrepancies)} discrepancy(ies)" if source.discrepancies else "",
    ]
    shown = " · ".join(c for c in counts if c)
    return f"\n{shown}: `/source info source:{source.id}`" if shown else ""
