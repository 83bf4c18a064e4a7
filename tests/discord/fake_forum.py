"""Forum channels for the Discord stand-in: forum channels (type 15) with their tags, posts
(THREAD_CREATE with a starter message), messages sent in threads, tag edits, and the 403s Discord
answers when the bot lacks a permission in a channel.

    fake = FakeForumDiscord()
    forum = await fake.add_forum("questions", tags=["answered", "needs rephrasing"])
    thread = await fake.create_post(forum, "Why was Yagoda arrested?", "Asking for a friend")
    await fake.wait_until(lambda: fake.thread_messages.get(thread))

What the gateway carries follows the bot's intents: MESSAGE_CREATE only with GUILD_MESSAGES, and
message text (over the gateway or fetched) only with MESSAGE_CONTENT, as Discord does. Permission
overwrites are modelled as bits denied to the bot in one forum channel (``deny_bot``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from fake_discord import FakeDiscord, SentMessage
from fake_discord.protocol import (
    DISCORD_EPOCH_MS,
    INVALID_FORM_BODY,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
)
from fake_discord.records import _now_iso
from fake_discord.rest import BODY_KEY, FILES_KEY, _error, _json_response

GUILD_FORUM = 15
PUBLIC_THREAD = 11
MANAGE_THREADS = 1 << 34
GUILD_MESSAGES_INTENT = 1 << 9
MESSAGE_CONTENT_INTENT = 1 << 15
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
MAX_APPLIED_TAGS = 5


class FakeForumDiscord(FakeDiscord):
    """The stand-in, with forum channels and their posts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threads: dict[int, dict[str, Any]] = {}  # thread id -> its channel object
        self.starter_messages: dict[int, dict[str, Any]] = {}  # thread id -> its first message
        self.thread_messages: dict[int, list[SentMessage]] = {}  # what the bot posted in each
        self.tag_edits: list[tuple[int, list[int]]] = []  # (thread id, applied tag ids)
        self.denied: dict[int, int] = {}  # forum channel id -> permission bits the bot lacks there
        bot_role = next(r for r in self.roles if int(r["id"]) == self.bot_role_id)
        bot_role["permissions"] = str(int(bot_role["permissions"]) | MANAGE_THREADS)  # for tags

    # --- the world ------------------------------------------------------------------------------

    async def add_forum(self, name: str, tags: Sequence[str] = ()) -> int:
        """Add a forum channel with these tags; sends CHANNEL_CREATE when the bot is connected."""
        channel = self._channel_payload(self.snowflake(), name, position=len(self.channels))
        channel.update(
            type=GUILD_FORUM,
            available_tags=[
                {
                    "id": str(self.snowflake()),
                    "name": tag,
                    "moderated": False,
                    "emoji_id": None,
                    "emoji_name": None,
                }
                for tag in tags
            ],
            default_reaction_emoji=None,
            default_thread_rate_limit_per_user=0,
            default_sort_order=None,
            default_forum_layout=0,
        )
        self.channels.append(channel)
        if self.connected:
            await self.dispatch("CHANNEL_CREATE", channel)
        return int(channel["id"])

    def deny_bot(self, forum_id: int, permissions: int) -> None:
        """The bot lacks ``permissions`` in this forum and its posts (an overwrite, in effect)."""
        self.denied[forum_id] = self.denied.get(forum_id, 0) | permissions

    def tag_id(self, forum_id: int, name: str) -> int:
        forum = self._channel(forum_id)
        return int(next(t["id"] for t in forum["available_tags"] if t["name"] == name))

    def old_snowflake(self, seconds_ago: float) -> int:
        """An id whose timestamp lies ``seconds_ago`` in the past (a post made before the bot)."""
        now_ms = (self._last_snowflake >> 22) + DISCORD_EPOCH_MS
        self._last_snowflake += 1
        return ((now_ms - int(seconds_ago * 1000) - DISCORD_EPOCH_MS) << 22) | (
            self._last_snowflake & 0x3FFFFF
        )

    async def create_post(
        self,
        forum_id: int,
        title: str,
        content: str = "",
        *,
        author: int | None = None,
        bot_author: bool = False,
        thread_id: int | None = None,
        dispatch: bool = True,
    ) -> int:
        """A member's new post: the thread and its first message (same id), then THREAD_CREATE
        (and MESSAGE_CREATE, if the bot's intents ask for it). Returns the thread id."""
        author_id = author or self.user_id
        thread_id = thread_id or self.snowflake()
        user = self.user_payload(author_id)
        user["bot"] = bot_author
        self.users[author_id] = user
        thread = {
            "id": str(thread_id),
            "type": PUBLIC_THREAD,
            "guild_id": str(self.guild_id),
            "parent_id": str(forum_id),
            "owner_id": str(author_id),
            "name": title,
            "last_message_id": str(thread_id),
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 4320,
                "archive_timestamp": _now_iso(),
                "locked": False,
                "create_timestamp": _now_iso(),
            },
        }
        self.threads[thread_id] = thread
        self.starter_messages[thread_id] = self.make_message(
            content=content, author=dict(user), channel_id=thread_id, id=str(thread_id)
        )
        if dispatch:
            await self.send_thread_create(thread_id)
        return thread_id

    async def send_thread_create(self, thread_id: int) -> None:
        """THREAD_CREATE for a post (again, to test duplicate events)."""
        await self.dispatch("THREAD_CREATE", {**self.threads[thread_id], "newly_created": True})
        if self._intents() & GUILD_MESSAGES_INTENT:
            message = self._as_seen(self.starter_messages[thread_id])
            await self.dispatch("MESSAGE_CREATE", {**message, "guild_id": str(self.guild_id)})

    def applied_tags(self, thread_id: int) -> list[int]:
        return [int(t) for t in self.threads[thread_id]["applied_tags"]]

    def touched(self, channel_id: int) -> list[str]:
        """Every request the bot made about a channel or thread (to check it left one alone)."""
        return [str(r) for r in self.requests if f"/channels/{channel_id}" in r.path]

    # --- helpers --------------------------------------------------------------------------------

    def _intents(self) -> int:
        return int((self.identify or {}).get("intents") or 0)

    def _as_seen(self, message: dict[str, Any]) -> dict[str, Any]:
        """A member's message as the bot receives it: no text without the MESSAGE_CONTENT intent."""
        if self._intents() & MESSAGE_CONTENT_INTENT:
            return dict(message)
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}

    def _channel(self, channel_id: int) -> dict[str, Any]:
        return next(c for c in self.channels if int(c["id"]) == channel_id)

    def _bot_may(self, thread_id: int, permission: int) -> bool:
        forum_id = int(self.threads[thread_id]["parent_id"])
        granted = self.role_permissions([self.bot_role_id]) & ~self.denied.get(forum_id, 0)
        return granted & permission == permission

    def _interaction_payload(
        self, itype: int, data: dict[str, Any], *, channel_id: int | None, **kwargs: Any
    ) -> tuple[dict[str, Any], int, int]:
        """Interactions in a thread (a button under a forum reply) carry the thread as channel."""
        if channel_id not in self.threads:
            return super()._interaction_payload(itype, data, channel_id=channel_id, **kwargs)
        thread = self.threads[channel_id]
        payload, user_id, permissions = super()._interaction_payload(
            itype, data, channel_id=int(thread["parent_id"]), **kwargs
        )
        payload["channel_id"] = thread["id"]
        payload["channel"] = {**thread, "permissions": str(permissions)}
        return payload, user_id, permissions

    # --- REST -----------------------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        router.add_get(f"{prefix}/channels/{{channel}}/messages/{{message}}", self._get_message)
        router.add_patch(f"{prefix}/channels/{{channel}}", self._edit_thread)

    async def _channel_message(self, request: web.Request) -> web.Response:
        """POST channels/{thread}/messages: a message in a thread, if the bot may post there."""
        thread_id = int(request.match_info["channel"])
        if thread_id not in self.threads:
            return await super()._channel_message(request)
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        if not self._bot_may(thread_id, VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS):
            return _error(403, MISSING_PERMISSIONS, "Missing Permissions")
        payload: dict[str, Any] = request[BODY_KEY] or {}
        problems = self._validate_message(payload, request[FILES_KEY])
        if problems:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
        message = self._create_message(payload, request[FILES_KEY], channel_id=thread_id)
        message.data["guild_id"] = str(self.guild_id)
        self.thread_messages.setdefault(thread_id, []).append(message)
        self._notify()
        return _json_response(message.data)

    async def _get_message(self, request: web.Request) -> web.Response:
        """GET channels/{thread}/messages/{id}: a post's first message, if the bot may read it."""
        thread_id, message_id = (
            int(request.match_info["channel"]),
            int(request.match_info["message"]),
        )
        if thread_id not in self.threads or message_id not in self.starter_messages:
            return _error(404, 10008, "Unknown Message")
        if not self._bot_may(thread_id, VIEW_CHANNEL | READ_MESSAGE_HISTORY):
            return _error(403, MISSING_ACCESS, "Missing Access")
        return _json_response(self._as_seen(self.starter_messages[message_id]))

    async def _edit_thread(self, request: web.Request) -> web.Response:
        """PATCH channels/{thread}: only ``applied_tags`` is modelled (Manage Threads needed to
        tag another member's post); sends THREAD_UPDATE."""
        thread_id = int(request.match_info["channel"])
        if thread_id not in self.threads:
            return await self._unknown(request)
        body: dict[str, Any] = request[BODY_KEY] or {}
        if set(body) != {"applied_tags"}:
            return await self._unknown(request)
        if not self._bot_may(thread_id, MANAGE_THREADS):
            return _error(403, MISSING_PERMISSIONS, "Missing Permissions")
        thread = self.threads[thread_id]
        forum = self._channel(int(thread["parent_id"]))
        known = {t["id"] for t in forum["available_tags"]}
        tags = [str(t) for t in body["applied_tags"]]
        if len(tags) > MAX_APPLIED_TAGS or not set(tags) <= known:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", {"applied_tags": "bad"})
        thread["applied_tags"] = tags
        self.tag_edits.append((thread_id, [int(t) for t in tags]))
        await self.dispatch("THREAD_UPDATE", thread)
        return _json_response(thread)
