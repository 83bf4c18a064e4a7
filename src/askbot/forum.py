"""Forum channels: what askbot says to a new forum post, and how each channel is set up.

Every new post (a thread whose title is the question) gets at most one reply, decided here from
the Answer and the channel's mode, knowing nothing of Discord:

- ``answer`` mode: a confident match is answered with the entry; a plausible one gets a pointer
  to up to three related entries; a hypothetical or recent-events question gets the rule and how
  to rephrase; nothing related gets the channel's welcome, or silence.
- ``point`` mode: as ``answer``, but a confident match is pointed to, never posted.
- ``rules-only``: only the rules are enforced; every other post gets the welcome, or silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from askbot.answering import Answer

MAX_RELATED = 3  # entries a pointer names (as buttons)
TAG_NAME_CHARS = 20  # Discord's limit on a forum tag's name
WELCOME_CHARS = 200

ForumMode = Literal["answer", "point", "rules-only"]
FORUM_MODES: tuple[ForumMode, ...] = ("answer", "point", "rules-only")


class ReplyKind(StrEnum):
    ANSWER = "answer"  # the matched entry, as /ask shows it
    POINT = "point"  # related entries; a member or moderator will answer
    RULES = "rules"  # the rule the question breaks and how to ask instead
    WELCOME = "welcome"  # the channel's one-line welcome
    SILENT = "silent"  # nothing is posted


# How each reply is counted for /stats (welcome and silence are "seen" only).
Outcome = Literal["answered", "pointed", "declined", "welcomed", "silent"]
OUTCOMES: dict[ReplyKind, Outcome] = {
    ReplyKind.ANSWER: "answered",
    ReplyKind.POINT: "pointed",
    ReplyKind.RULES: "declined",
    ReplyKind.WELCOME: "welcomed",
    ReplyKind.SILENT: "silent",
}


class ForumChannelSettings(BaseModel):
    """What a moderator sets for one forum channel (both adapters validate through this)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    guild_id: int = Field(gt=0, lt=2**63)  # a Discord id, as SQLite stores it
    channel_id: int = Field(gt=0, lt=2**63)
    mode: ForumMode = "answer"
    answered_tag: str | None = Field(default=None, min_length=1, max_length=TAG_NAME_CHARS)
    rephrase_tag: str | None = Field(default=None, min_length=1, max_length=TAG_NAME_CHARS)
    welcome: str | None = Field(default=None, min_length=1, max_length=WELCOME_CHARS)

    @field_validator("answered_tag", "rephrase_tag", "welcome", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        """Blank means none; a welcome is one line."""
        if isinstance(value, str):
            value = " ".join(value.split())
            return value or None
        return value


class ForumChannel(ForumChannelSettings):
    """A configured channel as stored: its settings, and the last problem posting in it (a
    missing permission, a tag that no longer exists), shown to moderators until a reply works."""

    problem: str | None = None
    problem_at: str | None = None
    added_by: str
    added_at: str


@dataclass(frozen=True)
class ForumCounts:
    """Forum posts seen, and how many were answered, pointed to entries, or declined."""

    seen: int = 0
    answered: int = 0
    pointed: int = 0
    declined: int = 0


@dataclass(frozen=True)
class ForumReply:
    """What to post in a new thread: ``answer`` for ANSWER and RULES, ``related`` entries as
    ``(id, question)`` for POINT, ``text`` for WELCOME, and the forum tag to apply, if any."""

    kind: ReplyKind
    answer: Answer
    related: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    tag: str | None = None

    @property
    def outcome(self) -> Outcome:
        return OUTCOMES[self.kind]


def post_question(title: str, text: str | None) -> str:
    """The question a post asks: its title, and its first message when the bot may read it."""
    title = " ".join(title.split())
    body = " ".join((text or "").split())
    return f"{title}\n{body}" if body else title


def decide(answer: Answer, channel: ForumChannelSettings) -> ForumReply:
    """The one reply a new post gets in ``channel`` (see the module's docstring)."""
    if answer.status == "declined":
        return ForumReply(ReplyKind.RULES, answer, tag=channel.rephrase_tag)
    if channel.mode != "rules-only":
        if answer.status == "answered" and channel.mode == "answer":
            return ForumReply(ReplyKind.ANSWER, answer, tag=channel.answered_tag)
        related = [(m.id, m.question) for m in answer.matches] or [
            (s.id, s.question) for s in answer.suggestions
        ]
        if related:
            return ForumReply(ReplyKind.POINT, answer, related=tuple(related[:MAX_RELATED]))
    if channel.welcome:
        return ForumReply(ReplyKind.WELCOME, answer, text=channel.welcome)
    return ForumReply(ReplyKind.SILENT, answer)
