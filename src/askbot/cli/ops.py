"""`askbot db ...`, `doctor` and `health`: deploying and operating."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from askbot.cli.base import EXIT_INVALID, EXIT_OK, Commands, whole_number
from askbot.config import Settings
from askbot.ops import (
    HEARTBEAT_MAX_AGE,
    backup_database,
    check_database,
    doctor,
    gateway_health,
    migrate_database,
)


async def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    report = await backup_database(settings.database_path, Path(args.path), force=args.force)
    size = report.path.stat().st_size
    print(
        f"backed up {settings.database_path} to {report.path} ({size:,} bytes): {report.summary()}"
    )
    return EXIT_OK


async def cmd_db_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1, with the reason, when the database is unhealthy."""
    report = await check_database(settings.database_path)
    print(f"{report.path}: {report.summary()}")
    return EXIT_OK


async def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """The container's health check: the database is sound and the bot is connected to Discord
    (its gateway heartbeat is recent); exit 1, with the reason, otherwise."""
    report = await check_database(settings.database_path)
    gateway = await asyncio.to_thread(gateway_health, settings.database_path, args.max_age)
    print(f"{gateway}; {report.path}: {report.summary()}")
    return EXIT_OK


async def cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    before, after = await migrate_database(settings.database_path)
    path = settings.database_path
    if before == after:
        print(f"{path} is at schema version {after}: nothing to migrate")
    else:
        print(f"migrated {path} from schema version {before} to {after}")
    await check_database(path)  # rows this version's rules refuse: named now, with the repair
    return EXIT_OK


def run_doctor() -> int:
    """``askbot doctor`` loads the settings itself: a bad configuration is one of its findings."""
    findings = asyncio.run(doctor())
    for finding in findings:
        verdict = f"problem: {finding.problem}" if finding.problem else f"ok - {finding.detail}"
        print(f"{finding.check}: {verdict}")
    return EXIT_INVALID if any(f.problem for f in findings) else EXIT_OK


def register(commands: Commands) -> None:
    db = commands.add_parser("db", help="back up, check or migrate the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    backup = db_commands.add_parser(
        "backup", help="a consistent copy of the database, safe while the bot runs"
    )
    backup.add_argument("path", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=cmd_db_backup)
    db_commands.add_parser(
        "check", help="integrity, schema version and row counts; exit 1 when unhealthy"
    ).set_defaults(handler=cmd_db_check)
    db_commands.add_parser(
        "migrate", help="bring the database to this version's schema (every start does too)"
    ).set_defaults(handler=cmd_db_migrate)
    commands.add_parser(
        "doctor", help="check configuration, token, database and fact base; exit 1 on a problem"
    )
    health = commands.add_parser(
        "health", help="the bot is connected to Discord and the database is sound; else exit 1"
    )
    health.add_argument(
        "--max-age",
        type=whole_number(1, 86_400),
        default=HEARTBEAT_MAX_AGE,
        metavar="SECONDS",
        help=f"the oldest gateway heartbeat that passes (default {HEARTBEAT_MAX_AGE:g})",
    )
    health.set_defaults(handler=cmd_health)
