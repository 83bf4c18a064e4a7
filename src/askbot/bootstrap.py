"""Opening the configured database, filling an empty one from the fact files on first use."""

from __future__ import annotations

import asyncio
import getpass
import logging
from pathlib import Path

from askbot.config import Settings
from askbot.curation import apply_import, plan_import
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.store import Actor, QueueLimits, Store

log = logging.getLogger(__name__)


def cli_actor() -> Actor:
    """The person running a CLI command, as recorded in revisions and the audit log."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"cli:{user}")


def facts_dir(settings: Settings) -> Path:
    return settings.facts_dir or bundled_facts_dir()


async def open_store(settings: Settings) -> Store:
    """The store at the configured path; an empty one is filled from the fact files first (once,
    however many processes start on it at the same time)."""
    limits = QueueLimits(
        size=settings.unanswered_limit,
        max_age_days=settings.unanswered_days,
        retention_days=settings.question_retention_days,
    )
    store = await Store.open(settings.database_path, queue_limits=limits)
    try:
        if await store.is_empty():
            directory = facts_dir(settings)
            log.info("empty database %s: loading the fact base from %s", store.path, directory)
            incoming = await asyncio.to_thread(load_fact_base, directory)  # file reads off the loop
            plan = plan_import(await store.load_fact_base(), incoming)
            await apply_import(
                store,
                plan,
                Actor(name="askbot"),
                reason=f"first start: facts from {directory}",
                into_empty=True,
            )
    except BaseException:
        await store.close()
        raise
    return store
