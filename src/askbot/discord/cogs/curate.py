"""Moderator curation from Discord: /fact ..., /review, /unanswered, /stats.

Every change goes through the fact desk (askbot.desk: one transaction, a revision, an audit
line, then the engine refreshed so /ask sees the change at once). Nothing typed into a modal is lost: a
refused change comes back with the reason and an "Edit again" button prefilled with what was typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands
from pydantic import ValidationError

from askbot import curation
from askbot.curation import EditConflict
from askbot.curation.forms import entry_form_fields, entry_form_values, position_text
from askbot.desk import Proposal, QueuedQuestion
from askbot.discord import embeds
from askbot.discord.autocomplete import entry_choices
from askbot.discord.buttons import ModeratorButton
from askbot.discord.checks import (
    ModeratorModal,
    ModeratorView,
    actor,
    is_moderator,
    moderator_check,
    moderators_only,
)
from askbot.discord.errors import UserFacingError, guarded, problems_text
from askbot.errors import EntryUnloadable, Refused
from askbot.models import Entry, EntryStatus, Position

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

Mode = Literal["add", "edit", "suggest"]
MODAL_TITLE_LIMIT = 45
TEXT_INPUT_LIMIT = 4000
FORM_LIMITS = {
    "question": 300,
    "also_asked": TEXT_INPUT_LIMIT,
    "summary": TEXT_INPUT_LIMIT,
    "status": 20,
    "citations": TEXT_INPUT_LIMIT,
}
STATUS_FORM_POSITIONS = 2
HISTORY_SHOWN = 10
NOT_CHANGED = {"refused": "Not changed"}  # heads a refused change's problems (errors.handle)


def form_loss(
    values: dict[str, str], limits: dict[str, int], reads_back: Callable[[], bool]
) -> str | None:
    """Why a form prefilled with a saved entry's ``values`` would lose part of it, or None.

    Each value must fit its field, and reading the untouched form back must give the entry
    unchanged: saving then never drops what a field could not hold or the form cannot show.
    """
    for name, text in values.items():
        if len(text) > limits[name]:
            return (
                f"the {name.replace('_', '-')} field would need {len(text):,} characters"
                f" and holds {limits[name]:,}"
            )
    try:
        unchanged = reads_back()
    except (Refused, ValidationError):
        unchanged = False
    if unchanged:
        return None
    return (
        "it holds what the form cannot show (a quote's prefix or suffix, or a line break in a line)"
    )


def entry_form_loss(entry: Entry) -> str | None:
    """Why the entry form cannot hold ``entry`` without loss, or None."""
    values = entry_form_values(entry)
    return form_loss(
        values,
        FORM_LIMITS,
        lambda: curation.draft_entry(entry_form_fields(values, entry)).content_equals(entry),
    )


def status_form_loss(entry: Entry) -> str | None:
    """Why the two-position status form cannot hold ``entry``'s positions without loss, or None."""
    if len(entry.positions) > STATUS_FORM_POSITIONS:
        return f"it has {len(entry.positions)} positions and the form holds {STATUS_FORM_POSITIONS}"
    shown = {f"position {i + 1}": position_text(entry, i) for i in range(len(entry.positions))}

    def reads_back() -> bool:
        parsed = [curation.parse_position(text, name) for name, text in shown.items()]
        return [Position.model_validate(p) for p in parsed] == entry.positions

    return form_loss(shown, dict.fromkeys(shown, TEXT_INPUT_LIMIT), reads_back)


def form_refusal(entry: Entry, why: str, mode: Mode) -> UserFacingError:
    """The private reply when an entry cannot be opened in a form without losing part of it."""
    head = f"`{entry.id}` cannot be opened in a Discord form without losing part of it: {why}."
    if mode == "suggest":
        return UserFacingError(
            f"{head} Please describe the change to a moderator; they can edit it with"
            f" `askbot fact show` and `askbot fact edit`."
        )
    return UserFacingError(
        f"{head} Nothing was changed. Edit it with the CLI instead:"
        f" `askbot fact show {entry.id} > {entry.id}.yaml`, edit the file,"
        f" then `askbot fact edit {entry.id}.yaml`."
    )


