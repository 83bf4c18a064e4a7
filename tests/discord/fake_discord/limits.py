"""What Discord refuses: message, embed, component, choice, modal and command limits, checked on every payload so that one Discord would reject fails here too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fake_discord.protocol import ADMINISTRATOR, IS_COMPONENTS_V2
from fake_discord.records import DiscordWouldRefuse, SentMessage, UploadedFile, _walk_components


class Limits:
    """FakeDiscord's checks of every payload against Discord's limits."""

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
