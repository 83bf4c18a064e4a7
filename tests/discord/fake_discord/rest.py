"""The REST routes a slash-command bot uses, each recording what the bot sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web

from fake_discord.protocol import (
    ALLOWED_CALLBACKS,
    ALREADY_ACKNOWLEDGED,
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    INVALID_FORM_BODY,
    LOADING,
    MODAL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    UPDATE_MESSAGE,
)
from fake_discord.records import (
    InteractionRecord,
    RecordedRequest,
    SentMessage,
    UploadedFile,
    _now_iso,
)

API_PREFIX = "/api/v10"
BODY_KEY = web.RequestKey("fake_discord.body", object)
FILES_KEY = web.RequestKey("fake_discord.files", list)
GATEWAY_PATH = "/gateway"


def _json_response(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text() compares the header verbatim and
    # treats "application/json; charset=utf-8" (what web.json_response sends) as plain text.
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
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


class Rest:
    """FakeDiscord's REST API: the routes, each recording what the bot sent."""

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return f"{self.url}{API_PREFIX}"

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
        data = self.message_payload(
            dict(self.bot_user),
            channel_id,
            message_type=msg_type,
            tts=bool(payload.get("tts", False)),
            flags=int(payload.get("flags") or 0),
        )
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

    def _server_error(self, text: str) -> None:
        self.server_errors.append(text)
        self._notify()
