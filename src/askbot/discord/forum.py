"""Forum channels on Discord: every new post in a configured forum channel gets one reply (see
askbot.forum for which), and moderators set channels up with ``/askbot forum add|remove|list``.

The post's title needs no privileged intent; its first message's text is read too when the
operator enabled the message-content intent (ASKBOT_MESSAGE_CONTENT), else it arrives empty and
the title alone is the question. Posts by bots, posts older than this process and channels no
moderator configured are never touched; nothing is ever locked or deleted. A missing permission
is logged once and noted for ``/askbot forum list``; the post is not tried again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands
from pydantic import ValidationError

from askbot.discord import embeds
from askbot.discord.buttons import KeyedButton
from askbot.discord.checks import actor, moderators_only
from askbot.discord.cogs.ask import ENTRY_ID, answer_view
from askbot.discord.errors import UserFacingError
from askbot.errors import Refused
from askbot.forum import ForumChannel, ForumChannelSettings, ForumReply, ReplyKind

if TYPE_CHECKING:
    from askbot.discord.bot import AskBot

log = logging.getLogger(__name__)

FROM_OUR_FACT_BASE = "From our fact base:"
MEMBERS_WILL_ANSWER = (
    "Nothing in our fact base answers this exactly, so a member or moderator will answer. "
    "These entries may be related:"
)
NO_MENTIONS = discord.AllowedMentions.none()
BUTTON_LABEL_CHARS = 80  # Discord's limit
MAX_TAGS_ON_A_POST = 5  # Discord's limit


class RelatedEntryButton(KeyedButton, key=ENTRY_ID):
    """One related entry under a pointer: shows that entry, privately, to whoever asks."""

    action, label = "entry", "Show entry"

    async def run(self, interaction: discord.Interaction[AskBot]) -> None:
        channel = interaction.channel
        question = channel.name if isinstance(channel, discord.Thread) else ""
        answer = interaction.client.desk.answer_for(self.key, question or self.key)
        if answer is None:
            raise UserFacingError("That entry has since been retired or removed.")
        await interaction.response.send_message(
            embed=embeds.answer_embed(answer), view=answer_view(self.key), ephemeral=True
        )


def pointer_message(reply: ForumReply) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(
        description=MEMBERS_WILL_ANSWER
        + "\n"
        + "\n".join(f"• {embeds.escape(question)}" for _, question in reply.related),
        colour=embeds.COLOUR_NONE,
    )
    view = discord.ui.View(timeout=None)
    for entry_id, question in reply.related:
        view.add_item(RelatedEntryButton(entry_id, label=embeds.clip(question, BUTTON_LABEL_CHARS)))
    return embed, view


def rules_embed(reply: ForumReply) -> discord.Embed:
    embed = embeds.declined_embed(reply.answer)
    embed.set_footer(text="Edit your post's title to ask it again; nothing was removed.")
    return embed


def forum_tag(forum: discord.ForumChannel, name: str) -> discord.ForumTag | None:
    folded = name.casefold()
    return next((tag for tag in forum.available_tags if tag.name.casefold() == folded), None)


class ForumCog(commands.Cog):
    askbot = app_commands.Group(
        name="askbot",
        description="Set up askbot in this server (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    forum = app_commands.Group(
        name="forum", description="Forum channels where askbot replies to new posts", parent=askbot
    )

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot
        self.started_at = discord.utils.utcnow()  # older posts are never replied to

    # --- new posts --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        forum = thread.parent
        if not isinstance(forum, discord.ForumChannel) or self._not_for_us(thread):
            return
        channel = await self.bot.desk.forum_channel(forum.id)
        if channel is None:
            return  # not configured: never touched
        starter, problem = await self._starter_message(thread)
        if starter is not None and starter.author.bot:
            return
        reply = await self.bot.desk.forum_post(
            channel, thread.id, thread.name, starter.content if starter else None
        )
        if reply is not None:  # else handled already, by this process or another
            await self._note(channel, await self._post(thread, forum, reply) or problem)

    def _not_for_us(self, thread: discord.Thread) -> bool:
        """Our own posts, other bots' (when the cache knows), and posts from before we started."""
        me = self.bot.user
        owner = thread.owner
        return (
            (me is not None and thread.owner_id == me.id)
            or (owner is not None and owner.bot)
            or discord.utils.snowflake_time(thread.id) < self.started_at
        )

    async def _starter_message(
        self, thread: discord.Thread
    ) -> tuple[discord.Message | None, str | None]:
        """The post's first message (its author; its text with the message-content intent), and
        the problem, if it could not be read."""
        if thread.starter_message is not None:
            return thread.starter_message, None
        try:
            return await thread.fetch_message(thread.id), None
        except discord.Forbidden:
            return None, "cannot read the posts' first messages (needs Read Message History)"
        except discord.HTTPException:
            return None, None  # deleted already, or Discord failed: the title is the question

    async def _post(
        self,
        thread: discord.Thread,
        forum: discord.ForumChannel,
        reply: ForumReply,
    ) -> str | None:
        """Post the reply and apply its tag; the problem, if either could not be done."""
        try:
            if reply.kind is ReplyKind.ANSWER:
                await thread.send(
                    FROM_OUR_FACT_BASE,
                    embed=embeds.answer_embed(reply.answer),
                    view=answer_view(reply.answer.matches[0].id),
                    allowed_mentions=NO_MENTIONS,
                )
            elif reply.kind is ReplyKind.POINT:
                embed, view = pointer_message(reply)
                await thread.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
            elif reply.kind is ReplyKind.RULES:
                await thread.send(embed=rules_embed(reply), allowed_mentions=NO_MENTIONS)
            elif reply.kind is ReplyKind.WELCOME and reply.text:
                await thread.send(reply.text, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as exc:
            return f"cannot post in its threads (needs Send Messages in Threads; Discord said: {exc.text})"
        except discord.HTTPException as exc:  # not ours to retry: discord.py already handled 429s
            log.warning("could not reply to forum post %s: %s", thread.id, exc)
            return None
        return await self._apply_tag(thread, forum, reply.tag) if reply.tag else None

    async def _apply_tag(
        self, thread: discord.Thread, forum: discord.ForumChannel, name: str
    ) -> str | None:
        """Tag the post; the problem, if it could not be done."""
        tag = forum_tag(forum, name)
        if tag is None:
            return f"its tag '{name}' no longer exists; set the channel up again"
        if tag in thread.applied_tags or len(thread.applied_tags) >= MAX_TAGS_ON_A_POST:
            return None
        try:
            await thread.add_tags(tag, reason="askbot: forum reply")
        except discord.Forbidden as exc:
            return f"cannot apply tags (needs Manage Threads; Discord said: {exc.text})"
        except discord.HTTPException as exc:
            log.warning("could not tag forum post %s: %s", thread.id, exc)
        return None

    async def _note(self, channel: ForumChannel, problem: str | None) -> None:
        """Note a problem for /askbot forum list (one log line each time it changes), or clear
        the old one once replying works again."""
        if problem == channel.problem or not await self.bot.desk.note_forum_problem(
            channel.channel_id, problem
        ):
            return  # known already (the note is read before each post: no write when unchanged)
        if problem is None:
            log.info("forum channel %s: replies work again", channel.channel_id)
        else:
            log.warning("forum channel %s: %s", channel.channel_id, problem)

    # --- set-up -----------------------------------------------------------------------------------

    @forum.command(name="add", description="Reply to every new post in a forum channel")
    @app_commands.describe(
        channel="The forum channel",
        mode="answer: post the matched entry; point: only point to related entries; rules-only",
        answered_tag="A tag of this forum to apply when a post is answered",
        rephrase_tag="A tag of this forum to apply when a post breaks a rule",
        welcome="One line to post when nothing in the fact base is related (else silence)",
    )
    @moderators_only()
    async def forum_add(
        self,
        interaction: discord.Interaction[AskBot],
        channel: discord.ForumChannel,
        mode: Literal["answer", "point", "rules-only"] = "answer",
        answered_tag: str | None = None,
        rephrase_tag: str | None = None,
        welcome: str | None = None,
    ) -> None:
        unknown = [
            name for name in (answered_tag, rephrase_tag) if name and not forum_tag(channel, name)
        ]
        if unknown:
            have = ", ".join(f"'{t.name}'" for t in channel.available_tags) or "none"
            raise UserFacingError(
                f"{channel.mention} has no tag '{embeds.escape(unknown[0])}' (its tags: {embeds.escape(have)})."
            )
        try:
            settings = ForumChannelSettings(
                guild_id=channel.guild.id,
                channel_id=channel.id,
                mode=mode,
                answered_tag=answered_tag,
                rephrase_tag=rephrase_tag,
                welcome=welcome,
            )
        except ValidationError as exc:
            raise Refused([(str(e["loc"][0]), e["msg"]) for e in exc.errors()]) from exc
        new = await self.bot.desk.save_forum_channel(settings, actor(interaction))
        missing = missing_permissions(channel, settings)
        text = f"{'Now replying' if new else 'Updated: replying'} to new posts in {channel.mention} ({mode})."
        if missing:
            text += (
                f"\n⚠️ askbot lacks {', '.join(missing)} there: replies will fail until it has them."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @forum.command(name="remove", description="Stop replying to new posts in a forum channel")
    @app_commands.describe(channel="The forum channel")
    @moderators_only()
    async def forum_remove(
        self, interaction: discord.Interaction[AskBot], channel: discord.ForumChannel
    ) -> None:
        removed = await self.bot.desk.remove_forum_channel(channel.id, channel.guild.id)
        await interaction.response.send_message(
            f"No longer replying in {channel.mention}."
            if removed
            else f"{channel.mention} was not set up; nothing changed.",
            ephemeral=True,
        )

    @forum.command(name="list", description="The forum channels askbot replies in, and problems")
    @moderators_only()
    async def forum_list(self, interaction: discord.Interaction[AskBot]) -> None:
        configured = await self.bot.desk.forum_channels(interaction.guild_id)
        if not configured:
            await interaction.response.send_message(
                "No forum channels are set up: `/askbot forum add` sets one up.", ephemeral=True
            )
            return
        embed = discord.Embed(title="Forum channels", colour=embeds.COLOUR_ANSWER)
        for channel in configured[: embeds.FIELD_COUNT_LIMIT]:
            lines = [f"mode: **{channel.mode}**"]
            if channel.answered_tag:
                lines.append(f"answered tag: {embeds.escape(channel.answered_tag)}")
            if channel.rephrase_tag:
                lines.append(f"needs-rephrasing tag: {embeds.escape(channel.rephrase_tag)}")
            if channel.welcome:
                lines.append(f"welcome: {embeds.escape(channel.welcome)}")
            if channel.problem:
                lines.append(f"⚠️ {embeds.escape(channel.problem)} (since {channel.problem_at})")
            embed.add_field(
                name=f"#{embeds.clip(self._channel_name(channel.channel_id), 90)}",
                value=embeds.clip("\n".join(lines), embeds.FIELD_VALUE_LIMIT),
                inline=False,
            )
        await interaction.response.send_message(
            embed=embeds.fit_total(embed, "forum"), ephemeral=True
        )

    def _channel_name(self, channel_id: int) -> str:
        found = self.bot.get_channel(channel_id)
        return getattr(found, "name", None) or f"{channel_id} (deleted?)"


def missing_permissions(forum: discord.ForumChannel, settings: ForumChannelSettings) -> list[str]:
    """The permissions askbot needs in a forum channel and lacks, by Discord's names."""
    permissions = forum.permissions_for(forum.guild.me)
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages in Threads": permissions.send_messages_in_threads,
        "Embed Links": permissions.embed_links,
        "Read Message History": permissions.read_message_history,
    }
    if settings.answered_tag or settings.rephrase_tag:
        needed["Manage Threads"] = permissions.manage_threads
    return [name for name, granted in needed.items() if not granted]


async def setup(bot: AskBot) -> None:
    bot.add_dynamic_items(RelatedEntryButton)
    await bot.add_cog(ForumCog(bot))
