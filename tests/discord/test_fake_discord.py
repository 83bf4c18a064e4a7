"""The harness itself: a throwaway bot, run by real discord.py against the stand-in."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fake_discord import (
    EPHEMERAL,
    MANAGE_MESSAGES,
    BotDidNotRespond,
    BotLoggedError,
    DiscordWouldRefuse,
    FakeDiscord,
)

TOPICS = ["Yagoda", "Yezhov", "Great Purge", "Kirov", "Bukharin"]


class EchoView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Again", custom_id="echo:again", style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(
            content=f"clicked by {interaction.user.id}", view=None
        )

    @discord.ui.button(label="Off", custom_id="echo:off", disabled=True)
    async def off(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise AssertionError("a disabled button cannot be clicked")

    @discord.ui.select(
        custom_id="echo:pick",
        options=[discord.SelectOption(label=t, value=t.lower()) for t in TOPICS[:3]],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class EchoModal(discord.ui.Modal, title="Echo something"):
    text: discord.ui.TextInput = discord.ui.TextInput(label="Text", custom_id="echo:text")
    note: discord.ui.TextInput = discord.ui.TextInput(
        label="Note", custom_id="echo:note", required=False, default="none"
    )

    def __init__(self) -> None:
        super().__init__(custom_id="echo:modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"modal: {self.text.value} ({self.note.value})", ephemeral=True
        )


facts = app_commands.Group(name="facts", description="Fact base")


@facts.command(name="show", description="Show fact number n")
async def facts_show(interaction: discord.Interaction, n: int) -> None:
    await interaction.response.send_message(f"fact {n} ({type(n).__name__})")


def make_bot() -> commands.Bot:
    intents = discord.Intents.none()
    intents.guilds = True
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=intents,
        help_command=None,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    bot.tree.add_command(facts)

    @bot.tree.command(description="Echo text in an embed")
    @app_commands.describe(text="What to echo", private="Only you see the answer")
    async def echo(interaction: discord.Interaction, text: str, private: bool = False) -> None:
        embed = discord.Embed(title="Echo", description=text)
        embed.set_footer(text=f"asked by {interaction.user.id} in {interaction.guild_id}")
        await interaction.response.send_message(embed=embed, ephemeral=private)

    @bot.tree.command(description="Think, then follow up twice")
    async def slow(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await interaction.followup.send(f"first: {text}")
        await interaction.followup.send(f"second: {text}")

    @bot.tree.command(description="Defer, then edit the answer")
    async def edited(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="done")

    @bot.tree.command(description="A message with a button and a select")
    async def buttons(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("choose", view=EchoView())

    @bot.tree.command(description="Pick a topic")
    async def topic(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"topic: {name}")

    @topic.autocomplete("name")
    async def topic_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=t, value=t) for t in TOPICS if current.lower() in t.lower()
        ]

    @bot.tree.command(description="Open a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(EchoModal())

    @bot.tree.command(description="Moderators only")
    @app_commands.default_permissions(manage_messages=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    @bot.tree.command(description="Fails")
    async def broken(interaction: discord.Interaction) -> None:
        raise RuntimeError("boom")

    @bot.tree.command(description="Answers too late")
    async def sluggish(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        with contextlib.suppress(discord.NotFound):  # what a late answer gets
            await interaction.response.send_message("too late")

    @bot.tree.command(description="Sends a message Discord rejects")
    async def too_long(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("x" * 2001)

    @bot.tree.context_menu(name="Echo message")
    async def echo_message(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(
            f"{message.author.id} said: {message.content}", ephemeral=True
        )

    return bot


async def test_slash_replies_with_an_embed(running_bot) -> None:
    fake, bot = await running_bot(make_bot)
    assert not bot.is_ready()  # no waiting for on_ready's 2 s delay

    record = await fake.slash("echo", {"text": "Why did Stalin have Yagoda arrested?"})

    assert record.callback_type == 4
    assert record.content == ""
    assert record.embeds[0]["title"] == "Echo"
    assert record.embeds[0]["description"] == "Why did Stalin have Yagoda arrested?"
    assert record.embeds[0]["footer"]["text"] == f"asked by {fake.user_id} in {fake.guild_id}"
    assert record.data["allowed_mentions"] == {"parse": []}
    assert not record.ephemeral
    assert record.message is not None and record.message_id == record.message.id
    assert fake.unknown_routes == []


async def test_ephemeral_flag(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    record = await fake.slash("echo", {"text": "secret", "private": True})

    assert record.ephemeral
    assert record.data["flags"] & EPHEMERAL


async def test_defer_then_followups(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    record = await fake.slash("slow", {"text": "hi"})
    assert record.callback_type == 5
    assert record.message is not None and record.message.loading

    first = await record.wait_for_followup()
    second = await record.wait_for_followup(2)
    # The first followup after a thinking defer replaces the placeholder and stays ephemeral.
    assert first.id == record.message_id and first.content == "first: hi"
    assert first.ephemeral and not first.loading
    assert second.id != first.id and second.content == "second: hi"
    assert not second.ephemeral


async def test_defer_then_edit_original(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    record = await fake.slash("edited")
    message = await record.wait_for_edit()

    assert message.content == "done" and record.content == "done"
    assert [edit["content"] for edit in record.edits] == ["done"]


async def test_button_click_round_trip(running_bot) -> None:
    fake, _ = await running_bot(make_bot)
    record = await fake.slash("buttons")
    assert record.custom_ids == ["echo:again", "echo:off", "echo:pick"]

    with pytest.raises(DiscordWouldRefuse, match="disabled"):
        await fake.click(record, "echo:off")
    clicked = await fake.click(record, "echo:again")

    assert clicked.callback_type == 7
    assert clicked.message_id == record.message_id
    assert record.content == f"clicked by {fake.user_id}"  # the same message, edited
    assert record.components == []


async def test_select_round_trip(running_bot) -> None:
    fake, _ = await running_bot(make_bot)
    record = await fake.slash("buttons")

    picked = await fake.select(record, "echo:pick", ["yezhov"])

    assert picked.content == "picked yezhov" and picked.ephemeral
    with pytest.raises(DiscordWouldRefuse):
        await fake.select(record, "echo:pick", ["stalin"])


async def test_autocomplete_choices(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    choices = await fake.autocomplete("topic", {}, focused="name")
    assert len(choices) == len(TOPICS)
    choices = await fake.autocomplete("topic", {"name": "ye"}, focused="name")
    assert choices == [{"name": "Yezhov", "value": "Yezhov"}]


async def test_message_context_menu(running_bot) -> None:
    fake, _ = await running_bot(make_bot)
    author = fake.add_user(username="historian")

    record = await fake.context_menu(
        "Echo message", target_message={"content": "Stalin planned it", "author": author}
    )

    assert record.content == f"{author['id']} said: Stalin planned it"
    assert record.ephemeral
    assert record.payload["data"]["type"] == 3


async def test_modal_submit(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    opened = await fake.slash("feedback")
    assert opened.callback_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Echo something"
    with pytest.raises(DiscordWouldRefuse, match="no field"):
        await fake.submit_modal("echo:modal", {"echo:nope": "x"})
    with pytest.raises(DiscordWouldRefuse, match="required"):
        await fake.submit_modal("echo:modal", {})

    submitted = await fake.submit_modal("echo:modal", {"echo:text": "typed"})

    assert submitted.content == "modal: typed (none)"
    with pytest.raises(DiscordWouldRefuse, match="no open modal"):
        await fake.submit_modal("echo:modal", {"echo:text": "again"})


async def test_subcommand_group(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    record = await fake.slash_group("facts", "show", {"n": 3})

    assert record.payload["data"]["options"] == [
        {"name": "show", "type": 1, "options": [{"name": "n", "type": 4, "value": 3}]}
    ]
    assert record.content == "fact 3 (int)"


async def test_tree_sync_reaches_the_fake(running_bot) -> None:
    fake, bot = await running_bot(make_bot)

    synced_global = await bot.tree.sync()
    guild = discord.Object(id=fake.guild_id)
    bot.tree.copy_global_to(guild=guild)
    synced_guild = await bot.tree.sync(guild=guild)

    names = {c["name"] for c in fake.synced_commands[fake.guild_id]}
    assert {"echo", "facts", "topic", "Echo message"} <= names
    assert {c.name for c in synced_global} == {c["name"] for c in fake.synced_commands[None]}
    assert all(c.id and c.guild_id == fake.guild_id for c in synced_guild)
    assert [scope for scope, _ in fake.sync_calls] == [None, fake.guild_id]
    fetched = await bot.tree.fetch_commands(guild=guild)
    assert {c.id for c in fetched} == {c.id for c in synced_guild}
    # Once synced, interactions carry the synced ids and option types.
    record = await fake.slash("echo", {"text": "hi"})
    echo_id = next(c.id for c in synced_guild if c.name == "echo")
    assert record.payload["data"]["id"] == str(echo_id)


async def test_default_member_permissions_enforced_once_synced(running_bot) -> None:
    fake, bot = await running_bot(make_bot)
    await bot.tree.sync()

    with pytest.raises(DiscordWouldRefuse, match="default_member_permissions"):
        await fake.slash("purge")
    by_role = await fake.slash("purge", roles=[fake.moderator_role_id])
    by_permission = await fake.slash("purge", permissions=MANAGE_MESSAGES)

    assert by_role.content == by_permission.content == "purged"
    with pytest.raises(DiscordWouldRefuse, match="no such option"):
        await fake.slash("echo", {"txt": "typo"})


@pytest.mark.allow_discord_errors
async def test_an_exception_in_a_command_fails_fast(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    with pytest.raises(BotLoggedError, match="boom"):
        await fake.slash("broken")


@pytest.mark.allow_discord_errors
async def test_payloads_discord_rejects_are_rejected(running_bot) -> None:
    fake, _ = await running_bot(make_bot)

    with pytest.raises(BotLoggedError, match="2000 or fewer"):
        await fake.slash("too_long")
    assert "content" in fake.interactions[-1].rejected[0]


async def test_late_answer_counts_as_no_answer(running_bot) -> None:
    fake, _ = await running_bot(make_bot)
    fake.callback_deadline = 0.1

    with pytest.raises(BotDidNotRespond, match="did not acknowledge"):
        await fake.slash("sluggish")
    record = fake.interactions[-1]
    await record.wait_until(lambda: bool(record.rejected))
    assert "deadline" in record.rejected[0]


@pytest.mark.allow_unknown_routes
@pytest.mark.allow_discord_errors
async def test_unknown_routes_are_recorded(running_bot) -> None:
    fake, bot = await running_bot(make_bot)

    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(1234)

    assert fake.unknown_routes == ["GET /api/v10/channels/1234"]


async def test_patches_are_restored_after_the_bot_stops(fake_discord: FakeDiscord) -> None:
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"
    assert fake_discord.url.startswith("http://127.0.0.1:")