class FactModal(ModeratorModal):
    """Add, edit or suggest an entry; prefilled with the entry or with what was typed before."""

    def __init__(
        self,
        mode: Mode,
        *,
        entry: Entry | None = None,
        base_revision: int | None = None,
        typed: dict[str, str] | None = None,
    ) -> None:
        titles = {
            "add": "Add a fact entry",
            "edit": f"Edit {entry.id if entry else ''}",
            "suggest": "Suggest an entry",
        }
        super().__init__(title=embeds.clip(titles[mode], MODAL_TITLE_LIMIT), timeout=30 * 60)
        self.mode, self.entry, self.base_revision = mode, entry, base_revision
        self.moderators_only = mode != "suggest"
        if entry is not None and not typed and (loss := entry_form_loss(entry)):
            raise form_refusal(entry, loss, mode)
        # What was typed is a draft (the unanswered queue or the refused form keeps the original):
        # cut to fit its field.
        values = entry_form_values(entry) | {
            name: embeds.clip(text, FORM_LIMITS[name]) for name, text in (typed or {}).items()
        }
        self.question: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label="Question", max_length=FORM_LIMITS["question"], default=values["question"]
        )
        self.also_asked: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label="Also asked as (one phrasing per line)",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=FORM_LIMITS["also_asked"],
            default=values["also_asked"],
        )
        self.summary: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label="Summary (our own words, max 900 characters)",
            style=discord.TextStyle.paragraph,
            max_length=FORM_LIMITS["summary"],
            default=values["summary"],
        )
        self.status: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label="Status: settled, debated or unresolved",
            max_length=FORM_LIMITS["status"],
            default=values["status"],
        )
        self.citations: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label="Citations: source-id | para. N | exact quote",
            style=discord.TextStyle.paragraph,
            max_length=FORM_LIMITS["citations"],
            default=values["citations"],
            placeholder="serge-1937-yagoda | para. 11 | A scapegoat was required",
        )
        for item in (self.question, self.also_asked, self.summary, self.status, self.citations):
            self.add_item(item)

    def typed(self) -> dict[str, str]:
        return {
            name: getattr(self, name).value
            for name in ("question", "also_asked", "summary", "status", "citations")
        }

    async def on_submit(self, interaction: discord.Interaction[AskBot]) -> None:
        desk = interaction.client.desk
        try:
            fields = entry_form_fields(self.typed(), self.entry)
            if fields["id"] is None:
                fields["id"] = await desk.new_entry_id(fields["question"])
            draft = curation.draft_entry(fields)
            if self.mode == "add":
                saved = await desk.add_entry(draft, actor(interaction))
                text = f"Added `{saved.id}` (revision {saved.revision}). `/ask` finds it now."
            elif self.mode == "edit":
                assert self.base_revision is not None
                saved = await desk.edit_entry(draft, self.base_revision, actor(interaction))
                text = (
                    f"No change: `{saved.id}` stays at revision {saved.revision}."
                    if saved.revision == self.base_revision
                    else f"Saved `{saved.id}` as revision {saved.revision}."
                )
            else:
                number = await desk.propose(draft, self.base_revision, actor(interaction))
                text = f"Thank you: suggestion #{number} is waiting for a moderator's review."
        except EditConflict as conflict:
            retry = RetryView(self.mode, self.entry, conflict.current_revision, self.typed())
            await interaction.response.send_message(
                f"Not saved: `{conflict.draft.id}` was {conflict.problems[0][1]}.\nYour text is kept: press **Edit again**.",
                view=retry,
                ephemeral=True,
            )
            return
        except Refused as refused:
            retry = RetryView(self.mode, self.entry, self.base_revision, self.typed())
            await interaction.response.send_message(
                f"Not saved:\n{problems_text(refused)}\nYour text is kept: press **Edit again**.",
                view=retry,
                ephemeral=True,
            )
            return
        await interaction.response.send_message(text, ephemeral=True)


