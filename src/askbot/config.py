"""Configuration from ``ASKBOT_*`` environment variables (and ``.env``), validated once at start."""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from askbot.errors import AskbotError

ENV_PREFIX = "ASKBOT_"


class ConfigError(AskbotError):
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
    discord_token_file: Path | None = Field(
        default=None,
        validation_alias="DISCORD_TOKEN_FILE",
        description="A file holding the bot token (Docker or systemd secrets), instead of DISCORD_TOKEN.",
    )
    dev_guild: int | None = Field(
        default=None, gt=0, lt=2**64, description="Guild id for development command sync."
    )
    mod_roles: Annotated[list[str], NoDecode] = Field(
        default=[], description="Comma-separated role ids or names allowed to curate."
    )
    ask_cooldown_rate: int = Field(default=3, ge=1, description="/ask uses allowed per member ...")
    ask_cooldown_seconds: float = Field(
        default=30.0, gt=0, allow_inf_nan=False, description="... in this many seconds."
    )
    unanswered_limit: int = Field(
        default=1000, ge=1, le=100_000, description="Most questions kept in the unanswered queue."
    )
    message_content: bool = Field(
        default=False,
        description="Use the privileged message-content intent: forum posts' first messages are read too.",
    )
    unanswered_days: float = Field(
        default=90.0, gt=0, le=36_500, description="Days a queued question is kept unasked."
    )
    question_retention_days: float = Field(
        default=90.0,
        gt=0,
        le=36_500,
        description="Days a member's unlabelled question (queued or flagged) is kept at most.",
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
        """The bot token: DISCORD_TOKEN, or what DISCORD_TOKEN_FILE holds; None when neither is
        set or DISCORD_TOKEN is blank (a blank line in an env file). The file is read only here,
        when the token is needed: other commands run where the secret is not mounted."""
        given = self.discord_token.get_secret_value().strip() if self.discord_token else ""
        path = self.discord_token_file
        if path is None:
            return given or None
        if given:
            raise ConfigError("DISCORD_TOKEN_FILE: set it or DISCORD_TOKEN, not both")
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise ConfigError(f"DISCORD_TOKEN_FILE: cannot read {path}: {why}") from exc
        if not token:
            raise ConfigError(f"DISCORD_TOKEN_FILE: {path} is empty")
        return token


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


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """``ASKBOT_*`` names in the environment or ``.env`` that no setting reads, each with the
    setting it is probably a typo of: pydantic-settings ignores them, so a typo (ASKBOT_MOD_ROLE)
    would leave its setting at the default without a word."""
    names = set(os.environ if environ is None else environ)
    env_file = Path(str(Settings.model_config.get("env_file")))
    if env_file.is_file():
        # an unreadable .env is reported when the settings load; this is only a warning
        with contextlib.suppress(OSError, UnicodeDecodeError):
            names |= set(dotenv_values(env_file))
    known = sorted(env_var_name(field) for field in Settings.model_fields)
    warnings = []
    for name in sorted(n for n in names if n.upper().startswith(ENV_PREFIX)):
        if name.upper() in known:  # names are not case-sensitive, as pydantic-settings reads them
            continue
        close = difflib.get_close_matches(name.upper(), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        warnings.append(f"{name} is not an askbot setting, so it is ignored{hint}")
    return warnings
