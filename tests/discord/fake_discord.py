"""A small stand-in for Discord's REST API v10 and gateway, for running the real discord.py client.

Tests start a :class:`FakeDiscord` on 127.0.0.1, point discord.py at it (``discord.http.Route.BASE``
and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; the ``running_bot`` fixture in
``conftest.py`` does that) and then play the Discord user: ``await fake.slash("ask", {...})`` sends an
INTERACTION_CREATE over the gateway and waits until the bot has answered through the interaction
callback. Everything the bot sends is recorded and checked against the limits Discord enforces
(message length, embed limits, empty messages, the 3-second acknowledgement deadline, ...), so a
payload Discord would reject fails here too.

Not modelled: rate limits, channel permission overwrites, DMs, sharding beyond echoing ``shard``,
message history and any route not listed in :meth:`FakeDiscord._build_app` (unknown routes answer
404 and are recorded in :attr:`FakeDiscord.unknown_routes`).
"""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

__all__ = [
    "ADMINISTRATOR",
    "EPHEMERAL",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "BotDidNotRespond",
    "BotLoggedError",
    "DiscordWouldRefuse",
    "FakeDiscord",
    "InteractionRecord",
    "RecordedRequest",
    "SentMessage",
    "UploadedFile",
]

API_PREFIX = "/api/v10"
BODY_KEY = web.RequestKey("fake_discord.body", object)
FILES_KEY = web.RequestKey("fake_discord.files", list)
GATEWAY_PATH = "/gateway"
DISCORD_EPOCH_MS = 1_420_070_400_000

# Message flags.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
ALL_PERMISSIONS = (1 << 53) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
MODERATOR_PERMISSIONS = MANAGE_MESSAGES | MANAGE_GUILD | MODERATE_MEMBERS
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES

# Interaction types and interaction callback types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
MODAL = 9

# What Discord accepts as the first response to each interaction type.
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    APPLICATION_COMMAND_AUTOCOMPLETE: {APPLICATION_COMMAND_AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}

# Application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

# Component types.
ACTION_ROW = 1
BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
SELECT_TYPES = {3, 5, 6, 7, 8}
LABEL = 18

# Discord's JSON error codes used here.
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
CANNOT_SEND_EMPTY_MESSAGE = 50006
INVALID_FORM_BODY = 50035
ALREADY_ACKNOWLEDGED = 40060


class BotDidNotRespond(AssertionError):
    """The bot did not answer an interaction (or a followup/edit did not come) in time."""


class BotLoggedError(AssertionError):
    """discord.py logged an error (an unhandled exception in a command, view, modal or event)."""


