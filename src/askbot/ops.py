"""Running askbot: back up, check and migrate the database, and diagnose a setup (``doctor``).

Problems come back as plain sentences (a StoreError, or a Finding's ``problem``), never as a
traceback: their reader is whoever is on call, or a container health check.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from askbot.bootstrap import facts_dir
from askbot.config import ConfigError, Settings, load_settings
from askbot.factfiles import FactBaseInvalid, load_fact_base
from askbot.store import SCHEMA_VERSION, Store, StoreError, unusable


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
        raise StoreError(f"no database at {path} (askbot creates it on first start)")


@asynccontextmanager
async def _opened(path: Path, *, create: bool = False) -> AsyncIterator[Store]:
    """The database at ``path`` as it is (not migrated), with SQLite's failures in plain words."""
    if not create:
        _require(path)
    try:
        async with await Store.open(path, migrate=False) as store:
            yield store
    except sqlite3.DatabaseError as exc:  # damage found while reading, after the file opened
        raise unusable(path, exc) from exc


async def _inspect(store: Store) -> DatabaseReport:
    problems = [line for line in await store.integrity_check() if line != "ok"]
    if problems:
        first = " ".join(problems[0].split())
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreError(f"{store.path} is damaged: {first}{more}; restore a backup")
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
        raise StoreError(
            f"{path}: {len(unloadable)} stored row(s) cannot be loaded and are left out of answers:\n"
            + "\n".join(f"  {record}" for record in unloadable)
            + "\nRepair each: `askbot fact show ID` prints an entry, `askbot fact edit FILE` saves"
            " it fixed (or `askbot fact revert ID N`); `askbot facts import` replaces a source"
        )
    if report.schema_version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {report.schema_version}, newer than this askbot"
            f" ({SCHEMA_VERSION}): upgrade askbot, or restore a backup taken before the upgrade"
        )
    return report


async def backup_database(source: Path, target: Path, *, force: bool = False) -> DatabaseReport:
    """``db backup``: a consistent copy, safe while the bot writes. The copy is checked before it
    takes ``target``'s place, so a failed backup never leaves a half-written file there."""
    _check_target(source, target, force=force)
    partial = target.with_name(f".{target.name}.partial")
    try:
        async with _opened(source) as store:
            await store.backup(partial)
        async with _opened(partial) as copy:
            report = await _inspect(copy)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, path=target)


def _check_target(source: Path, target: Path, *, force: bool) -> None:
    if target.exists() and not force:
        raise StoreError(f"{target} already exists; nothing was written (--force overwrites it)")
    if target.resolve() == source.resolve():
        raise StoreError(f"{target} is the database itself; back up to another file")
    if not target.parent.is_dir():
        raise StoreError(f"no directory {target.parent} to hold the backup")


async def migrate_database(path: Path) -> tuple[int, int]:
    """``db migrate``: what every start does first, on its own; the versions before and after."""
    async with _opened(path, create=True) as store:
        return await store.migrate()


# --- doctor --------------------------------------------------------------------------------------


async def doctor() -> list[Finding]:
    """Everything a deployment needs, checked in order; a bad configuration stops the rest."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return [Finding("config", problem=str(exc))]
    return [
        Finding("config", "every setting is valid"),
        _token_finding(settings),
        await _database_finding(settings.database_path),
        await asyncio.to_thread(_facts_finding, facts_dir(settings)),
    ]


def _token_finding(settings: Settings) -> Finding:
    """Whether there is a token, never what it is: not a character of it is shown."""
    if settings.token is None:
        return Finding("token", problem="DISCORD_TOKEN is not set, so the bot cannot log in")
    return Finding("token", "DISCORD_TOKEN is set (its value is never shown)")


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
    except StoreError as exc:
        return Finding("database", problem=str(exc))
    return Finding("database", f"{path}: {report.summary()}")


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
