"""Playing the Discord user: slash commands, autocomplete, context menus, clicks, selects and modal submissions, and waiting for the bot's answers."""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypedDict, Unpack

from fake_discord.protocol import (
    ACTION_ROW,
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    BOOLEAN,
    BUTTON,
    CHANNEL,
    INTEGER,
    LABEL,
    MENTIONABLE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    NUMBER,
    ROLE,
    SELECT_TYPES,
    STRING,
    STRING_SELECT,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    TEXT_INPUT,
    USER,
)
from fake_discord.records import (
    BotDidNotRespond,
    BotLoggedError,
    DiscordWouldRefuse,
    InteractionRecord,
    SentMessage,
    _walk_components,
)


class AsUser(TypedDict, total=False):
    """Who acts on a component, and how long to wait for the bot (see ``_component``)."""

    user_id: int | None
    roles: Sequence[int]
    permissions: int | None
    timeout: float | None
    wait: bool


class Member:
    """FakeDiscord playing the member: what a Discord client sends for them."""

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
        guild: bool | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        **who: Unpack[AsUser],
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
            guild=guild,
            channel_id=channel_id,
            locale=locale,
            itype=APPLICATION_COMMAND,
            **who,
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
            guild=guild,
            channel_id=None,
            locale="en-US",
            itype=APPLICATION_COMMAND_AUTOCOMPLETE,
            focused=focused,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            timeout=timeout,
        )
        return record.choices

    async def _command(
        self,
        name: str,
        options: Any,
        *,
        guild: bool | None,
        channel_id: int | None,
        locale: str,
        itype: int,
        focused: str | None = None,
        **who: Unpack[AsUser],
    ) -> InteractionRecord:
        path = name.split()
        scope, schema = self._command_scope(path[0], 1, guild)
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
        return await self._send_command(
            itype, data, scope, schema, channel_id=channel_id, locale=locale, **who
        )

    def _command_scope(
        self, name: str, command_type: int, guild: bool | None
    ) -> tuple[int | None, dict[str, Any] | None]:
        """Where the command is registered (the guild, or None for a global one) and its schema;
        an unknown command is sent where the test asked, with no schema to check against."""
        found = self._find_command(name, command_type, guild)
        return found if found else (self.guild_id if guild in (True, None) else None, None)

    async def _send_command(
        self,
        itype: int,
        data: dict[str, Any],
        scope: int | None,
        schema: dict[str, Any] | None,
        *,
        channel_id: int | None,
        locale: str,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
    ) -> InteractionRecord:
        """Send a command interaction as the member, as Discord would let them."""
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
        guild: bool | None = None,
        **who: Unpack[AsUser],
    ) -> InteractionRecord:
        """Run a message context menu command (``target_message``: a partial message, e.g.
        ``{"content": "...", "author": <user id or user dict>}``) or a user one (``target_user``)."""
        if (target_message is None) == (target_user is None):
            raise TypeError("give exactly one of target_message and target_user")
        command_type = 3 if target_message is not None else 2
        scope, schema = self._command_scope(name, command_type, guild)
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
        return await self._send_command(
            APPLICATION_COMMAND, data, scope, schema, channel_id=None, locale="en-US", **who
        )

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
        message = self.message_payload(author_payload, channel_id, content=content)
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
        self, target: InteractionRecord | SentMessage, custom_id: str, **who: Unpack[AsUser]
    ) -> InteractionRecord:
        """Click button ``custom_id`` on ``target``'s message (default user: who got it)."""
        message, _ = self._usable(target, custom_id, (BUTTON,), "button", "button")
        return await self._component(
            message, {"custom_id": custom_id, "component_type": BUTTON}, **who
        )

    async def select(
        self,
        target: InteractionRecord | SentMessage,
        custom_id: str,
        values: Sequence[str],
        **who: Unpack[AsUser],
    ) -> InteractionRecord:
        """Choose ``values`` in select menu ``custom_id`` on ``target``'s message."""
        message, component = self._usable(target, custom_id, SELECT_TYPES, "select menu", "select")
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
            **who,
        )

    def _usable(
        self,
        target: InteractionRecord | SentMessage,
        custom_id: str,
        kinds: Collection[int],
        kind: str,
        short: str,
    ) -> tuple[SentMessage, dict[str, Any]]:
        """The message and its component ``custom_id``, which must be one of ``kinds`` and
        enabled, as a Discord client would insist."""
        message = self._target_message(target)
        component = message.component(custom_id)
        if component.get("type") not in kinds:
            raise DiscordWouldRefuse(f"{custom_id!r} is not a {kind}: {component}")
        if component.get("disabled"):
            raise DiscordWouldRefuse(f"{short} {custom_id!r} is disabled")
        return message, component

    async def _component(
        self,
        message: SentMessage,
        data: dict[str, Any],
        *,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        permissions: int | None = None,
        timeout: float | None = None,
        wait: bool = True,
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
