"""The gateway: HELLO, IDENTIFY, READY and GUILD_CREATE, heartbeats, and dispatching events to the bot."""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web

from fake_discord.rest import GATEWAY_PATH


class Gateway:
    """FakeDiscord's gateway: one bot connection at a time."""

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