class RetryView(discord.ui.View):
    """One button that reopens the modal with the member's own text."""

    def __init__(
        self, mode: Mode, entry: Entry | None, base_revision: int | None, typed: dict[str, str]
    ) -> None:
        super().__init__(timeout=30 * 60)
        self.mode, self.entry, self.base_revision, self.typed = mode, entry, base_revision, typed

    async def interaction_check(self, interaction: discord.Interaction[AskBot], /) -> bool:
        return self.mode == "suggest" or await moderator_check(interaction)

    @discord.ui.button(label="Edit again", style=discord.ButtonStyle.primary)
    @guarded
    async def again(
        self, interaction: discord.Interaction[AskBot], button: discord.ui.Button[RetryView]
    ) -> None:
        entry = await interaction.client.desk.entry(self.entry.id) if self.entry else None
        await interaction.response.send_modal(
            FactModal(self.mode, entry=entry, base_revision=self.base_revision, typed=self.typed)
        )


class StatusModal(ModeratorModal):
    """Two positions for a debated or unresolved entry, each with who holds it and a citation."""

    def __init__(self, entry: Entry, status: EntryStatus) -> None:
        super().__init__(
            title=embeds.clip(f"{status.value.title()}: {entry.id}", MODAL_TITLE_LIMIT),
            timeout=30 * 60,
        )
        self.entry, self.new_status = entry, status
        if loss := status_form_loss(entry):
            raise form_refusal(entry, loss, "edit")
        placeholder = "stance: ...\nheld by: ... (which source, what kind)\ncite: source-id | para. N | exact quote"
        self.first: discord.ui.TextInput[StatusModal] = discord.ui.TextInput(
            label="Position 1",
            style=discord.TextStyle.paragraph,
            max_length=TEXT_INPUT_LIMIT,
            default=position_text(entry, 0),
            placeholder=placeholder,
        )
        self.second: discord.ui.TextInput[StatusModal] = discord.ui.TextInput(
            label="Position 2",
            style=discord.TextStyle.paragraph,
            max_length=TEXT_INPUT_LIMIT,
            default=position_text(entry, 1),
            placeholder=placeholder,
        )
        self.add_item(self.first)
        self.add_item(self.second)

    refused = "Not saved"

    async def on_submit(self, interaction: discord.Interaction[AskBot]) -> None:
        saved = await interaction.client.desk.set_status(
            self.entry.id,
            self.new_status,
            [("position 1", self.first.value), ("position 2", self.second.value)],
            actor(interaction),
            self.entry.revision,
        )
        await interaction.response.send_message(
            f"`{saved.id}` is now {saved.status.value} (revision {saved.revision}).", ephemeral=True
        )