class DiscordWouldRefuse(AssertionError):
    """The test asked for something a Discord client could not do (click a disabled button, ...)."""


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _json_response(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text() compares the header verbatim and
    # treats "application/json; charset=utf-8" (what web.json_response sends) as plain text.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )


def _error(
    status: int, code: int, message: str, errors: Mapping[str, str] | None = None
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        nested: dict[str, Any] = {}
        for path, text in errors.items():
            node = nested
            for part in path.split("."):
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": "FAKE_DISCORD", "message": text})
        body["errors"] = nested
    return _json_response(body, status)


def _walk_components(components: Sequence[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: action rows, labels, sections, containers and their children."""
    for component in components:
        yield component  # type: ignore[misc]
        children = list(component.get("components") or [])
        if isinstance(component.get("component"), Mapping):
            children.append(component["component"])
        if isinstance(component.get("accessory"), Mapping):
            children.append(component["accessory"])
        yield from _walk_components(children)


@dataclass
class UploadedFile:
    """A file the bot attached (multipart ``files[n]``)."""

    field_name: str
    filename: str
    content: bytes
    content_type: str | None


@dataclass
class RecordedRequest:
    """One HTTP request the bot made to the stand-in."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(eq=False)
class SentMessage:
    """A message the bot created (interaction response, followup or channel message).

    ``data`` is the message object as the stand-in returns it to discord.py, kept current: edits
    change it in place, so ``record.message.content`` always shows what a user would see now.
    """

    data: dict[str, Any]
    interaction_user_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    deleted: bool = False

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.data.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Still the "<bot> is thinking..." placeholder of a deferred response."""
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in _walk_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> dict[str, Any]:
        for component in _walk_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        raise KeyError(f"no component {custom_id!r} on message {self.id}; has {self.custom_ids}")

    def __repr__(self) -> str:
        return (
            f"<SentMessage id={self.id} content={self.content!r} embeds={len(self.embeds)}"
            f" custom_ids={self.custom_ids} flags={self.flags} deleted={self.deleted}>"
        )


class InteractionRecord:
    """One interaction the test sent, and everything the bot did with it.

    ``callback_type`` and ``data`` are the bot's initial response (``POST .../callback``);
    ``message`` is the response message in its current state (``None`` for autocomplete and modal
    responses), ``followups`` the followup messages in order, ``edits`` the payloads of every edit
    of the original response.
    """

    def __init__(
        self,
        fake: FakeDiscord,
        payload: dict[str, Any],
        *,
        user_id: int,
        source_message_id: int | None,
    ) -> None:
        self.fake = fake
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.user_id = user_id
        self.source_message_id = source_message_id
        self.created_at = asyncio.get_running_loop().time()
        self.callback_type: int | None = None
        self.data: dict[str, Any] = {}
        self.callback_files: list[UploadedFile] = []
        self.message_id: int | None = None
        self.followups: list[SentMessage] = []
        self.edits: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.modal_submitted = False
        self._errors_at_start = len(fake.bot_errors)

    # -- the response ------------------------------------------------------------------------
    @property
    def responded(self) -> bool:
        return self.callback_type is not None

    @property
    def message(self) -> SentMessage | None:
        return None if self.message_id is None else self.fake.messages.get(self.message_id)

    @property
    def content(self) -> str:
        message = self.message
        return message.content if message is not None else (self.data.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        message = self.message
        return message.embeds if message is not None else list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        message = self.message
        return (
            message.components if message is not None else list(self.data.get("components") or [])
        )

    @property
    def flags(self) -> int:
        message = self.message
        return message.flags if message is not None else int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in _walk_components(self.components) if "custom_id" in c]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The autocomplete choices (callback type 8)."""
        return list(self.data.get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback type 9): ``{custom_id, title, components}``."""
        return self.data if self.callback_type == MODAL else None

    # -- waiting -----------------------------------------------------------------------------
    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float | None = None, what: str = "it"
    ) -> None:
        """Wait until ``predicate()`` holds; fail fast if discord.py logs an error meanwhile."""
        await self.fake._wait(predicate, timeout=timeout, what=what, record=self)

    async def wait_for_response(self, timeout: float | None = None) -> InteractionRecord:
        """Wait for the initial response; fails as Discord would when the 3 s deadline passes."""
        deadline = self.created_at + self.fake.callback_deadline + 0.05
        loop = asyncio.get_running_loop()

        def done() -> bool:
            return self.responded or loop.time() > deadline

        if timeout is None:
            timeout = max(self.fake.callback_deadline + 0.1, 0.1)
        await self.wait_until(done, timeout=timeout, what="the initial response")
        if not self.responded:
            raise BotDidNotRespond(
                f"the bot did not acknowledge interaction {self.describe()} within "
                f"{self.fake.callback_deadline:g} s (Discord shows 'The application did not "
                f"respond'){self.fake.diagnostics(self)}"
            )
        return self

    async def wait_for_followup(self, count: int = 1, timeout: float | None = None) -> SentMessage:
        """Wait until at least ``count`` followups were sent; return the ``count``-th."""
        await self.wait_until(
            lambda: len(self.followups) >= count, timeout=timeout, what=f"followup #{count}"
        )
        return self.followups[count - 1]

    async def wait_for_edit(self, count: int = 1, timeout: float | None = None) -> SentMessage:
        """Wait until the original response was edited ``count`` times; return the message."""
        await self.wait_until(
            lambda: len(self.edits) >= count, timeout=timeout, what=f"edit #{count} of the response"
        )
        assert self.message is not None
        return self.message

    # -- misc --------------------------------------------------------------------------------
    def describe(self) -> str:
        data = self.payload.get("data") or {}
        what = data.get("name") or data.get("custom_id") or ""
        return f"#{self.id} (type {self.type} {what!r})"

    def __repr__(self) -> str:
        return (
            f"<InteractionRecord {self.describe()} callback_type={self.callback_type}"
            f" content={self.content!r} embeds={len(self.embeds)} ephemeral={self.ephemeral}"
            f" followups={len(self.followups)}>"
        )


class FakeDiscord:
    """Discord API v10 (the parts a slash-command bot uses) and a gateway, on 127.0.0.1.

    Configure users, roles and channels before the bot connects; the GUILD_CREATE sent after
    IDENTIFY reflects them. ``callback_deadline`` is Discord's 3-second window for the initial
    interaction response (lower it to test slow handlers quickly).
    """

    def __init__(
        self,
        *,
        token: str = "fake-token",
        callback_deadline: float = 3.0,
        default_timeout: float = 5.0,
        enforce_default_member_permissions: bool = True,
    ) -> None:
        self.token = token
        self.callback_deadline = callback_deadline
        self.default_timeout = default_timeout
        self.enforce_default_member_permissions = enforce_default_member_permissions
        self.heartbeat_interval_ms = 41_250
        self.fail_fast_on_bot_errors = True

        self._last_snowflake = 0
        self.app_id = self.snowflake()
        self.bot_user: dict[str, Any] = {
            "id": str(self.app_id),
            "username": "askbot",
            "discriminator": "0000",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
            "email": None,
        }
        self.owner_id = self.snowflake()
        self.user_id = self.snowflake()  # default member who runs the commands
        self.guild_id = self.snowflake()
        self.guild_name = "Test Guild"
        self.channel_id = self.snowflake()
        self.moderator_role_id = self.snowflake()
        self.bot_role_id = self.snowflake()
        self.session_id = secrets.token_hex(16)

        self.users: dict[int, dict[str, Any]] = {}
        self.add_user(self.owner_id, "owner")
        self.add_user(self.user_id, "member")
        self.roles: list[dict[str, Any]] = [
            self._role_payload(self.guild_id, "@everyone", EVERYONE_PERMISSIONS, position=0),
            self._role_payload(self.moderator_role_id, "Moderator", MODERATOR_PERMISSIONS, 1),
            self._role_payload(self.bot_role_id, "askbot", BOT_PERMISSIONS, 2, managed=True),
        ]
        self.roles[2]["tags"] = {"bot_id": str(self.app_id)}
        self.channels: list[dict[str, Any]] = [
            self._channel_payload(self.channel_id, "general", position=0)
        ]

        # Recordings.
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.rejected_requests: list[str] = []
        self.server_errors: list[str] = []
        self.sync_calls: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.synced_commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: list[InteractionRecord] = []
        self.messages: dict[int, SentMessage] = {}
        self.channel_messages: list[SentMessage] = []
        self.dm_channels: dict[int, int] = {}  # DM channel id -> the user it reaches
        self.direct_messages: list[tuple[int, SentMessage]] = []  # (user id, message)
        self.gateway_received: list[dict[str, Any]] = []
        self.gateway_sent: list[dict[str, Any]] = []
        self.identify: dict[str, Any] | None = None
        self.bot_log: list[str] = []
        self.bot_errors: list[str] = []

        self._records_by_token: dict[str, InteractionRecord] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._ws: web.WebSocketResponse | None = None
        self._send_lock: asyncio.Lock | None = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._guild_sent: asyncio.Event | None = None
        self.url = ""
        self.port = 0

    # ===================================================================== lifecycle ======
    async def start(self) -> FakeDiscord:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._guild_sent = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._runner = web.AppRunner(self._build_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    async def stop(self) -> None:
        """Close gateway connections and the server. Idempotent."""
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"fake discord stopping")
        self._sockets.clear()
        self._ws = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return f"{self.url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` must be set to."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def wait_until_connected(self, timeout: float | None = None) -> None:
        """Wait until a client identified and the guild was sent (GUILD_CREATE)."""
        assert self._guild_sent is not None, "call start() first"
        await asyncio.wait_for(self._guild_sent.wait(), timeout or self.default_timeout)

    # ========================================================== world configuration ======
    def snowflake(self) -> int:
        """A fresh, increasing, realistic snowflake (its timestamp is now)."""
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_snowflake = max(value, self._last_snowflake + 1)
        return self._last_snowflake

    def add_user(self, user_id: int | None = None, username: str | None = None) -> dict[str, Any]:
        user_id = user_id or self.snowflake()
        user = {
            "id": str(user_id),
            "username": username or f"user{user_id % 100_000}",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }
        self.users[user_id] = user
        return user

    def user_payload(self, user_id: int) -> dict[str, Any]:
        return dict(self.users.get(user_id) or self.add_user(user_id))

    async def add_role(self, name: str, permissions: int = 0) -> int:
        """Add a role; sends GUILD_ROLE_CREATE when the bot is already connected."""
        role = self._role_payload(self.snowflake(), name, permissions, position=len(self.roles))
        self.roles.append(role)
        if self.connected:
            await self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(self.guild_id), "role": role})
        return int(role["id"])

    async def add_channel(self, name: str) -> int:
        """Add a text channel; sends CHANNEL_CREATE when the bot is already connected."""
        channel = self._channel_payload(self.snowflake(), name, position=len(self.channels))
        self.channels.append(channel)
        if self.connected:
            await self.dispatch("CHANNEL_CREATE", channel)
        return int(channel["id"])

    def role_permissions(self, roles: Sequence[int]) -> int:
        """Guild-level permissions of a member with ``roles`` (plus @everyone)."""
        by_id = {int(r["id"]): int(r["permissions"]) for r in self.roles}
        perms = by_id[self.guild_id]
        for role_id in roles:
            perms |= by_id.get(int(role_id), 0)
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def _role_payload(
        self, role_id: int, name: str, permissions: int, position: int, *, managed: bool = False
    ) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }

    def _channel_payload(self, channel_id: int, name: str, position: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def _member_payload(
        self, user_id: int, roles: Sequence[int], permissions: int | None
    ) -> dict[str, Any]:
        member: dict[str, Any] = {
            "user": self.user_payload(user_id),
            "roles": [str(r) for r in roles],
            "joined_at": _now_iso(),
            "premium_since": None,
            "nick": None,
            "avatar": None,
            "banner": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            member["permissions"] = str(permissions)
        return member

    def guild_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload (members: only the bot itself, as with no members intent)."""
        bot_member = self._member_payload(self.app_id, [self.bot_role_id], None)
        bot_member["user"] = dict(self.bot_user)
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "features": [],
            "roles": [dict(r) for r in self.roles],
            "emojis": [],
            "stickers": [],
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500_000,
            "application_id": None,
            "joined_at": _now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.users) + 1,
            "members": [bot_member],
            "channels": [dict(c) for c in self.channels],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def application_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "askbot",
            "icon": None,
            "description": "askbot under test",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": secrets.token_hex(32),
            "flags": 0,
            "owner": self.user_payload(self.owner_id),
            "team": None,
            "guild_id": None,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,  # not None would make discord.py warn
            "approximate_guild_count": 1,
            "bot": dict(self.bot_user),
            "integration_types_config": {"0": {}},
        }

    # ======================================================================= gateway ======
    async def dispatch(self, event: str, data: Mapping[str, Any]) -> None:
        """Send a DISPATCH (op 0) event to the connected bot."""
        if not self.connected:
            raise RuntimeError(f"cannot send {event}: no bot is connected to the gateway")
        self._seq += 1
        await self._send({"op": 0, "t": event, "s": self._seq, "d": data})

    async def _send(self, payload: dict[str, Any], ws: web.WebSocketResponse | None = None) -> None:
        target = ws or self._ws
        assert target is not None and self._send_lock is not None
        self.gateway_sent.append(payload)
        async with self._send_lock:
            # Text frames only: discord.py inflates binary frames (zlib-stream) but reads text as is.
            await target.send_str(json.dumps(payload))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                },
                ws,
            )
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    continue
                await self._on_gateway_message(ws, json.loads(msg.data))
        except Exception as exc:  # a bug in the stand-in: make the test fail loudly
            self._server_error(f"gateway: {exc!r}")
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
        return ws

    async def _on_gateway_message(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        self.gateway_received.append(payload)
        op, data = payload.get("op"), payload.get("d")
        if op == 1:  # HEARTBEAT
            await self._send({"op": 11, "d": None, "s": None, "t": None}, ws)
        elif op == 2:  # IDENTIFY
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identify = data
            self._ws = ws
            self._seq = 0
            ready: dict[str, Any] = {
                "v": 10,
                "user": dict(self.bot_user),
                "user_settings": {},
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "session_id": self.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.app_id), "flags": 0},
            }
            if data.get("shard"):
                ready["shard"] = data["shard"]
            await self.dispatch("READY", ready)
            await self.dispatch("GUILD_CREATE", self.guild_payload())
            assert self._guild_sent is not None
            self._guild_sent.set()
            self._notify()
        elif op == 6:  # RESUME
            self._ws = ws
            await self.dispatch("RESUMED", {})
        elif op == 8:  # REQUEST_GUILD_MEMBERS
            await self.dispatch(
                "GUILD_MEMBERS_CHUNK",
                {
                    "guild_id": str(self.guild_id),
                    "members": [],
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "not_found": [],
                    "nonce": data.get("nonce"),
                },
            )
        # op 3 (presence) and anything else: recorded in gateway_received, no answer.

    # ========================================================================== REST ======
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        r = app.router
        a = API_PREFIX
        r.add_get(GATEWAY_PATH, self._gateway)
        r.add_get(f"{a}/users/@me", self._get_me)
        r.add_get(f"{a}/users/{{user}}", self._get_user)
        r.add_post(f"{a}/users/@me/channels", self._open_dm)
        r.add_get(f"{a}/oauth2/applications/@me", self._get_application)
        r.add_get(f"{a}/gateway", self._get_gateway)
        r.add_get(f"{a}/gateway/bot", self._get_gateway)
        r.add_route("*", f"{a}/applications/{{app}}/commands", self._commands)
        r.add_route("*", f"{a}/applications/{{app}}/guilds/{{guild}}/commands", self._commands)
        r.add_post(f"{a}/interactions/{{interaction}}/{{token}}/callback", self._callback)
        r.add_post(f"{a}/webhooks/{{app}}/{{token}}", self._followup)
        r.add_route("*", f"{a}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._webhook_msg)
        r.add_post(f"{a}/channels/{{channel}}/messages", self._channel_message)
        self._add_routes(r, a)
        r.add_route("*", "/{tail:.*}", self._unknown)
        return app

    def _add_routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        """Where a module extending the stand-in (fake_forum.py) adds its routes."""

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == GATEWAY_PATH:
            return await handler(request)
        body, files = await self._read_body(request)
        recorded = RecordedRequest(request.method, request.path, dict(request.query), body)
        self.requests.append(recorded)
        request[BODY_KEY], request[FILES_KEY] = body, files
        try:
            response = await handler(request)
        except Exception as exc:
            # Never answer 5xx: discord.py retries those with sleeps of 1, 3, 5, ... seconds.
            self._server_error(f"{request.method} {request.path}: {exc!r}")
            response = _error(400, 0, f"fake discord failed: {exc!r}")
        recorded.status = response.status
        if response.status >= 400 and response.status != 404:
            self.rejected_requests.append(f"{recorded}: {getattr(response, 'text', '')}")
        self._notify()
        return response

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                assert isinstance(part, aiohttp.BodyPartReader)
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append(
                        UploadedFile(
                            part.name or "",
                            part.filename or "",
                            bytes(await part.read()),
                            part.headers.get("Content-Type"),
                        )
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path}")
        return _error(404, 0, "404: Not Found")

    async def _get_me(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        return _json_response(self.bot_user)

    async def _get_application(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        return _json_response(self.application_payload())

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _commands(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        if int(request.match_info["app"]) != self.app_id:
            return _error(404, 10002, "Unknown Application")
        guild = request.match_info.get("guild")
        scope = int(guild) if guild is not None else None
        if scope is not None and scope != self.guild_id:
            return _error(403, 50001, "Missing Access")
        if request.method == "GET":
            return _json_response(self.synced_commands.get(scope, []))
        if request.method != "PUT":
            return await self._unknown(request)
        payload = request[BODY_KEY] or []
        problems = self._validate_commands(payload)
        if problems:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
        self.sync_calls.append((scope, payload))
        stored = []
        for command in payload:
            key = (scope, command["name"], command.get("type", 1))
            command_id = self._command_ids.setdefault(key, self.snowflake())
            entry = {
                "description": "",  # context menus have none; Discord returns ""
                "default_member_permissions": None,
                "type": 1,
                "options": [],
                "nsfw": False,
                **command,
                "id": str(command_id),
                "application_id": str(self.app_id),
                "version": str(self.snowflake()),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.synced_commands[scope] = stored
        return _json_response(stored)

    # -- interaction responses ----------------------------------------------------------------
    async def _callback(self, request: web.Request) -> web.Response:
        record = self._records_by_token.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["interaction"]:
            return _error(404, UNKNOWN_INTERACTION, "Unknown interaction")
        body: dict[str, Any] = request[BODY_KEY] or {}
        files: list[UploadedFile] = request[FILES_KEY]
        ctype = body.get("type")
        data = body.get("data") or {}
        loop = asyncio.get_running_loop()

        def reject(response: web.Response, why: str) -> web.Response:
            record.rejected.append(f"callback type {ctype}: {why}")
            self._notify()
            return response

        if record.responded:
            return reject(
                _error(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."),
                "already acknowledged",
            )
        if loop.time() - record.created_at > self.callback_deadline:
            return reject(
                _error(404, UNKNOWN_INTERACTION, "Unknown interaction"),
                f"later than the {self.callback_deadline:g} s deadline",
            )
        if ctype not in ALLOWED_CALLBACKS.get(record.type, set()):
            return reject(
                _error(400, INVALID_FORM_BODY, "Invalid Form Body", {"type": "invalid type"}),
                f"not allowed for interaction type {record.type}",
            )
        if ctype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE) and record.source_message_id is None:
            return reject(
                _error(400, INVALID_FORM_BODY, "Invalid Form Body", {"type": "no message"}),
                "no message to update (modal not opened from a component)",
            )

        problems: dict[str, str] = {}
        if ctype == CHANNEL_MESSAGE_WITH_SOURCE:
            problems = self._validate_message(data, files, prefix="data.")
        elif ctype == UPDATE_MESSAGE:
            source = self.messages[record.source_message_id]  # type: ignore[index]
            problems = self._validate_message(
                {**source.data, **data}, files, prefix="data.", existing=source
            )
        elif ctype == APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            problems = self._validate_choices(data.get("choices"))
        elif ctype == MODAL:
            problems = self._validate_modal(data)
        if problems:
            return reject(
                _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems), str(problems)
            )

        record.callback_type = ctype
        record.data = data
        record.callback_files = files
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        resource: dict[str, Any] = {"type": ctype}
        message: SentMessage | None = None
        if ctype == CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._create_message(data, files, record=record)
        elif ctype == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self._create_message({"flags": flags}, [], record=record)
        elif ctype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            message = self.messages[record.source_message_id]  # type: ignore[index]
            if ctype == UPDATE_MESSAGE:
                self._apply_edit(message, data, files)
        if message is not None:
            record.message_id = message.id
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = message.data
        self._notify()
        return _json_response({"interaction": interaction, "resource": resource})

    def _record_for_webhook(self, request: web.Request) -> InteractionRecord | None:
        if request.match_info["app"] != str(self.app_id):
            return None
        record = self._records_by_token.get(request.match_info["token"])
        # Until the interaction is acknowledged its token is not a usable webhook.
        return record if record is not None and record.responded else None

    async def _followup(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        if record is None:
            return _error(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        payload: dict[str, Any] = request[BODY_KEY] or {}
        files: list[UploadedFile] = request[FILES_KEY]
        original = record.message
        if (
            record.callback_type == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            and original is not None
            and original.loading
        ):
            # The first followup after a "thinking" defer replaces the placeholder; it keeps the
            # defer's ephemerality whatever the followup's flags say.
            problems = self._validate_message(payload, files, existing=original)
            if problems:
                return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
            self._apply_edit(original, payload, files, record_edit=False)
            record.followups.append(original)
            self._notify()
            return _json_response(original.data)
        problems = self._validate_message(payload, files)
        if problems:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
        message = self._create_message(payload, files, record=record, followup=True)
        record.followups.append(message)
        self._notify()
        return _json_response(message.data)

    async def _webhook_msg(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        if record is None:
            return _error(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        raw_id = request.match_info["message"]
        if raw_id == "@original":
            message = record.message
        else:
            owned = {m.id: m for m in record.followups}
            if record.message is not None:
                owned[record.message.id] = record.message
            message = owned.get(int(raw_id)) if raw_id.isdigit() else None
        if message is None or message.deleted:
            return _error(404, UNKNOWN_MESSAGE, "Unknown Message")
        if request.method == "GET":
            return _json_response(message.data)
        if request.method == "DELETE":
            message.deleted = True
            self._notify()
            return web.Response(status=204)
        if request.method != "PATCH":
            return await self._unknown(request)
        payload: dict[str, Any] = request[BODY_KEY] or {}
        files: list[UploadedFile] = request[FILES_KEY]
        problems = self._validate_message({**message.data, **payload}, files, existing=message)
        if problems:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
        self._apply_edit(message, payload, files)
        if message.id == record.message_id:
            record.edits.append(payload)
        self._notify()
        return _json_response(message.data)

    async def _get_user(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        return _json_response(self.user_payload(int(request.match_info["user"])))

    async def _open_dm(self, request: web.Request) -> web.Response:
        """POST users/@me/channels: a DM channel with one user (as discord.py's User.send opens)."""
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        recipient = int((request[BODY_KEY] or {})["recipient_id"])
        channel_id = (
            next((c for c, u in self.dm_channels.items() if u == recipient), None)
            or self.snowflake()
        )
        self.dm_channels[channel_id] = recipient
        return _json_response(
            {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "recipients": [self.user_payload(recipient)],
            }
        )

    async def _channel_message(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 0, "401: Unauthorized")
        channel_id = int(request.match_info["channel"])
        if channel_id in self.dm_channels:
            payload = request[BODY_KEY] or {}
            problems = self._validate_message(payload, request[FILES_KEY])
            if problems:
                return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
            message = self._create_message(payload, request[FILES_KEY], channel_id=channel_id)
            self.direct_messages.append((self.dm_channels[channel_id], message))
            self._notify()
            return _json_response(message.data)
        if channel_id not in {int(c["id"]) for c in self.channels}:
            return _error(404, 10003, "Unknown Channel")
        payload: dict[str, Any] = request[BODY_KEY] or {}
        files: list[UploadedFile] = request[FILES_KEY]
        problems = self._validate_message(payload, files)
        if problems:
            return _error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
        message = self._create_message(payload, files, channel_id=channel_id)
        message.data["guild_id"] = str(self.guild_id)
        self.channel_messages.append(message)
        self._notify()
        return _json_response(message.data)

    # -- messages ------------------------------------------------------------------------------
    def _create_message(
        self,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        record: InteractionRecord | None = None,
        followup: bool = False,
        channel_id: int | None = None,
    ) -> SentMessage:
        if record is not None:
            channel_id = int((record.payload.get("channel") or {}).get("id") or self.channel_id)
            msg_type = 0
            if record.type == APPLICATION_COMMAND and not followup:
                command_type = (record.payload.get("data") or {}).get("type", 1)
                msg_type = 20 if command_type == 1 else 23
        else:
            msg_type = 0
        data: dict[str, Any] = {
            "id": str(self.snowflake()),
            "type": msg_type,
            "channel_id": str(channel_id or self.channel_id),
            "author": dict(self.bot_user),
            "content": "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": int(payload.get("flags") or 0),
        }
        if record is not None:
            data["webhook_id"] = str(self.app_id)
            data["application_id"] = str(self.app_id)
            data["interaction_metadata"] = {
                "id": str(record.id),
                "type": record.type,
                "user": self.user_payload(record.user_id),
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            }
        message = SentMessage(data, interaction_user_id=record.user_id if record else None)
        self._apply_edit(message, payload, files, creating=True)
        self.messages[message.id] = message
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        creating: bool = False,
        record_edit: bool = True,
    ) -> None:
        data = message.data
        if "content" in payload:
            data["content"] = payload["content"] or ""
        if "embeds" in payload:
            data["embeds"] = [{"type": "rich", **e} for e in payload["embeds"] or []]
        if "components" in payload:
            data["components"] = list(payload["components"] or [])
        if payload.get("poll"):
            data["poll"] = payload["poll"]
        if "flags" in payload and payload["flags"] is not None and not creating:
            # Ephemerality is fixed at creation; the rest (suppress embeds, ...) may change.
            data["flags"] = (int(payload["flags"]) & ~EPHEMERAL) | (message.flags & EPHEMERAL)
        if "attachments" in payload or files:
            data["attachments"] = self._attachments(message, payload.get("attachments"), files)
            message.files.extend(files)
        if creating:
            return
        data["flags"] = int(data.get("flags") or 0) & ~LOADING  # the placeholder is answered
        data["edited_timestamp"] = _now_iso()
        if record_edit:
            message.edits.append(dict(payload))

    def _attachments(
        self, message: SentMessage, wanted: Any, files: list[UploadedFile]
    ) -> list[dict[str, Any]]:
        existing = {a["id"]: a for a in message.data.get("attachments") or []}
        uploads = {f.field_name: f for f in files}
        result = []
        entries = wanted if wanted is not None else [{"id": i} for i in range(len(files))]
        for entry in entries:
            entry_id = str(entry.get("id"))
            if entry_id in existing:
                result.append(existing[entry_id])
                continue
            upload = uploads.get(f"files[{entry_id}]")
            if upload is None:
                continue
            attachment_id = self.snowflake()
            url = f"{self.url}/attachments/{attachment_id}/{upload.filename}"
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": entry.get("filename") or upload.filename,
                    "description": entry.get("description"),
                    "size": len(upload.content),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
        return result

    # -- validation (the limits Discord enforces) -------------------------------------------------
    def _validate_message(
        self,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        prefix: str = "",
        existing: SentMessage | None = None,
    ) -> dict[str, str]:
        problems: dict[str, str] = {}
        content = payload.get("content") or ""
        embeds = payload.get("embeds") or []
        flags = int(payload.get("flags") or (existing.flags if existing else 0))
        if len(content) > 2000:
            problems[f"{prefix}content"] = f"Must be 2000 or fewer in length (is {len(content)})."
        if len(embeds) > 10:
            problems[f"{prefix}embeds"] = "Must be 10 or fewer in length."
        total = 0
        for i, embed in enumerate(embeds):
            where = f"{prefix}embeds.{i}"
            limits = {"title": 256, "description": 4096}
            for key, limit in limits.items():
                text = embed.get(key) or ""
                total += len(text)
                if len(text) > limit:
                    problems[f"{where}.{key}"] = f"Must be {limit} or fewer in length."
            author = (embed.get("author") or {}).get("name") or ""
            footer = (embed.get("footer") or {}).get("text") or ""
            total += len(author) + len(footer)
            if len(author) > 256:
                problems[f"{where}.author.name"] = "Must be 256 or fewer in length."
            if len(footer) > 2048:
                problems[f"{where}.footer.text"] = "Must be 2048 or fewer in length."
            fields = embed.get("fields") or []
            if len(fields) > 25:
                problems[f"{where}.fields"] = "Must be 25 or fewer in length."
            for j, fld in enumerate(fields):
                name, value = str(fld.get("name") or ""), str(fld.get("value") or "")
                total += len(name) + len(value)
                if not name.strip():
                    problems[f"{where}.fields.{j}.name"] = "This field is required"
                elif len(name) > 256:
                    problems[f"{where}.fields.{j}.name"] = "Must be 256 or fewer in length."
                if not value.strip():
                    problems[f"{where}.fields.{j}.value"] = "This field is required"
                elif len(value) > 1024:
                    problems[f"{where}.fields.{j}.value"] = "Must be 1024 or fewer in length."
        if total > 6000:
            problems[f"{prefix}embeds"] = f"Embed size exceeds maximum size of 6000 (is {total})."
        components = payload.get("components") or []
        if len(components) > 5 and not flags & IS_COMPONENTS_V2:
            problems[f"{prefix}components"] = "Must be 5 or fewer in length."
        for component in _walk_components(components):
            custom_id = component.get("custom_id")
            if custom_id is not None and not 1 <= len(custom_id) <= 100:
                problems[f"{prefix}components"] = f"custom_id {custom_id!r} is not 1-100 long."
        has_attachments = bool(files or payload.get("attachments"))
        if not (
            content.strip()
            or embeds
            or components
            or has_attachments
            or payload.get("poll")
            or payload.get("sticker_ids")
        ):
            problems.setdefault(f"{prefix}content", "Cannot send an empty message")
        return problems

    @staticmethod
    def _validate_choices(choices: Any) -> dict[str, str]:
        if choices is None:
            return {"data.choices": "This field is required"}
        problems = {}
        if len(choices) > 25:
            problems["data.choices"] = "Must be 25 or fewer in length."
        for i, choice in enumerate(choices):
            name, value = str(choice.get("name", "")), choice.get("value")
            if not 1 <= len(name) <= 100:
                problems[f"data.choices.{i}.name"] = "Must be between 1 and 100 in length."
            if isinstance(value, str) and len(value) > 100:
                problems[f"data.choices.{i}.value"] = "Must be 100 or fewer in length."
        return problems

    @staticmethod
    def _validate_modal(data: Mapping[str, Any]) -> dict[str, str]:
        problems = {}
        if not 1 <= len(data.get("title") or "") <= 45:
            problems["data.title"] = "Must be between 1 and 45 in length."
        if not 1 <= len(data.get("custom_id") or "") <= 100:
            problems["data.custom_id"] = "Must be between 1 and 100 in length."
        if not 1 <= len(data.get("components") or []) <= 5:
            problems["data.components"] = "Must be between 1 and 5 in length."
        return problems

    @staticmethod
    def _validate_commands(payload: Any) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not isinstance(payload, list):
            return {"_": "Expected a list of commands."}
        seen: set[tuple[str, int]] = set()
        for i, command in enumerate(payload):
            key = (command.get("name", ""), command.get("type", 1))
            if key in seen:
                problems[f"{i}.name"] = "Application command names must be unique"
            seen.add(key)
            if key[1] == 1 and not 1 <= len(command.get("description") or "") <= 100:
                problems[f"{i}.description"] = "Must be between 1 and 100 in length."
        return problems

    # ================================================================= interactions ======
    def _scope_commands(self, guild: bool | None) -> list[tuple[int | None, dict[str, Any]]]:
        scopes: list[int | None] = [self.guild_id, None]
        if guild is True:
            scopes = [self.guild_id]
        elif guild is False:
            scopes = [None]
        return [(s, c) for s in scopes for c in self.synced_commands.get(s, [])]

    def _find_command(
        self, name: str, command_type: int, guild: bool | None
    ) -> tuple[int | None, dict[str, Any]] | None:
        for scope, command in self._scope_commands(guild):
            if command["name"] == name and command.get("type", 1) == command_type:
                return scope, command
        return None

    def _command_id(self, scope: int | None, name: str, command_type: int) -> int:
        return self._command_ids.setdefault((scope, name, command_type), self.snowflake())

    def _check_default_permissions(
        self, command: Mapping[str, Any] | None, member_permissions: int
    ) -> None:
        if not self.enforce_default_member_permissions or command is None:
            return
        required = command.get("default_member_permissions")
        if required is None or member_permissions & ADMINISTRATOR:
            return
        required = int(required)
        if required == 0 or member_permissions & required != required:
            raise DiscordWouldRefuse(
                f"command {command['name']!r} needs permissions {required} "
                f"(default_member_permissions) and the member has {member_permissions}: "
                "Discord does not even show it to them"
            )

    def _build_options(
        self,
        path: Sequence[str],
        values: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
        schema: Mapping[str, Any] | None,
        *,
        focused: str | None = None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """The interaction's option tree for ``path`` = [command, (group,) (subcommand)]."""
        schema_options = list(schema.get("options") or []) if schema else None
        for sub in path[1:]:
            if schema_options is not None:
                match = next((o for o in schema_options if o["name"] == sub), None)
                if match is None:
                    raise DiscordWouldRefuse(f"{' '.join(path)}: no subcommand {sub!r}")
                schema_options = list(match.get("options") or [])
        leaf = self._leaf_options(values, schema_options, focused=focused, resolved=resolved)
        subs = list(path[1:])
        if len(subs) > 2:
            raise ValueError(f"{' '.join(path)!r}: at most a group and a subcommand")
        types = [SUB_COMMAND_GROUP, SUB_COMMAND][2 - len(subs) :]
        for sub_name, sub_type in reversed(list(zip(subs, types, strict=True))):
            leaf = [{"name": sub_name, "type": sub_type, "options": leaf}]
        return leaf

    def _leaf_options(
        self,
        values: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
        schema_options: list[dict[str, Any]] | None,
        *,
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        if values is None:
            values = {}
        if not isinstance(values, Mapping):  # raw option dicts: sent as given
            return [dict(v) for v in values]
        by_name = {o["name"]: o for o in schema_options or []}
        if schema_options is not None:
            unknown = set(values) - set(by_name)
            if unknown:
                raise DiscordWouldRefuse(
                    f"no such option(s) {sorted(unknown)}; has {sorted(by_name)}"
                )
            if focused is None:
                missing = [n for n, o in by_name.items() if o.get("required") and n not in values]
                if missing:
                    raise DiscordWouldRefuse(f"required option(s) missing: {missing}")
        options = []
        for name, value in values.items():
            spec = by_name.get(name)
            option_type = spec["type"] if spec else self._infer_option_type(name, value)
            option: dict[str, Any] = {"name": name, "type": option_type}
            if name == focused:
                option["value"] = str(value)
                option["focused"] = True
            else:
                if spec and spec.get("choices"):
                    allowed = [c["value"] for c in spec["choices"]]
                    if value not in allowed:
                        raise DiscordWouldRefuse(f"option {name!r}: {value!r} not in {allowed}")
                option["value"] = self._option_value(option_type, value, resolved)
            options.append(option)
        return options

    @staticmethod
    def _infer_option_type(name: str, value: Any) -> int:
        if isinstance(value, bool):
            return BOOLEAN
        if isinstance(value, int):
            return INTEGER
        if isinstance(value, float):
            return NUMBER
        if isinstance(value, str):
            return STRING
        raise TypeError(
            f"option {name!r}: cannot infer the type of {value!r}; sync the commands first "
            "(the stand-in then uses their declared types) or pass raw option dicts"
        )

    def _option_value(self, option_type: int, value: Any, resolved: dict[str, dict]) -> Any:
        if option_type not in (USER, CHANNEL, ROLE, MENTIONABLE):
            return value
        snowflake = str(int(value))
        roles = {r["id"]: r for r in self.roles}
        channels = {c["id"]: c for c in self.channels}
        if option_type == ROLE or (option_type == MENTIONABLE and snowflake in roles):
            resolved.setdefault("roles", {})[snowflake] = roles[snowflake]
        elif option_type == CHANNEL:
            channel = channels[snowflake]
            resolved.setdefault("channels", {})[snowflake] = {**channel, "permissions": "0"}
        else:
            resolved.setdefault("users", {})[snowflake] = self.user_payload(int(snowflake))
            member = self._member_payload(int(snowflake), [], self.role_permissions([]))
            member.pop("user")
            resolved.setdefault("members", {})[snowflake] = member
        return snowflake

    def _interaction_payload(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user_id: int | None,
        roles: Sequence[int],
        permissions: int | None,
        channel_id: int | None,
        locale: str,
        message: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], int, int]:
        user_id = user_id or self.user_id
        if permissions is None:
            permissions = self.role_permissions(roles)
        channel_id = channel_id or self.channel_id
        channels = {int(c["id"]): c for c in self.channels}
        if channel_id not in channels:
            raise ValueError(f"unknown channel {channel_id}; add it with add_channel() first")
        channel = channels[channel_id]
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "application_id": str(self.app_id),
            "type": itype,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": {**channel, "permissions": str(permissions)},
            "member": self._member_payload(user_id, roles, permissions),
            "token": f"fake-interaction-token-{secrets.token_urlsafe(24)}",
            "version": 1,
            "app_permissions": str(self.role_permissions([self.bot_role_id])),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        return payload, user_id, permissions

    async def _interact(
        self,
        payload: dict[str, Any],
        *,
        user_id: int,
        source_message_id: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        record = InteractionRecord(
            self, payload, user_id=user_id, source_message_id=source_message_id
        )
        self.interactions.append(record)
        self._records_by_token[record.token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        if wait:
            await record.wait_for_response(timeout)
        return record

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        guild: bool | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Run ``/name`` (``"group sub"`` or ``"group subgroup sub"`` for subcommands).

        ``options`` maps option names to values (types come from the synced command when there
        is one, else from the Python type: str/int/float/bool); or raw option dicts. ``guild``:
        whether the command is a guild command (``data.guild_id``); default: where it was synced,
        else True. ``permissions`` defaults to what ``roles`` grant. Returns after the bot's
        initial response (``wait=False``: right after sending).
        """
        return await self._command(
            name,
            options,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            guild=guild,
            channel_id=channel_id,
            locale=locale,
            timeout=timeout,
            wait=wait,
            itype=APPLICATION_COMMAND,
        )

    async def slash_group(
        self,
        group: str,
        sub: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> InteractionRecord:
        """Run ``/group sub``: the subcommand is sent as an option of type 1."""
        return await self.slash(f"{group} {sub}", options, **kwargs)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        focused: str,
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        guild: bool | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Type into option ``focused`` of ``/name``; return the bot's choices (name/value)."""
        options = dict(options or {})
        options.setdefault(focused, "")
        record = await self._command(
            name,
            options,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            guild=guild,
            channel_id=None,
            locale="en-US",
            timeout=timeout,
            wait=True,
            itype=APPLICATION_COMMAND_AUTOCOMPLETE,
            focused=focused,
        )
        return record.choices

    async def _command(
        self,
        name: str,
        options: Any,
        *,
        user_id: int | None,
        roles: Sequence[int],
        permissions: int | None,
        guild: bool | None,
        channel_id: int | None,
        locale: str,
        timeout: float | None,
        wait: bool,
        itype: int,
        focused: str | None = None,
    ) -> InteractionRecord:
        path = name.split()
        found = self._find_command(path[0], 1, guild)
        scope, schema = found if found else (self.guild_id if guild in (True, None) else None, None)
        resolved: dict[str, dict[str, Any]] = {}
        data: dict[str, Any] = {
            "id": str(self._command_id(scope, path[0], 1)),
            "name": path[0],
            "type": 1,
            "options": self._build_options(
                path, options, schema, focused=focused, resolved=resolved
            ),
        }
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        payload, user_id, permissions = self._interaction_payload(
            itype,
            data,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=channel_id,
            locale=locale,
        )
        self._check_default_permissions(schema, permissions)
        return await self._interact(payload, user_id=user_id, timeout=timeout, wait=wait)

    async def context_menu(
        self,
        name: str,
        *,
        target_message: Mapping[str, Any] | None = None,
        target_user: int | None = None,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        guild: bool | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Run a message context menu command (``target_message``: a partial message, e.g.
        ``{"content": "...", "author": <user id or user dict>}``) or a user one (``target_user``)."""
        if (target_message is None) == (target_user is None):
            raise TypeError("give exactly one of target_message and target_user")
        command_type = 3 if target_message is not None else 2
        found = self._find_command(name, command_type, guild)
        scope, schema = found if found else (self.guild_id if guild in (True, None) else None, None)
        if target_message is not None:
            message = self.make_message(**target_message)
            target_id = message["id"]
            resolved: dict[str, Any] = {"messages": {target_id: message}}
        else:
            target_id = str(target_user)
            member = self._member_payload(int(target_user), [], self.role_permissions([]))  # type: ignore[arg-type]
            user = member.pop("user")
            resolved = {"users": {target_id: user}, "members": {target_id: member}}
        data: dict[str, Any] = {
            "id": str(self._command_id(scope, name, command_type)),
            "name": name,
            "type": command_type,
            "target_id": target_id,
            "resolved": resolved,
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        payload, user_id, permissions = self._interaction_payload(
            APPLICATION_COMMAND,
            data,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=None,
            locale="en-US",
        )
        self._check_default_permissions(schema, permissions)
        return await self._interact(payload, user_id=user_id, timeout=timeout, wait=wait)

    def make_message(
        self,
        *,
        content: str = "",
        author: int | Mapping[str, Any] | None = None,
        channel_id: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message by a user (for context menus or a MESSAGE_CREATE dispatch)."""
        if author is None:
            author = self.user_id
        author_payload = self.user_payload(author) if isinstance(author, int) else dict(author)
        message = {
            "id": str(self.snowflake()),
            "type": 0,
            "channel_id": str(channel_id or self.channel_id),
            "author": author_payload,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        message.update(extra)
        return message

    def _target_message(self, target: InteractionRecord | SentMessage) -> SentMessage:
        message = target.message if isinstance(target, InteractionRecord) else target
        if message is None:
            raise DiscordWouldRefuse(f"{target!r} has no message to interact with")
        if message.deleted:
            raise DiscordWouldRefuse(f"message {message.id} was deleted")
        return message

    def _component_user(self, message: SentMessage, user_id: int | None) -> int:
        owner = message.interaction_user_id
        user_id = user_id or owner or self.user_id
        if message.ephemeral and owner is not None and user_id != owner:
            raise DiscordWouldRefuse(f"message {message.id} is ephemeral: only {owner} sees it")
        return user_id

    async def click(
        self,
        target: InteractionRecord | SentMessage,
        custom_id: str,
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Click button ``custom_id`` on ``target``'s message (default user: who got it)."""
        message = self._target_message(target)
        component = message.component(custom_id)
        if component.get("type") != BUTTON:
            raise DiscordWouldRefuse(f"{custom_id!r} is not a button: {component}")
        if component.get("disabled"):
            raise DiscordWouldRefuse(f"button {custom_id!r} is disabled")
        return await self._component(
            message,
            {"custom_id": custom_id, "component_type": BUTTON},
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            timeout=timeout,
            wait=wait,
        )

    async def select(
        self,
        target: InteractionRecord | SentMessage,
        custom_id: str,
        values: Sequence[str],
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Choose ``values`` in select menu ``custom_id`` on ``target``'s message."""
        message = self._target_message(target)
        component = message.component(custom_id)
        if component.get("type") not in SELECT_TYPES:
            raise DiscordWouldRefuse(f"{custom_id!r} is not a select menu: {component}")
        if component.get("disabled"):
            raise DiscordWouldRefuse(f"select {custom_id!r} is disabled")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise DiscordWouldRefuse(f"select {custom_id!r} takes {low}-{high} values")
        if component["type"] == STRING_SELECT:
            allowed = [o["value"] for o in component.get("options") or []]
            if any(v not in allowed for v in values):
                raise DiscordWouldRefuse(f"select {custom_id!r}: {list(values)} not in {allowed}")
        return await self._component(
            message,
            {"custom_id": custom_id, "component_type": component["type"], "values": list(values)},
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            timeout=timeout,
            wait=wait,
        )

    async def _component(
        self,
        message: SentMessage,
        data: dict[str, Any],
        *,
        user_id: int | None,
        roles: Sequence[int],
        permissions: int | None,
        timeout: float | None,
        wait: bool,
    ) -> InteractionRecord:
        user_id = self._component_user(message, user_id)
        payload, user_id, _ = self._interaction_payload(
            MESSAGE_COMPONENT,
            data,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=int(message.data["channel_id"]),
            locale="en-US",
            message=json.loads(json.dumps(message.data)),
        )
        return await self._interact(
            payload, user_id=user_id, source_message_id=message.id, timeout=timeout, wait=wait
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, str | Sequence[str]],
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Submit the open modal ``custom_id`` with ``{field custom_id: value}``.

        Text inputs not given keep their prefilled value; a required one left empty, or a value
        outside min/max length, raises :class:`DiscordWouldRefuse` (the client would not submit).
        """
        opener = next(
            (
                r
                for r in reversed(self.interactions)
                if r.callback_type == MODAL and r.data.get("custom_id") == custom_id
            ),
            None,
        )
        if opener is None or opener.modal_submitted:
            open_modals = [
                r.data.get("custom_id")
                for r in self.interactions
                if r.callback_type == MODAL and not r.modal_submitted
            ]
            raise DiscordWouldRefuse(f"no open modal {custom_id!r}; open: {open_modals}")
        fields = {
            c["custom_id"] for c in _walk_components(opener.data["components"]) if "custom_id" in c
        }
        if set(values) - fields:
            raise DiscordWouldRefuse(
                f"modal {custom_id!r} has no field(s) {sorted(set(values) - fields)}; has {sorted(fields)}"
            )
        remaining = dict(values)
        components = [self._submitted(c, remaining) for c in opener.data.get("components") or []]
        if remaining:
            raise DiscordWouldRefuse(f"modal {custom_id!r}: cannot fill {sorted(remaining)}")
        opener.modal_submitted = True
        source = opener.source_message_id
        message = self.messages.get(source) if source is not None else None
        payload, user_id, _ = self._interaction_payload(
            MODAL_SUBMIT,
            {"custom_id": custom_id, "components": [c for c in components if c]},
            user_id=user_id or opener.user_id,
            roles=roles,
            permissions=permissions,
            channel_id=None,
            locale="en-US",
            message=json.loads(json.dumps(message.data)) if message else None,
        )
        return await self._interact(
            payload, user_id=user_id, source_message_id=source, timeout=timeout, wait=wait
        )

    def _submitted(self, component: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        ctype = component.get("type")
        if ctype == ACTION_ROW:
            children = [self._submitted(c, values) for c in component.get("components") or []]
            return {"type": ACTION_ROW, "components": [c for c in children if c]}
        if ctype == LABEL:
            inner = self._submitted(component["component"], values)
            return {"type": LABEL, "component": inner} if inner else {}
        custom_id = component.get("custom_id")
        if custom_id is None:
            return {}
        if ctype == TEXT_INPUT:
            value = values.pop(custom_id, component.get("value") or "")
            if not isinstance(value, str):
                raise TypeError(f"text input {custom_id!r} takes a str, got {value!r}")
            if component.get("required", True) and not value:
                raise DiscordWouldRefuse(f"text input {custom_id!r} is required")
            low, high = component.get("min_length", 0), component.get("max_length", 4000)
            if value and not low <= len(value) <= high:
                raise DiscordWouldRefuse(f"text input {custom_id!r} takes {low}-{high} characters")
            return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}
        if ctype in SELECT_TYPES:
            chosen = values.pop(custom_id, [])
            chosen = [chosen] if isinstance(chosen, str) else list(chosen)
            return {"type": ctype, "custom_id": custom_id, "values": chosen}
        return {}

    # ===================================================================== waiting ======
    def _notify(self) -> None:
        """Wake every waiter (they re-check their condition). Safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return

        def wake() -> None:
            if self._changed is not None:
                self._changed.set()
                self._changed = asyncio.Event()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # e.g. discord.py's keep-alive thread logging a warning
            running = None
        if running is loop:
            wake()
        else:
            loop.call_soon_threadsafe(wake)

    async def _wait(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float | None,
        what: str,
        record: InteractionRecord | None = None,
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.default_timeout if timeout is None else timeout)
        start_errors = record._errors_at_start if record is not None else len(self.bot_errors)
        while True:
            if predicate():
                return
            if self.fail_fast_on_bot_errors and len(self.bot_errors) > start_errors:
                raise BotLoggedError(
                    f"discord.py logged an error while waiting for {what}"
                    f"{' of ' + record.describe() if record else ''}:\n"
                    + "\n".join(self.bot_errors[start_errors:])
                )
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise BotDidNotRespond(
                    f"timed out waiting for {what}"
                    f"{' of ' + record.describe() if record else ''}{self.diagnostics(record)}"
                )
            assert self._changed is not None
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, 0.25))

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float | None = None, what: str = "it"
    ) -> None:
        """Wait until ``predicate()`` holds (re-checked whenever the bot does something)."""
        await self._wait(predicate, timeout=timeout, what=what)

    def note_bot_log(self, level: int, text: str) -> None:
        """Called by the running_bot fixture for each WARNING+ record of discord.py's loggers."""
        self.bot_log.append(text)
        if level >= logging.ERROR:
            self.bot_errors.append(text)
            self._notify()

    def diagnostics(self, record: InteractionRecord | None = None) -> str:
        lines = []
        if record is not None and record.rejected:
            lines.append(f"rejected responses: {record.rejected}")
        if self.rejected_requests:
            lines.append(f"rejected requests: {self.rejected_requests[-5:]}")
        if self.unknown_routes:
            lines.append(f"unknown routes hit: {self.unknown_routes}")
        if self.server_errors:
            lines.append(f"stand-in errors: {self.server_errors}")
        if self.bot_log:
            lines.append("discord.py log:\n" + "\n".join(self.bot_log[-5:]))
        if not self.connected:
            lines.append("no bot connected to the gateway")
        return ("\n" + "\n".join(lines)) if lines else ""

    def _server_error(self, text: str) -> None:
        self.server_errors.append(text)
        self._notify()
