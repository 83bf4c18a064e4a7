"""Configuration from ``ASKBOT_*`` environment variables (and ``.env``), validated once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "ASKBOT_"


class ConfigError(Exception):
    """A missing or malformed setting, worded as one line that names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    db: Path | None = Field(
        default=None, description="SQLite database file (default: user data dir)."
    )
    facts_dir: Path | None = Field(
        default=None,
        description="Fact base loaded into an empty database (default: bundled facts).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for people, json (one object a line) for log shippers."
    )
    discord_token: SecretStr | None = Field(
        default=None, validation_alias="DISCORD_TOKEN", description="Bot token; never logged."
    )
    dev_guild: int | None = Field(
        default=None, description="Guild id for development command sync."
    )
    mod_roles: Annotated[list[str], NoDecode] = Field(
        default=[], description="Comma-separated role ids or names allowed to curate."
    )
    ask_cooldown_rate: int = Field(default=3, ge=1, description="/ask uses allowed per member ...")
    ask_cooldown_seconds: float = Field(default=30.0, gt=0, description="... in this many seconds.")
    unanswered_limit: int = Field(
        default=1000, ge=1, le=100_000, description="Most questions kept in the unanswered queue."
    )
    unanswered_days: float = Field(
        default=90.0, gt=0, le=36_500, description="Days a queued question is kept unasked."
    )

    @field_validator("mod_roles", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _fold_case(cls, value: object, info: ValidationInfo) -> object:
        """Any case will do: info or INFO, JSON or json."""
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()

    @property
    def database_path(self) -> Path:
        if self.db is not None:
            return self.db
        return Path(platformdirs.user_data_dir("askbot", appauthor=False)) / "askbot.db"

    @property
    def token(self) -> str | None:
        """The bot token, or None when it is unset or blank (a blank line in an env file)."""
        if self.discord_token is None:
            return None
        return self.discord_token.get_secret_value().strip() or None


def env_var_name(field: str) -> str:
    """The environment variable that sets a field, as a user would type it."""
    info = Settings.model_fields[field]
    alias = info.validation_alias
    return alias if isinstance(alias, str) else f"{ENV_PREFIX}{field.upper()}"


def load_settings() -> Settings:
    """Read settings, or raise ConfigError naming the first bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        name = env_var_name(field) if field in Settings.model_fields else field
        raise ConfigError(f"{name}: {first['msg']} (got {first.get('input')!r})") from exc
