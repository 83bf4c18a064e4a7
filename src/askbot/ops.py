"""Running askbot: back up, check and migrate the database, diagnose a setup (``doctor``), and
the health check (``health``): the database sound and the bot connected to Discord.

Problems come back as plain sentences (an AskbotError, or a Finding's ``problem``), never as a
traceback: their reader is whoever is on call, or a container health check.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from askbot.bootstrap import facts_dir
from askbot.config import ConfigError, Settings, load_settings, unknown_variables
from askbot.errors import AskbotError, StoreUnavailable
from askbot.factfiles import FactBaseInvalid, load_fact_base
from askbot.models import Entry
from askbot.store import SCHEMA_VERSION, Store, unusable


@dataclass(frozen=True)
class DatabaseReport:
    """A sound database: its schema version and, once at this askbot's schema, its row counts."""

    path: Path
    schema_version: int
    counts: dict[str, int]

    def summary(self) -> str:
        if self.schema_version < SCHEMA_VERSION:
            version = f"schema version {self.schema_version} (the next start or `askbot db migrate` upgrades it to {SCHEMA_VERSION})"
        else:
            version = f"schema version {self.schema_version}"
        rows = ", ".join(f"{table} {count}" for table, count in self.counts.items())
        return f"integrity ok, {version}" + (f"; rows: {rows}" if rows else "")


@dataclass(frozen=True)
class Finding:
    """One ``doctor`` check: ``problem`` is None when it passed; ``detail`` says what was seen."""

    check: str
    detail: str = ""
    problem: str | None = None


def _require(path: Path) -> None:
    if not path.is_file():
        raise StoreUnavailable(f"no database at {path} (askbot creates it on first start)")


@asynccontextmanager
async def _opened(
    path: Path, *, create: bool = False, shown: Path | None = None
) -> AsyncIterator[Store]:
    """The database at ``path`` as it is (not migrated), with SQLite's failures in plain words,
    naming ``shown`` (default ``path``): a backup's check names the database it copied."""
    if not create:
        _require(path)
    try:
        async with await Store.open(path, migrate=False) as store:
            yield store
    except sqlite3.DatabaseError as exc:  # damage found while reading, after the file opened
        raise unusable(shown or path, exc) from exc


async def _inspect(store: Store, shown: Path | None = None) -> DatabaseReport:
    problems = [line for line in await store.integrity_check() if line != "ok"]
    if problems:
        first = " ".join(problems[0].split())
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreUnavailable(f"{shown or store.path} is damaged: {first}{more}; restore a backup")
    version = await store.schema_version()
    counts = await store.counts() if version == SCHEMA_VERSION else {}
    return DatabaseReport(store.path, version, counts)


async def check_database(path: Path) -> DatabaseReport:
    """``db check``: the file is sound, not newer than this askbot, and every entry and source
    in it loads. It never migrates."""
    async with _opened(path) as store:
        report = await _inspect(store)
        unloadable = await store.unloadable() if report.schema_version == SCHEMA_VERSION else []
    if unloadable:
        raise AskbotError(
            f"{path}: {len(unloadable)} stored row(s) cannot be loaded and are left out of answers:\n"
            + "\n".join(f"  {record}" for record in unloadable)
            + "\nRepair each: `askbot fact show ID` prints an entry, `askbot fact edit FILE` saves"
            " it fixed (or `askbot fact revert ID N`); `askbot facts import` replaces a source"
        )
    if report.schema_version > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"{path} has schema version {report.schema_version}, newer than this askbot"
            f" ({SCHEMA_VERSION}): upgrade askbot, or restore a backup taken before the upgrade"
        )
    return report


async def backup_database(source: Path, target: Path, *, force: bool = False) -> DatabaseReport:
    """``db backup``: a consistent copy, safe while the bot writes. The copy is checked before it
    takes ``target``'s place, so a failed backup never leaves a half-written file there."""
    _check_target(source, target, force=force)
    partial = target.with_name(f".{target.name}.partial")
    _claim(partial, target)
    try:
        async with _opened(source) as store:
            try:
                await store.backup(partial)
            except sqlite3.OperationalError as exc:
                if not _writing_failed(exc):
                    raise
                raise _unwritable(target, str(exc)) from exc
        # the copy is page for page the database: damage found in it is the database's
        async with _opened(partial, shown=source) as copy:
            report = await _inspect(copy, shown=source)
        try:
            partial.replace(target)
        except OSError as exc:
            raise _unwritable(target, exc.strerror) from exc
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, path=target)


