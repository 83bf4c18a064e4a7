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

The parts: ``rest`` (the routes), ``gateway``, ``limits`` (what Discord refuses), ``guild``
(users, roles, channels), ``member`` (playing the user), ``records`` (what is recorded) and
``protocol`` (Discord's numbers)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any

from aiohttp import web

from fake_discord.gateway import Gateway
from fake_discord.guild import Guild
from fake_discord.limits import Limits
from fake_discord.member import Member
from fake_discord.protocol import (
    ADMINISTRATOR,
    BOT_PERMISSIONS,
    EPHEMERAL,
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MODERATOR_PERMISSIONS,
)
from fake_discord.records import (
    BotDidNotRespond,
    BotLoggedError,
    DiscordWouldRefuse,
    InteractionRecord,
    RecordedRequest,
    SentMessage,
    UploadedFile,
)
from fake_discord.rest import Rest

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


class FakeDiscord(Rest, Gateway, Limits, Guild, Member):
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
