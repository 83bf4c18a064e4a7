"""Forum channels: new posts get one reply (answer, pointer, rule, welcome or nothing), through the
real discord.py client and the stand-in with forum support (fake_forum.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fake_discord.protocol import READ_MESSAGE_HISTORY, SEND_MESSAGES_IN_THREADS
from fake_forum import MANAGE_THREADS, FakeForumDiscord

from askbot.config import Settings
from askbot.discord.bot import AskBot
from askbot.discord.forum import FROM_OUR_FACT_BASE, MEMBERS_WILL_ANSWER
from askbot.forum import ForumChannelSettings
from askbot.store import Actor

ANSWERED = "Why did Stalin have Yagoda arrested?"
PLAUSIBLE = "When was Yagoda executed?"  # the base knows of his arrest, not his death
HYPOTHETICAL = "What if Tukhachevsky had launched a coup?"
UNRELATED = "How do I bake sourdough bread?"
TAGS = ("answered", "needs rephrasing")


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeForumDiscord]:
    """The stand-in with forum channels (replaces conftest's plain one for these tests)."""
    fake = FakeForumDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


async def start(
    running_bot: Any, fake: FakeForumDiscord, db: Path, **settings: Any
) -> tuple[AskBot, int]:
    forum = await fake.add_forum("questions", tags=TAGS)
    _, bot = await running_bot(lambda: AskBot(Settings(_env_file=None, db=db, **settings)))
    return bot, forum


async def configure(bot: AskBot, fake: FakeForumDiscord, forum: int, **options: Any) -> None:
    settings = ForumChannelSettings(guild_id=fake.guild_id, channel_id=forum, **options)
    await bot.desk.save_forum_channel(settings, Actor("test"))


async def post_and_wait(fake: FakeForumDiscord, forum: int, title: str, content: str = "") -> int:
    thread = await fake.create_post(forum, title, content)
    await fake.wait_until(lambda: bool(fake.thread_messages.get(thread)), what="a forum reply")
    return thread


async def settled(bot: AskBot) -> None:
    """Let the bot finish with every event sent so far (its handlers run as tasks)."""
    for _ in range(20):
        await asyncio.sleep(0.01)
    await bot.desk.answers.recorded()


def reply_in(fake: FakeForumDiscord, thread: int) -> Any:
    [message] = fake.thread_messages[thread]
    return message


def posted_without_pings(fake: FakeForumDiscord, thread: int) -> bool:
    bodies = [
        r.body
        for r in fake.requests
        if r.method == "POST" and r.path.endswith(f"{thread}/messages")
    ]
    return bool(bodies) and all(b["allowed_mentions"]["parse"] == [] for b in bodies)


async def test_a_confident_match_is_answered_with_the_ask_embed_and_tagged(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, answered_tag="Answered")
    thread = await post_and_wait(fake, forum, ANSWERED)
    message = reply_in(fake, thread)
    assert message.content == FROM_OUR_FACT_BASE
    embed = message.embeds[0]
    assert embed["author"]["name"] == f"Q: {ANSWERED}" and "Serge" in embed["description"]
    assert message.custom_ids == [
        "askbot:sources:yagoda-arrest-why",
        "askbot:answered:yagoda-arrest-why",
        "askbot:wrong:yagoda-arrest-why",
    ]
    await fake.wait_until(lambda: bool(fake.tag_edits), what="the answered tag")
    assert fake.applied_tags(thread) == [fake.tag_id(forum, "answered")]
    assert posted_without_pings(fake, thread)
    await settled(bot)
    counts = await bot.desk.forum_counts()
    assert (counts.seen, counts.answered, counts.pointed, counts.declined) == (1, 1, 0, 0)
    stats = await fake.slash("stats", roles=[fake.moderator_role_id])
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Answered"] == "1"  # counted like /ask too
    assert fields["Forum posts"] == "1 seen: 1 answered, 0 pointed, 0 declined"


async def test_a_plausible_match_gets_related_entries_as_buttons_and_joins_the_queue(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, answered_tag="answered")
    thread = await post_and_wait(fake, forum, PLAUSIBLE)
    message = reply_in(fake, thread)
    assert message.embeds[0]["description"].startswith(MEMBERS_WILL_ANSWER)
    buttons = message.custom_ids
    assert 1 <= len(buttons) <= 3 and "askbot:entry:yagoda-arrest-news" in buttons
    assert not fake.tag_edits  # not answered: no tag
    clicked = await fake.click(message, "askbot:entry:yagoda-arrest-news")
    assert clicked.ephemeral and "Serge" in clicked.embeds[0]["description"]
    await settled(bot)
    assert [q.example for q in await bot.desk.unanswered()] == [PLAUSIBLE]
    assert (await bot.desk.forum_counts()).pointed == 1


async def test_point_mode_points_to_a_confident_match_instead_of_posting_it(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, mode="point", answered_tag="answered")
    thread = await post_and_wait(fake, forum, ANSWERED)
    message = reply_in(fake, thread)
    assert message.custom_ids[0] == "askbot:entry:yagoda-arrest-why"
    assert message.content != FROM_OUR_FACT_BASE and not fake.tag_edits


async def test_a_hypothetical_gets_the_rule_and_the_rephrase_tag_and_nothing_is_removed(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, mode="rules-only", rephrase_tag="needs rephrasing")
    thread = await post_and_wait(fake, forum, HYPOTHETICAL)
    embed = reply_in(fake, thread).embeds[0]
    assert "No hypotheticals" in embed["description"]
    assert "How to ask instead" in embed["description"]
    await fake.wait_until(lambda: bool(fake.tag_edits), what="the rephrase tag")
    assert fake.applied_tags(thread) == [fake.tag_id(forum, "needs rephrasing")]
    assert not any(r.method == "DELETE" for r in fake.requests)
    assert not fake.threads[thread]["thread_metadata"]["locked"]
    await settled(bot)
    assert (await bot.desk.forum_counts()).declined == 1


async def test_rules_only_says_nothing_to_a_question_it_could_answer(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, mode="rules-only")
    thread = await fake.create_post(forum, ANSWERED)
    await settled(bot)
    assert thread not in fake.thread_messages
    assert (await bot.desk.forum_counts()).seen == 1


async def test_nothing_related_is_silent_or_gets_the_welcome(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum)
    silent = await fake.create_post(forum, UNRELATED)
    await settled(bot)
    assert silent not in fake.thread_messages
    await configure(bot, fake, forum, welcome="Welcome! A member will be along shortly.")
    welcomed = await post_and_wait(fake, forum, UNRELATED)
    assert reply_in(fake, welcomed).content == "Welcome! A member will be along shortly."
    assert posted_without_pings(fake, welcomed)


async def test_an_unconfigured_forum_is_never_touched(running_bot, fake_discord, tmp_path) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    other = await fake.add_forum("chat", tags=TAGS)
    await configure(bot, fake, forum)
    thread = await fake.create_post(other, ANSWERED)
    await settled(bot)
    assert fake.touched(other) == [] and fake.touched(thread) == []
    assert (await bot.desk.forum_counts()).seen == 0


async def test_bot_posts_and_posts_older_than_the_bot_are_ignored(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum)
    by_bot = await fake.create_post(forum, ANSWERED, author=fake.snowflake(), bot_author=True)
    old = await fake.create_post(forum, ANSWERED, thread_id=fake.old_snowflake(3600))
    await settled(bot)
    assert by_bot not in fake.thread_messages and old not in fake.thread_messages
    assert fake.touched(old) == []


async def test_one_reply_per_post_across_duplicate_events_and_a_restart(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    db = tmp_path / "bot.db"
    bot, forum = await start(running_bot, fake, db)
    await configure(bot, fake, forum)
    thread = await post_and_wait(fake, forum, ANSWERED)
    await fake.send_thread_create(thread)  # the same event again
    await settled(bot)
    started_at = bot.get_cog("ForumCog").started_at
    await bot.close()
    # A new process on the same database, as in a deploy where it starts before the old one
    # stops: it started before the post, and the post's event reaches it too.
    second = AskBot(Settings(_env_file=None, db=db))
    task = asyncio.create_task(second.start(fake.token))
    try:
        await fake.wait_until(
            lambda: second.get_guild(fake.guild_id) is not None, what="the second bot"
        )
        second.get_cog("ForumCog").started_at = started_at
        await fake.send_thread_create(thread)
        fresh = await post_and_wait(fake, forum, ANSWERED)
        await settled(second)
        assert len(fake.thread_messages[thread]) == 1
        assert len(fake.thread_messages[fresh]) == 1
        assert (await second.desk.forum_counts()).seen == 2
    finally:
        await second.close()
        await task


@pytest.mark.parametrize("content_intent", [False, True])
async def test_the_first_message_is_read_only_with_the_message_content_intent(
    running_bot, fake_discord, tmp_path, content_intent
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db", message_content=content_intent)
    await configure(bot, fake, forum)
    # The title alone matches nothing; the first message asks the answered question.
    thread = await fake.create_post(forum, "A question", ANSWERED)
    await settled(bot)
    if content_intent:
        assert reply_in(fake, thread).content == FROM_OUR_FACT_BASE
    else:
        assert thread not in fake.thread_messages


@pytest.mark.parametrize(
    ("denied", "problem"),
    [
        (SEND_MESSAGES_IN_THREADS, "Send Messages in Threads"),
        (MANAGE_THREADS, "Manage Threads"),
        (READ_MESSAGE_HISTORY, "Read Message History"),
    ],
)
async def test_a_missing_permission_is_logged_once_and_shown_to_moderators(
    running_bot, fake_discord, tmp_path, caplog, denied, problem
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await configure(bot, fake, forum, answered_tag="answered")
    fake.deny_bot(forum, denied)
    threads = []
    for _ in range(3):  # one after the other: each sees the note the one before left
        threads.append(await fake.create_post(forum, ANSWERED))
        await settled(bot)
    logged = [
        r for r in caplog.records if r.name == "askbot.discord.forum" and problem in r.message
    ]
    assert len(logged) == 1
    [channel] = await bot.desk.forum_channels(fake.guild_id)
    assert channel.problem is not None and problem in channel.problem
    attempts = [r for r in fake.requests if any(str(t) in r.path for t in threads)]
    assert len(attempts) <= 3 * 3  # fetch, post, tag per post at most: no retries
    listed = await fake.slash("askbot forum list", roles=[fake.moderator_role_id])
    assert problem in listed.embeds[0]["fields"][0]["value"]
    if denied == READ_MESSAGE_HISTORY:  # the title still gets its reply
        assert all(len(fake.thread_messages[t]) == 1 for t in threads)


async def test_moderators_add_list_and_remove_forum_channels(
    running_bot, fake_discord, tmp_path
) -> None:
    fake = fake_discord
    bot, forum = await start(running_bot, fake, tmp_path / "bot.db")
    await bot.tree.sync()
    moderator = {"roles": [fake.moderator_role_id]}
    refused = await fake.slash(
        "askbot forum add", {"channel": forum, "answered_tag": "solved"}, **moderator
    )
    assert "no tag 'solved'" in refused.content and not await bot.desk.forum_channels()
    added = await fake.slash(
        "askbot forum add",
        {"channel": forum, "mode": "point", "answered_tag": "answered"},
        **moderator,
    )
    assert added.ephemeral and "Now replying" in added.content
    listed = await fake.slash("askbot forum list", **moderator)
    assert listed.embeds[0]["fields"][0]["name"] == "#questions"
    assert "mode: **point**" in listed.embeds[0]["fields"][0]["value"]
    member = await fake.slash("askbot forum list", {}, permissions=0, guild=True)
    assert member.ephemeral and "Only moderators" in member.content
    removed = await fake.slash("askbot forum remove", {"channel": forum}, **moderator)
    assert "No longer replying" in removed.content and not await bot.desk.forum_channels()