class RejectModal(ModeratorModal, title="Reject suggestion"):
    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Why (the member is told)", style=discord.TextStyle.paragraph, max_length=1000
    )

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(timeout=30 * 60)
        self.suggestion_id = suggestion_id

    async def on_submit(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        rejected = await bot.desk.reject(self.suggestion_id, actor(interaction), self.reason.value)
        told = await tell_proposer(
            bot,
            rejected,
            f"Your suggestion #{self.suggestion_id} was not accepted: {self.reason.value}",
        )
        await interaction.response.send_message(
            f"Rejected #{self.suggestion_id}."
            + ("" if told else " (The member could not be sent a DM.)"),
            ephemeral=True,
        )


async def tell_proposer(bot: AskBot, proposal: Proposal, text: str) -> bool:
    """A DM to the member who proposed; False when Discord will not deliver it."""
    if not proposal.proposer_id:
        return False
    try:
        user = bot.get_user(int(proposal.proposer_id)) or await bot.fetch_user(
            int(proposal.proposer_id)
        )
        await user.send(text)
    except (discord.HTTPException, ValueError):
        return False
    return True


class ApproveButton(ModeratorButton):
    action, label, style = "review:approve", "Approve", discord.ButtonStyle.success
    refused = "Not approved"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        bot = interaction.client
        number = int(self.key)
        proposal = await bot.desk.proposal(number)
        saved = await bot.desk.approve(number, actor(interaction))
        if proposal:
            await tell_proposer(
                bot,
                proposal,
                f"Your suggestion #{number} is live: `/cite entry:{saved.id}`. Thank you!",
            )
        await interaction.response.send_message(
            f"Approved #{number}: `{saved.id}` revision {saved.revision} is live.", ephemeral=True
        )


class RejectButton(ModeratorButton):
    action, label, style = "review:reject", "Reject…", discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        await interaction.response.send_modal(RejectModal(int(self.key)))


def suggestion_embed(review: curation.Review) -> discord.Embed:
    """The member's changes (each quote old -> new) in the description, which holds 4096
    characters; then whether it still applies to the live entry."""
    proposal = review.proposal
    draft = proposal.draft
    kind = "edit of" if proposal.base_revision else "new entry"
    lines = [embeds.escape(line) for line in review.changes]
    lines += [f"⚠️ **conflict**: {where}: {embeds.escape(why)}" for where, why in review.conflicts]
    if review.rebased and not review.conflicts:
        lines.append(
            f"Applies to revision {review.onto_revision}: later revisions changed other fields."
        )
    embed = discord.Embed(
        title=embeds.clip(f"#{proposal.id}: {kind} {draft.id}", embeds.TITLE_LIMIT),
        description=embeds.clip(
            "\n".join(lines),
            embeds.DESCRIPTION_LIMIT,
            f"… (`askbot review show {proposal.id}` shows every change)",
        ),
        colour=embeds.COLOUR_OPEN,
    )
    embed.add_field(name="Suggested by", value=embeds.escape(proposal.proposer_name), inline=True)
    embed.add_field(name="On", value=proposal.created_at, inline=True)
    embed.add_field(
        name="Summary",
        value=embeds.clip(embeds.escape(draft.summary), embeds.FIELD_VALUE_LIMIT),
        inline=False,
    )
    return embeds.fit_total(embed, draft.id)


class ReviewSelect(discord.ui.Select[ModeratorView]):
    def __init__(self, proposals: list[Proposal]) -> None:
        options = [
            discord.SelectOption(
                label=embeds.clip(f"#{p.id} {p.draft.question}", 100), value=str(p.id)
            )
            for p in proposals[:25]
        ]
        super().__init__(placeholder="Open a suggestion", options=options)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        desk = interaction.client.desk
        proposal = await desk.proposal(int(self.values[0]))
        if proposal is None or proposal.state != "pending":
            raise UserFacingError("That suggestion has already been decided.")
        review = await desk.review(proposal)
        view = discord.ui.View(timeout=None)
        view.add_item(ApproveButton(str(proposal.id)))
        view.add_item(RejectButton(str(proposal.id)))
        await interaction.response.send_message(
            embed=suggestion_embed(review), view=view, ephemeral=True
        )


class UnansweredSelect(discord.ui.Select[ModeratorView]):
    def __init__(self, rows: list[QueuedQuestion]) -> None:
        self.rows = rows
        options = [
            discord.SelectOption(
                label=embeds.clip(row.example, 100),
                description=f"asked {row.count}x",
                value=str(i),
            )
            for i, row in enumerate(rows[:25])
        ]
        super().__init__(placeholder="Turn a question into an entry", options=options)

    @guarded
    async def callback(self, interaction: discord.Interaction[AskBot]) -> None:
        question = self.rows[int(self.values[0])].example
        await interaction.response.send_modal(FactModal("add", typed={"question": question}))


async def send_listing(
    interaction: discord.Interaction[AskBot],
    title: str,
    lines: str,
    picker: discord.ui.Select[ModeratorView],
) -> None:
    """A private list for a moderator with a menu to open one item."""
    view = ModeratorView(timeout=15 * 60)
    view.add_item(picker)
    embed = discord.Embed(
        title=title,
        description=embeds.clip(lines, embeds.DESCRIPTION_LIMIT),
        colour=embeds.COLOUR_OPEN,
    )
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def history_embed(entry_id: str, revisions: list[curation.RevisionChange]) -> discord.Embed:
    embed = discord.Embed(
        title=embeds.clip(f"History of {entry_id}", embeds.TITLE_LIMIT), colour=embeds.COLOUR_ANSWER
    )
    for change in revisions[-HISTORY_SHOWN:]:
        lines = [f"*{embeds.escape(change.reason)}*"] if change.reason else []
        lines += [embeds.escape(line) for line in change.changes]
        embed.add_field(
            name=embeds.clip(
                f"rev {change.revision} · {change.actor} · {change.at}", embeds.FIELD_NAME_LIMIT
            ),
            value=embeds.clip("\n".join(lines), embeds.FIELD_VALUE_LIMIT),
            inline=False,
        )
    if len(revisions) > HISTORY_SHOWN:
        embed.set_footer(
            text=f"showing the last {HISTORY_SHOWN} of {len(revisions)} revisions; `askbot fact history {entry_id}` shows all"
        )
    return embeds.fit_total(embed, entry_id)


class CurateCog(commands.Cog):
    fact = app_commands.Group(
        name="fact", description="Curate the fact base (moderators), or suggest a change (everyone)"
    )

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot

    async def _entry(self, entry_id: str, *, include_retired: bool = False) -> Entry:
        try:
            entry = await self.bot.desk.entry(entry_id)
        except EntryUnloadable as unloadable:
            raise UserFacingError(embeds.escape(str(unloadable))) from unloadable
        if entry is None or (entry.retired and not include_retired):
            raise UserFacingError(
                f"There is no live entry `{embeds.escape(entry_id[:80])}`; pick one from the list as you type."
            )
        return entry

    async def _entry_choices(
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return entry_choices(self.bot, current)

    async def _retired_choices(
        self, interaction: discord.Interaction[AskBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Retired entries are out of answers: only moderators see them listed."""
        if not is_moderator(interaction):
            return []
        retired = await self.bot.desk.retired_entries()
        wanted = current.casefold()
        return [
            app_commands.Choice(name=embeds.clip(e.question, 100), value=e.id)
            for e in retired
            if wanted in e.id or wanted in e.question.casefold()
        ][:25]

    @fact.command(name="add", description="Add an entry (opens a form)")
    @moderators_only()
    async def add(self, interaction: discord.Interaction[AskBot]) -> None:
        await interaction.response.send_modal(FactModal("add"))

    @fact.command(name="edit", description="Edit an entry (opens a form with its current text)")
    @app_commands.describe(entry="Start typing a question or a name")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def edit(self, interaction: discord.Interaction[AskBot], entry: str) -> None:
        current = await self._entry(entry)
        await interaction.response.send_modal(
            FactModal("edit", entry=current, base_revision=current.revision)
        )

    @fact.command(
        name="suggest",
        description="Suggest a new entry, or a change to one, for the moderators to review",
    )
    @app_commands.describe(entry="The entry to change (leave empty to suggest a new one)")
    @app_commands.autocomplete(entry=_entry_choices)
    async def suggest(
        self, interaction: discord.Interaction[AskBot], entry: str | None = None
    ) -> None:
        await self.bot.desk.check_may_propose(actor(interaction))
        current = await self._entry(entry) if entry else None
        await interaction.response.send_modal(
            FactModal("suggest", entry=current, base_revision=current.revision if current else None)
        )

    @fact.command(
        name="retire",
        description="Take an entry out of answers (kept in its history)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(entry="The entry to retire", reason="Why, for the history")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def retire(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        await self._change(
            interaction,
            self.bot.desk.set_retired(entry, True, actor(interaction), reason),
            "retired",
        )

    @fact.command(
        name="restore", description="Bring a retired entry back into answers", extras=NOT_CHANGED
    )
    @app_commands.describe(entry="The retired entry", reason="Why, for the history")
    @app_commands.autocomplete(entry=_retired_choices)
    @moderators_only()
    async def restore(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        await self._change(
            interaction,
            self.bot.desk.set_retired(entry, False, actor(interaction), reason),
            "restored",
        )

    @fact.command(
        name="revert",
        description="Make an old revision current again (as a new revision)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(
        entry="The entry", revision="The revision to go back to (see /fact history)"
    )
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def revert(
        self,
        interaction: discord.Interaction[AskBot],
        entry: str,
        revision: app_commands.Range[int, 1],
    ) -> None:
        current = await self._entry(entry, include_retired=True)
        await self._change(
            interaction,
            self.bot.desk.revert(entry, revision, actor(interaction), current.revision),
            f"reverted to revision {revision}",
        )

    @fact.command(
        name="status",
        description="Mark an entry settled, debated or unresolved (with its positions)",
        extras=NOT_CHANGED,
    )
    @app_commands.describe(
        entry="The entry", status="Settled, or debated/unresolved (a form asks for two positions)"
    )
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def status(
        self, interaction: discord.Interaction[AskBot], entry: str, status: EntryStatus
    ) -> None:
        current = await self._entry(entry)
        if status is EntryStatus.SETTLED:
            await self._change(
                interaction,
                self.bot.desk.set_status(entry, status, [], actor(interaction), current.revision),
                "marked settled",
            )
        else:
            await interaction.response.send_modal(StatusModal(current, status))

    @fact.command(name="alias", description="Teach the bot another spelling of a name or term")
    @app_commands.describe(
        canonical="The usual form, e.g. Yezhov",
        variant="Another spelling, e.g. Jeschow",
        kind="What it names",
    )
    @moderators_only()
    async def alias(
        self,
        interaction: discord.Interaction[AskBot],
        canonical: app_commands.Range[str, 1, 100],
        variant: app_commands.Range[str, 1, 100],
        kind: Literal["person", "organisation", "place", "term"] = "person",
    ) -> None:
        group = await self.bot.desk.add_alias(canonical, variant, kind, actor(interaction))
        await interaction.response.send_message(
            f"'{embeds.escape(variant)}' now reads as '{embeds.escape(group.canonical)}' ({len(group.variants)} spellings).",
            ephemeral=True,
        )

    @fact.command(name="history", description="Who changed an entry, when, and what changed")
    @app_commands.describe(entry="The entry")
    @app_commands.autocomplete(entry=_entry_choices)
    @moderators_only()
    async def history(self, interaction: discord.Interaction[AskBot], entry: str) -> None:
        revisions = await self.bot.desk.history(entry)
        await interaction.response.send_message(
            embed=history_embed(entry, revisions), ephemeral=True
        )

    async def _change(
        self, interaction: discord.Interaction[AskBot], change: Awaitable[Entry], done: str
    ) -> None:
        """Reply once a change is saved (the command's ``extras`` head a refusal)."""
        saved = await change
        await interaction.response.send_message(
            f"`{saved.id}` {done} (revision {saved.revision}).", ephemeral=True
        )

    @app_commands.command(name="review", description="Review members' suggestions (moderators)")
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def review(self, interaction: discord.Interaction[AskBot]) -> None:
        pending = await self.bot.desk.pending_proposals()
        if not pending:
            await interaction.response.send_message(
                "No suggestions are waiting. 🎉", ephemeral=True
            )
            return
        lines = "\n".join(
            f"#{p.id} · {embeds.escape(p.proposer_name)} · {embeds.escape(p.draft.question)}"
            for p in pending
        )
        await send_listing(
            interaction, f"{len(pending)} suggestion(s) waiting", lines, ReviewSelect(pending)
        )

    @app_commands.command(
        name="unanswered",
        description="The questions the fact base could not answer, most asked first (moderators)",
    )
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def unanswered(self, interaction: discord.Interaction[AskBot]) -> None:
        rows = await self.bot.desk.unanswered(limit=25)
        if not rows:
            await interaction.response.send_message(
                "No unanswered questions are waiting.", ephemeral=True
            )
            return
        lines = "\n".join(f"**{row.count}x** {embeds.escape(row.example)}" for row in rows)
        await send_listing(interaction, "Unanswered questions", lines, UnansweredSelect(rows))

    @app_commands.command(
        name="stats",
        description="How the bot is doing: questions, answers, top entries (moderators)",
    )
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def stats(self, interaction: discord.Interaction[AskBot]) -> None:
        figures = await self.bot.desk.stats()
        embed = discord.Embed(title="askbot statistics", colour=embeds.COLOUR_ANSWER)
        embed.add_field(name="Questions asked", value=str(figures.asked))
        embed.add_field(name="Answered", value=str(figures.answered))
        embed.add_field(name="No match", value=str(figures.no_match))
        embed.add_field(name="Declined", value=str(figures.declined))
        forum = await self.bot.desk.forum_counts()
        embed.add_field(
            name="Forum posts",
            value=f"{forum.seen} seen: {forum.answered} answered, {forum.pointed} pointed,"
            f" {forum.declined} declined",
            inline=False,
        )
        top = (
            "\n".join(f"{count}x `{entry_id}`" for entry_id, count in figures.top_entries)
            or "none yet"
        )
        embed.add_field(
            name="Top entries", value=embeds.clip(top, embeds.FIELD_VALUE_LIMIT), inline=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(ApproveButton, RejectButton)
    await bot.add_cog(CurateCog(bot))
