"""The guild the bot sees: users, roles, channels, and the payloads Discord sends for them."""

# The waiting helpers take ``timeout=``: failing with the stand-in's diagnostics reads better in a
# test than an asyncio.timeout() block around every call.

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any

from fake_discord.protocol import ADMINISTRATOR, ALL_PERMISSIONS, DISCORD_EPOCH_MS
from fake_discord.records import _now_iso


class Guild:
    """FakeDiscord's guild: its users, roles and channels, and their payloads."""

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

    def message_payload(
        self,
        author: dict[str, Any],
        channel_id: int | None,
        *,
        content: str = "",
        message_type: int = 0,
        tts: bool = False,
        flags: int = 0,
    ) -> dict[str, Any]:
        """A new message as Discord describes it, in the default channel unless another given."""
        return {
            "id": str(self.snowflake()),
            "type": message_type,
            "channel_id": str(channel_id or self.channel_id),
            "author": author,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": flags,
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
