"""What the stand-in records of the bot's traffic, and the failures it raises in a test."""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_discord import FakeDiscord

from fake_discord.protocol import EPHEMERAL, LOADING, MODAL


class BotDidNotRespond(AssertionError):
    """The bot did not answer an interaction (or a followup/edit did not come) in time."""


class BotLoggedError(AssertionError):
    """discord.py logged an error (an unhandled exception in a command, view, modal or event)."""


class DiscordWouldRefuse(AssertionError):
    """The test asked for something a Discord client could not do (click a disabled button, ...)."""


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


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