def _unwritable(target: Path, why: object) -> AskbotError:
    return AskbotError(f"cannot write the backup {target}: {why}; nothing was written")


def _claim(partial: Path, target: Path) -> None:
    """Create the file the copy goes into first: a destination that cannot take it is named as
    the problem, before the database is read."""
    try:
        partial.open("wb").close()
    except OSError as exc:
        raise _unwritable(target, exc.strerror) from exc


def _writing_failed(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite failed writing the copy (full, read-only, I/O), not reading the database."""
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR"))


def _check_target(source: Path, target: Path, *, force: bool) -> None:
    if target.is_dir():
        raise AskbotError(
            f"{target} is a directory: name the backup file, e.g. {target / source.name}"
        )
    if target.exists() and not force:
        raise AskbotError(f"{target} already exists; nothing was written (--force overwrites it)")
    if target.resolve() == source.resolve():
        raise AskbotError(f"{target} is the database itself; back up to another file")
    if not target.parent.is_dir():
        raise AskbotError(f"no directory {target.parent} to hold the backup")


async def migrate_database(path: Path) -> tuple[int, int]:
    """``db migrate``: what every start does first, on its own; the versions before and after."""
    async with _opened(path, create=True) as store:
        return await store.migrate()


# --- health: the gateway heartbeat ------------------------------------------------------------

HEARTBEAT_SECONDS = 30  # how often the bot records, while connected, that it is
HEARTBEAT_MAX_AGE = 120  # `askbot health` fails on a heartbeat older than this


class Heartbeat(BaseModel):
    """What the connected bot writes beside the database, and ``askbot health`` reads."""

    at: datetime
    latency_ms: float | None = None


def heartbeat_path(database: Path) -> Path:
    """Beside the database: the one place the bot may write (the container's volume, the unit's
    StateDirectory)."""
    return database.with_name(f"{database.name}.heartbeat")


def write_heartbeat(path: Path, latency_ms: float | None) -> None:
    """Replace the heartbeat in one step (a reader never sees half a file)."""
    beat = Heartbeat(at=datetime.now(UTC), latency_ms=latency_ms)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(beat.model_dump_json() + "\n", encoding="utf-8")
    partial.replace(path)


def gateway_health(database: Path, max_age: int = HEARTBEAT_MAX_AGE) -> str:
    """How the bot's gateway connection stands, from its heartbeat; AskbotError when it is not
    connected (no heartbeat, or none for ``max_age`` seconds)."""
    path = heartbeat_path(database)
    try:
        beat = Heartbeat.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise AskbotError(
            f"no heartbeat at {path}: the bot has not connected to Discord (is `askbot run` running?)"
        ) from None
    except (OSError, ValidationError) as exc:
        raise AskbotError(f"cannot read the heartbeat {path}: {exc}") from exc
    age = (datetime.now(UTC) - beat.at).total_seconds()
    if age > max_age:
        raise AskbotError(
            f"the bot's last heartbeat was {age:.0f} s ago (at {beat.at:%Y-%m-%d %H:%M:%S} UTC),"
            f" over {max_age:g} s: it is not connected to Discord"
        )
    latency = f", gateway latency {beat.latency_ms:.0f} ms" if beat.latency_ms is not None else ""
    return f"connected to Discord (heartbeat {max(age, 0):.0f} s ago{latency})"


# --- doctor --------------------------------------------------------------------------------------


async def doctor() -> list[Finding]:
    """Everything a deployment needs, checked in order; a bad configuration stops the rest."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return [Finding("config", problem=str(exc))]
    return [
        _config_finding(),
        await asyncio.to_thread(_token_finding, settings),
        await _database_finding(settings.database_path),
        await asyncio.to_thread(_facts_finding, facts_dir(settings)),
    ]


def _config_finding() -> Finding:
    """Valid settings, and no ``ASKBOT_*`` variable that askbot would ignore (a typo)."""
    unknown = unknown_variables()
    if unknown:
        return Finding("config", problem="; ".join(unknown))
    return Finding("config", "every setting is valid")


_TOKEN_PART = re.compile(r"[A-Za-z0-9_-]+")


def token_shape_problem(token: str) -> str | None:
    """Why ``token`` cannot be a Discord bot token, judged offline from its shape (the bot's user
    id in base64url, a dot, a timestamp, a dot, a signature); None when it can be. Never quotes it."""
    if token.lower().startswith("bot "):
        return "it starts with 'Bot ': give the token alone"
    if token[0] in "\"'":
        return "it is in quotes: give the token alone"
    parts = token.split(".")
    if len(parts) != 3 or not all(_TOKEN_PART.fullmatch(part) for part in parts):
        return (
            "it is not three dot-separated base64url parts, as a bot token is:"
            " copy it again from the Bot tab of the developer portal"
        )
    try:
        user_id = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        user_id = ""
    if not user_id.isdigit():
        return "its first part is not a bot's user id: copy it again from the Bot tab"
    return None


def _token_finding(settings: Settings) -> Finding:
    """Whether there is a token and it has a bot token's shape, never what it is: not a character
    of it is shown."""
    try:
        token = settings.token
    except ConfigError as exc:
        return Finding("token", problem=str(exc))
    if token is None:
        return Finding("token", problem="DISCORD_TOKEN is not set, so the bot cannot log in")
    if (shape := token_shape_problem(token)) is not None:
        return Finding("token", problem=f"DISCORD_TOKEN does not look like a bot token: {shape}")
    return Finding("token", "DISCORD_TOKEN is set and shaped like a bot token (never shown)")


def _writable_dir(directory: Path) -> bool:
    """Whether askbot may create files in ``directory``, or create it (SQLite adds -wal files)."""
    while not directory.exists():
        directory = directory.parent
    return os.access(directory, os.W_OK | os.X_OK)


def _database_access(path: Path) -> Finding | None:
    """What can be said before opening the database: not writable, or not there yet."""
    if not _writable_dir(path.parent) or (path.exists() and not os.access(path, os.W_OK)):
        return Finding("database", problem=f"{path} or its directory is not writable by this user")
    if not path.exists():
        return Finding("database", f"{path} does not exist yet; the first start creates it")
    return None


async def _database_finding(path: Path) -> Finding:
    if (before_opening := _database_access(path)) is not None:
        return before_opening
    try:
        report = await check_database(path)
        if report.schema_version < SCHEMA_VERSION:  # entries load once migrated
            return Finding("database", f"{path}: {report.summary()}")
        loaded = await _entries_loaded(path)
    except AskbotError as exc:
        return Finding("database", problem=str(exc))
    if loaded is None:
        return Finding("database", f"{path}: empty; the next start fills it from the fact base")
    live = sum(not entry.retired for entry in loaded)
    if live == 0:
        return Finding(
            "database",
            problem=f"{path} has no entries to answer from ({len(loaded)} retired):"
            " `askbot facts import DIR` loads a fact base",
        )
    return Finding(
        "database", f"{path}: {report.summary()}; all {len(loaded)} entries load ({live} live)"
    )


async def _entries_loaded(path: Path) -> list[Entry] | None:
    """Every entry as the bot loads it (None for a database with nothing in it yet)."""
    async with _opened(path) as store:
        if await store.is_empty():
            return None
        try:
            return (await store.load_fact_base()).entries
        except ValidationError as exc:  # a stored row the model refuses
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"]))
            raise AskbotError(
                f"{path} holds a row that does not load ({exc.title} {where}: {first['msg']})"
            ) from exc


def _facts_finding(directory: Path) -> Finding:
    try:
        fact_base = load_fact_base(directory)
    except FactBaseInvalid as exc:
        return Finding(
            "facts",
            problem=f"{len(exc.errors)} problem(s) in {directory}, the first: {exc.errors[0]}"
            f" (`askbot facts validate {directory}` lists them all)",
        )
    return Finding(
        "facts",
        f"{directory}: {len(fact_base.sources)} sources, {len(fact_base.entries)} entries,"
        " every quote found in its source",
    )
