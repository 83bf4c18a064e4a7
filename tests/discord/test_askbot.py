"""The real askbot bot, driven through the loopback stand-in for Discord."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from fake_discord import FakeDiscord

from askbot.cli import CliError, cmd_run
from askbot.config import Settings
from askbot.discord import embeds
from askbot.discord.bot import AskBot, run, sync_commands
from askbot.models import Entry, Position
from askbot.store import Actor

QUESTION = "Why did Stalin have Yagoda arrested?"


def make_bot(tmp_path: Path, **overrides: Any) -> AskBot:
    settings = Settings(_env_file=None, db=tmp_path / "bot.db", **overrides)
    return AskBot(settings)


def field(embed: dict[str, Any], name_start: str) -> dict[str, Any]:
    return next(f for f in embed.get("fields", []) if f["name"].startswith(name_start))


async def test_ask_answers_publicly_with_sources_and_buttons(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("ask", {"question": QUESTION})
    assert not record.ephemeral
    embed = record.embeds[0]
    assert embed["author"]["name"] == f"Q: {QUESTION}"
    assert "Serge" in embed["description"]
    sources = field(embed, "Sources")["value"]
    assert "para. 11" in sources and "Victor Serge" in sources
    assert record.custom_ids == [
        "askbot:sources:yagoda-arrest-why",
        "askbot:answered:yagoda-arrest-why",
        "askbot:wrong:yagoda-arrest-why",
    ]


async def test_unresolved_question_shows_the_banner_first_and_positions(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash(
        "ask", {"question": "Did Stalin plan the Great Purge or did it snowball out of control?"}
    )
    embed = record.embeds[0]
    assert embed["description"].startswith("⚠️ **The sources here ")
    positions = [f for f in embed["fields"] if f["name"].startswith("Position ")]
    assert len(positions) >= 2
    assert all("held by" in f["name"] and "*Rests on a" in f["value"] for f in positions)
    assert "source source" not in str(positions) and "unsourced source" not in str(positions)
    assert any(f["value"].endswith("*Rests on an unsourced comment*") for f in positions)


async def test_a_moderator_note_is_its_own_labelled_field(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash(
        "ask", {"question": "How were Tukhachevsky's arrest, trial and execution carried out?"}
    )
    embed = record.embeds[0]
    note = field(embed, "Moderator note (from outside the sources)")["value"]
    assert "22 May" in note and "22 May" not in embed["description"]
    assert "22 May" not in field(embed, "Sources")["value"]


async def test_an_answer_resting_on_an_unsourced_comment_is_flagged(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash(
        "ask", {"question": "What did Khrushchev think drove Stalin during the purges?"}
    )
    assert record.embeds[0]["description"].startswith("⚠️ **Unverified")


async def test_no_match_is_private_with_suggestions_that_answer_when_chosen(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    record = await fake.slash("ask", {"question": "When was Yezhov arrested?"})
    assert record.ephemeral
    assert record.embeds[0]["title"] == "Nothing in the fact base answers this"
    assert record.custom_ids == ["askbot:suggest"]
    options = record.components[0]["components"][0]["options"]
    chosen = await fake.select(record, "askbot:suggest", [options[0]["value"]])
    assert chosen.ephemeral and chosen.embeds[0]["footer"]["text"].endswith(
        f"/cite entry:{options[0]['value']} for full citations"
    )
    await bot.desk.answers.recorded()  # questions are recorded after the reply
    queue = await bot.desk.store.unanswered()
    assert queue[0].normalised == "when was yezhov arrested"


async def test_declined_question_quotes_the_rule_privately(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("ask", {"question": "What if Yagoda had fled abroad?"})
    assert record.ephemeral
    description = record.embeds[0]["description"]
    assert "No hypotheticals" in description and "How to ask instead" in description


async def test_show_sources_and_not_what_i_asked_buttons(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    answer = await fake.slash("ask", {"question": QUESTION})
    sources = await fake.click(answer, "askbot:sources:yagoda-arrest-why")
    assert sources.ephemeral
    assert any("para. 11" in f["name"] for f in sources.embeds[0]["fields"])
    wrong = await (await fake.click(answer, "askbot:wrong:yagoda-arrest-why")).wait_for_followup()
    assert wrong.ephemeral and "moderators" in wrong.content
    misfires = await bot.desk.misfires()
    assert [(row.normalised, row.got, row.count) for row in misfires] == [
        ("why did stalin have yagoda arrested", "yagoda-arrest-why", 1)
    ]


async def test_cite_autocomplete_is_fuzzy_and_capped(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    choices = await fake.autocomplete("cite", {"entry": "tukhach"}, "entry")
    assert 1 <= len(choices) <= 25
    assert "tukhachevsky" in choices[0]["value"]
    everything = await fake.autocomplete("cite", {"entry": ""}, "entry")
    assert len(everything) == 25
    record = await fake.slash("cite", {"entry": choices[0]["value"]})
    assert record.embeds[0]["title"].startswith("Sources: ")
    unknown = await fake.slash("cite", {"entry": "no-such-entry"})
    assert unknown.ephemeral and "There is no entry" in unknown.content


async def test_message_context_menu_asks_the_message_text(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.context_menu(
        "Ask askbot",
        target_message={"content": "why did stalin have yagoda arrested, anyone know?"},
    )
    assert record.embeds[0]["title"] == "Why was Yagoda arrested, according to Victor Serge?"
    empty = await fake.context_menu("Ask askbot", target_message={"content": "   "})
    assert empty.ephemeral and "no text" in empty.content


async def test_cooldown_refuses_privately_and_says_when(running_bot, tmp_path: Path) -> None:
    fake, _ = await running_bot(
        lambda: make_bot(tmp_path, ask_cooldown_rate=1, ask_cooldown_seconds=60)
    )
    first = await fake.slash("ask", {"question": QUESTION})
    assert not first.ephemeral
    second = await fake.slash("ask", {"question": QUESTION})
    assert second.ephemeral and "try again <t:" in second.content and ":R>" in second.content


async def test_everyone_in_a_question_pings_nobody(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    record = await fake.slash(
        "ask", {"question": "@everyone why did stalin have yagoda arrested <@&1>"}
    )
    assert record.data["allowed_mentions"] == {"parse": []}
    assert bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    author = record.embeds[0]["author"]["name"]
    assert "@everyone" not in author and "@\u200beveryone" in author
    # the question read back from the escaped embed is the member's own text
    wrong = await (await fake.click(record, "askbot:wrong:yagoda-arrest-why")).wait_for_followup()
    assert wrong.ephemeral
    assert (await bot.desk.misfires())[0].normalised == "why did stalin have yagoda arrested"


async def test_over_long_entry_is_cut_within_discord_limits(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    base = await bot.desk.store.entry("great-purge-planned-or-snowballed")
    assert base is not None
    position = base.positions[0]
    huge = Entry(
        id="a-very-long-entry",
        question="What did everyone ever say about the zzyzx question?",
        also_asked=["zzyzx question", "the zzyzx debate", "zzyzx positions"],
        summary="zzyzx " * 140,
        status="debated",
        positions=[
            Position(
                stance="A long stance. " * 80,
                held_by=f"Holder {n} " * 20,
                citations=position.citations * 6,
            )
            for n in range(30)
        ],
        citations=base.citations * 12,
    )
    async with bot.desk.store.transaction() as db:
        await bot.desk.store.put_entry(
            db, huge, Actor(name="test"), "limits", expected_revision=None
        )
    await bot.desk.answers.refresh()
    record = await fake.slash("ask", {"question": "zzyzx question"})
    embed = discord.Embed.from_dict(record.embeds[0])
    assert len(embed) <= embeds.TOTAL_LIMIT and len(embed.fields) <= embeds.FIELD_COUNT_LIMIT
    assert all(len(f.value or "") <= embeds.FIELD_VALUE_LIMIT for f in embed.fields)
    assert "cite entry:a-very-long-entry" in str(record.embeds[0])


async def put_contested_entry(bot: AskBot, positions: int, stance_words: int) -> Entry:
    """A debated entry with ``positions`` positions of ``stance_words`` words each."""
    base = await bot.desk.store.entry("great-purge-planned-or-snowballed")
    assert base is not None
    entry = Entry(
        id="a-crowded-debate",
        question="What does everyone say about the qwyxx question?",
        also_asked=["qwyxx question"],
        summary="The qwyxx question is contested.",
        status="debated",
        positions=[
            Position(
                stance=f"Stance {n}: " + "words " * stance_words,
                held_by=f"Holder {n}",
                citations=base.positions[0].citations,
            )
            for n in range(positions)
        ],
        citations=base.citations,
    )
    async with bot.desk.store.transaction() as db:
        await bot.desk.store.put_entry(
            db, entry, Actor(name="test"), "limits", expected_revision=None
        )
    await bot.desk.answers.refresh()
    return entry


@pytest.mark.parametrize(
    ("positions", "stance_words"),
    [(30, 3), (24, 3), (6, 200), (12, 150)],
    ids=["many-positions", "24-positions", "long-positions", "many-long-positions"],
)
async def test_answer_always_keeps_its_sources(
    bot_and_fake, positions: int, stance_words: int
) -> None:
    fake, bot = bot_and_fake
    entry = await put_contested_entry(bot, positions, stance_words)
    entry_id = entry.id
    record = await fake.slash("ask", {"question": "qwyxx question"})
    embed = record.embeds[0]
    assert embed["footer"]["text"].startswith(f"entry {entry_id}")
    sources = field(embed, "Sources")["value"]
    assert sources.startswith("**") and f"{entry.citations[0].locator} [" in sources
    shown = [f for f in embed["fields"] if f["name"].startswith("Position ")]
    assert shown and shown[0]["name"] == "Position 1: held by Holder 0"
    if len(shown) < positions:
        more = field(embed, "More positions")["value"]
        assert more.startswith(f"{positions - len(shown)} more position")
        assert f"/cite entry:{entry_id}" in more
    else:
        assert not [f for f in embed["fields"] if f["name"] == "More positions"]
    names = [f["name"] for f in embed["fields"]]
    assert names.index("Sources") > names.index(shown[-1]["name"])


async def test_bot_survives_an_exception_inside_a_command(
    bot_and_fake, monkeypatch, caplog
) -> None:
    fake, bot = bot_and_fake

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(bot.desk.engine, "answer", broken)
    record = await fake.slash("ask", {"question": QUESTION})
    assert record.ephemeral and "something went wrong on our side" in record.content
    assert any(
        "unexpected error" in r.message and "command='ask'" in r.message for r in caplog.records
    )
    monkeypatch.undo()
    again = await fake.slash("ask", {"question": QUESTION})
    assert not again.ephemeral and again.embeds


async def test_help_and_sources(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    help_ = await fake.slash("help")
    names = [f["name"] for f in help_.embeds[0]["fields"]]
    assert "Rule: no hypotheticals" in names and "Rule: the 20-year rule" in names
    sources = await fake.slash("sources")
    text = str(sources.embeds[0])
    assert "u/robinacape" in text and "unsourced" in text
    assert "discrepancy(ies): `/source info source:serge-1937-yagoda`" in text


async def test_every_command_has_a_unique_name_and_a_description(bot_and_fake) -> None:
    """Top-level commands, and every subcommand of a group (/fact ..., /source ...)."""
    _, bot = bot_and_fake
    commands = bot.tree.get_commands()
    names = [(c.name, type(c).__name__) for c in commands]
    assert len(names) == len(set(names))
    assert {"ask", "cite", "sources", "help", "Ask askbot"} <= {c.name for c in commands}
    groups = [c for c in commands if isinstance(c, discord.app_commands.Group)]
    assert {"fact", "source"} <= {g.name for g in groups}
    subcommands = [sub for group in groups for sub in group.walk_commands()]
    assert {"fact add", "fact suggest", "source info", "source add"} <= {
        sub.qualified_name for sub in subcommands
    }
    for group in groups:
        assert group.description and len(group.description) <= 100
        within = [sub.name for sub in group.commands]
        assert len(within) == len(set(within)), f"/{group.name} repeats a subcommand"
    for command in [*commands, *subcommands]:
        if isinstance(command, discord.app_commands.Command):
            assert command.description and len(command.description) <= 100, command.qualified_name
            for parameter in command.parameters:
                assert parameter.description and parameter.description != "…"


def _askbot_dynamic_items() -> set[type[discord.ui.DynamicItem[Any]]]:
    """Every DynamicItem class the loaded askbot modules define with a template of their own
    (the bases' never-matching template excluded). Extensions are re-imported for each bot, so
    the classes are read from the modules as loaded now."""
    return {
        item
        for module in list(sys.modules.values())
        if module.__name__.startswith("askbot.discord")
        for item in vars(module).values()
        if isinstance(item, type)
        and issubclass(item, discord.ui.DynamicItem)
        and item.__module__ == module.__name__
        and item.__discord_ui_compiled_template__.pattern != "(?!)"
    }


async def test_every_dynamic_item_is_registered_with_a_unique_template(bot_and_fake) -> None:
    """A button or menu that outlives a restart works only when the bot knows its template."""
    _, bot = bot_and_fake
    registered = bot._connection._view_store._dynamic_items  # discord.py keeps no public list
    templates = [item.__discord_ui_compiled_template__.pattern for item in _askbot_dynamic_items()]
    assert len(templates) == len(set(templates)), "two dynamic items share a template"
    assert len(templates) >= 6  # sources, wrong, did-you-mean, search, approve, reject
    assert set(registered.values()) == _askbot_dynamic_items()


async def test_commands_sync_to_a_guild_only_when_asked(running_bot, tmp_path: Path) -> None:
    fake, _ = await running_bot(lambda: make_bot(tmp_path))
    assert fake.sync_calls == []  # starting the bot never syncs
    settings = Settings(_env_file=None, db=tmp_path / "sync.db")
    names = await sync_commands(settings, fake.token, fake.guild_id)
    assert {"ask", "cite", "sources", "help", "Ask askbot"} <= set(names)
    assert {c["name"] for c in fake.synced_commands[fake.guild_id]} == set(names)


async def test_rejected_token_is_one_clear_line(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    saved = Route.BASE
    Route.BASE = fake_discord.api_base
    try:
        settings = Settings(_env_file=None, db=tmp_path / "x.db", discord_token="wrong-token")
        with pytest.raises(CliError, match=r"^Discord rejected DISCORD_TOKEN: check the token"):
            await cmd_run(argparse.Namespace(), settings)
    finally:
        Route.BASE = saved
    assert fake_discord.identify is None  # the gateway was never reached


async def test_sigterm_closes_bot_and_database(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = fake_discord.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake_discord.gateway_url)
    settings = Settings(_env_file=None, db=tmp_path / "run.db")
    try:
        task = asyncio.create_task(run(settings, fake_discord.token))
        await fake_discord.wait_until(lambda: fake_discord.identify is not None, timeout=5)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, timeout=10)
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    assert task.done() and task.exception() is None
    assert not (tmp_path / "run.db-wal").exists(), "the database was not closed cleanly"


async def test_each_command_logs_one_info_line_without_the_question(bot_and_fake, caplog) -> None:
    fake, _ = bot_and_fake
    caplog.set_level(logging.INFO)
    asked = [
        (QUESTION, "answered"),
        ("When was Yezhov arrested?", "no_match"),
        ("What if Yagoda had fled abroad?", "declined"),
        ("Who ran the NKVD before Yezhov?", "refused"),  # the fourth in 30 s: cooldown
    ]
    for question, _ in asked:
        await fake.slash("ask", {"question": question})

    def lines() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "askbot.discord.telemetry"]

    await fake.wait_until(lambda: len(lines()) >= len(asked), timeout=5, what="the log lines")
    assert len(lines()) == len(asked)
    assert sorted(r.outcome for r in lines()) == sorted(outcome for _, outcome in asked)
    for record in lines():
        assert record.levelno == logging.INFO
        assert (record.command, record.guild) == ("ask", fake.guild_id)
        assert record.latency_ms >= 0
        assert record.getMessage().startswith(f"interaction command='ask' guild={fake.guild_id}")
        assert f"latency_ms={record.latency_ms} outcome={record.outcome}" in record.getMessage()
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [m for m in logged for question, _ in asked if question in m]


async def test_not_what_i_asked_counts_once_per_member_and_answer(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    answer = await fake.slash("ask", {"question": QUESTION})
    clicks = [
        await (await fake.click(answer, "askbot:wrong:yagoda-arrest-why")).wait_for_followup()
        for _ in range(5)
    ]
    assert all(c.ephemeral for c in clicks)
    assert "moderators" in clicks[0].content and "already" in clicks[-1].content
    again = await fake.slash("ask", {"question": QUESTION.lower()})
    await (await fake.click(again, "askbot:wrong:yagoda-arrest-why")).wait_for_followup()
    misfires = await bot.desk.misfires()
    assert [(row.normalised, row.count) for row in misfires] == [
        ("why did stalin have yagoda arrested", 1)
    ]
    stranger = fake.snowflake()
    await (
        await fake.click(answer, "askbot:wrong:yagoda-arrest-why", user_id=stranger)
    ).wait_for_followup()
    assert (await bot.desk.misfires())[0].count == 2


async def test_feedback_waits_out_a_busy_database_without_missing_discords_window(
    bot_and_fake, tmp_path: Path
) -> None:
    """Another writer holds the database past Discord's window: the click is acknowledged at
    once ("thinking..."), and the thanks follows when the write gets through, counted once."""
    fake, _ = bot_and_fake
    answer = await fake.slash("ask", {"question": QUESTION})
    fake.callback_deadline = 0.3
    # off the event loop: the bot's own writes still in flight must be able to finish first
    writer = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, check_same_thread=False)
    await asyncio.to_thread(writer.execute, "BEGIN IMMEDIATE")
    try:
        clicked = await fake.click(answer, "askbot:answered:yagoda-arrest-why")
        assert clicked.message is not None and clicked.message.loading and clicked.ephemeral
        await asyncio.sleep(0.5)  # past the window, the write still waiting on the lock
        assert not clicked.followups
    finally:
        writer.rollback()
        writer.close()
    thanks = await clicked.wait_for_followup(timeout=5)
    assert thanks.ephemeral and "glad it answered" in thanks.content
    again = await (
        await fake.click(answer, "askbot:answered:yagoda-arrest-why")
    ).wait_for_followup()
    assert "already" in again.content
