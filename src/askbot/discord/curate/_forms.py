"""The curation forms: add, edit or propose an entry, and an entry's positions. What a form cannot hold without loss is refused before it opens; a refused change comes back with an "Edit again" button and the member's own text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import discord
from pydantic import ValidationError

from askbot import curation
from askbot.curation import EditConflict
from askbot.curation.forms import entry_form_fields, entry_form_values, position_text
from askbot.discord import embeds
from askbot.discord.checks import ModeratorModal, actor, moderator_check
from askbot.discord.errors import UserFacingError, guarded, problems_text
from askbot.errors import Refused
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
