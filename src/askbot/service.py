"""The fact base as a long-running process serves it (the bot): the answer engine in memory, kept
current with changes made here and by other processes (the CLI next to the bot), questions
recorded after the reply, and the unanswered queue pruned in the background.

Nothing here waits on the database before a member's reply: answers come from memory, the record
of a question is queued and written by a task on a second connection (retried while another
process holds the write lock), and re-checking the queue after a change runs off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable

from askbot.answering import Answer, AnswerEngine, asked_question, load_engine
from askbot.curation import prune_answered
from askbot.store import AskedQuestion, Store

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0  # how often to look for other processes' changes: seen within 2 s
RETRY_FIRST_SECONDS, RETRY_LONGEST_SECONDS = 0.5, 30.0  # recording while the database is busy
MAX_UNRECORDED = 10_000  # questions held while the database cannot be written; oldest dropped
# How long a change made here waits for the rebuilt engine before its reply goes out: Discord
# gives a reply 3 s, and a fact base of some thousands of entries takes longer to rebuild.
REFRESH_REPLY_SECONDS = 2.0


class AnswerService:
    """One store, the engine built from it, and the background tasks that keep both in step.

    Use ``await AnswerService.start(store)``; ``close()`` stops the tasks and writes what is
    still queued. The store stays the caller's to close.
    """

    def __init__(self, store: Store, recorder: Store) -> None:
        self.store = store
        self._recorder = recorder  # a second connection: waiting on locks holds up nothing else
        self.engine: AnswerEngine
        self._engine_version = -1  # the fact base version the engine was built from
        self._data_version = 0  # PRAGMA data_version when last looked at
        self._refreshing = asyncio.Lock()
        self._prune_wanted = asyncio.Event()
        self._unrecorded: list[AskedQuestion] = []
        self._has_unrecorded = asyncio.Event()
        self._all_recorded = asyncio.Event()
        self._all_recorded.set()
        self._stopping = asyncio.Event()
        self._background: list[asyncio.Task[None]] = []
        self._rebuilds: set[asyncio.Task[None]] = set()  # after changes made here, until done
        self._recording: asyncio.Task[None] | None = None
        self.on_reload: Callable[[], None] | None = None  # told of other processes' changes

    @classmethod
    async def start(cls, store: Store) -> AnswerService:
        recorder = await Store.open(store.path, migrate=False, queue_limits=store.queue_limits)
        service = cls(store, recorder)
        try:
            service._data_version = await store.data_version()
            await service.refresh()
        except BaseException:
            await recorder.close()
            raise
        service._background = [
            asyncio.create_task(service._watch_other_processes(), name="askbot-watch"),
            asyncio.create_task(service._prune_queue(), name="askbot-prune"),
        ]
        service._recording = asyncio.create_task(service._record_questions(), name="askbot-record")
        return service

    async def close(self) -> None:
        """Stop the background work; questions not yet recorded get one last try."""
        for task in (*self._background, *self._rebuilds):
            task.cancel()
        await asyncio.gather(*self._background, *self._rebuilds, return_exceptions=True)
        self._stopping.set()
        self._has_unrecorded.set()
        if self._recording is not None:  # it finishes the write under way, if any
            await asyncio.gather(self._recording, return_exceptions=True)
        try:
            await self._write_unrecorded()
        except sqlite3.Error as exc:
            log.warning("%d question(s) not recorded at shutdown: %s", len(self._unrecorded), exc)
        await self._recorder.close()

    # --- answering --------------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        """Answer from memory; the question is recorded afterwards, never before the reply."""
        answer = self.engine.answer(question)
        self.record(question, answer)
        return answer

    def record(self, question: str, answer: Answer) -> None:
        """Queue an answered question to be counted (and, if nothing answered it, queued for the
        moderators) by the background writer."""
        asked = asked_question(question, answer)
        if asked is not None:
            self._unrecorded.append(asked)
            self._drop_overflow()
            self._all_recorded.clear()
            self._has_unrecorded.set()

    async def recorded(self) -> None:
        """Wait until every question asked so far is in the database."""
        await self._all_recorded.wait()

    async def _record_questions(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while not self._stopping.is_set():
            await self._has_unrecorded.wait()
            try:
                await self._write_unrecorded()
            except sqlite3.OperationalError as exc:  # locked or busy: another process is writing
                log.warning(
                    "cannot record %d question(s) yet (%s); retrying in %g s",
                    len(self._unrecorded),
                    exc,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, RETRY_LONGEST_SECONDS)
            except Exception:  # not a wait that will pass: keep recording what comes next
                log.exception("could not record %d question(s); dropped", len(self._unrecorded))
                self._unrecorded.clear()
                self._all_recorded.set()
            else:
                delay = RETRY_FIRST_SECONDS

    async def _write_unrecorded(self) -> None:
        """Write what is queued in one transaction; on failure it is queued again, in order."""
        batch, self._unrecorded = self._unrecorded, []
        self._has_unrecorded.clear()
        try:
            if batch:
                await self._recorder.record_asked(batch)
        except BaseException:
            self._unrecorded[:0] = batch
            self._drop_overflow()
            self._has_unrecorded.set()
            raise
        if not self._unrecorded:
            self._all_recorded.set()

    def _drop_overflow(self) -> None:
        overflow = len(self._unrecorded) - MAX_UNRECORDED
        if overflow > 0:
            del self._unrecorded[:overflow]
            log.warning(
                "the database stays unwritable: dropped %d unrecorded question(s)", overflow
            )

    # --- keeping the engine current ---------------------------------------------------------------

    async def refresh(self) -> None:
        """Rebuild the engine from the store (after any change, without a restart); the unanswered
        queue is re-checked against it in the background."""
        async with self._refreshing:
            # The version is read first: a change landing in between makes the watch reload once
            # more, never miss it.
            version = await self.store.fact_base_version()
            self.engine = await load_engine(self.store)
            self._engine_version = version
        self._prune_wanted.set()

    async def refresh_after_change(self) -> None:
        """Rebuild after a change made here, waiting at most REFRESH_REPLY_SECONDS. A longer
        rebuild goes on in the background (a failure is logged) and /ask answers from the
        previous engine until it is done."""
        rebuild = asyncio.create_task(self.refresh(), name="askbot-refresh")
        self._rebuilds.add(rebuild)  # so that close() stops it, whoever still waits on it
        rebuild.add_done_callback(self._rebuilds.discard)
        try:
            done, _ = await asyncio.wait({rebuild}, timeout=REFRESH_REPLY_SECONDS)
        except asyncio.CancelledError:  # the caller gave up; the change still reaches /ask
            rebuild.add_done_callback(self._log_late_failure)
            raise
        if done:
            rebuild.result()  # its failure is the change's caller's to report
            return
        log.info("the fact base is still being rebuilt after a change; /ask catches up when done")
        rebuild.add_done_callback(self._log_late_failure)

    @staticmethod
    def _log_late_failure(rebuild: asyncio.Task[None]) -> None:
        if not rebuild.cancelled() and rebuild.exception() is not None:
            log.error(
                "could not rebuild the fact base after a change; still answering from the last one",
                exc_info=rebuild.exception(),
            )

    async def reload_if_changed(self) -> bool:
        """Reload when another connection changed the fact base since the last look; whether it
        did. ``PRAGMA data_version`` moves with any other connection's commit (one cheap read);
        questions recorded elsewhere (or by this service's recorder) leave the fact base's
        version alone, so they cost no reload."""
        seen, self._data_version = self._data_version, await self.store.data_version()
        if self._data_version == seen:
            return False
        if await self.store.fact_base_version() == self._engine_version:
            return False
        log.info("the fact base changed in another process: reloading it")
        await self.refresh()
        if self.on_reload is not None:
            self.on_reload()
        return True

    async def _watch_other_processes(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self.reload_if_changed()
            except Exception:  # a background task must outlive any one failed reload
                log.exception("could not reload the fact base; still answering from the last one")

    async def _prune_queue(self) -> None:
        """After each refresh: apply the queue limits, then drop the questions the fact base
        answers now (a bounded number, answered in a worker thread)."""
        while True:
            await self._prune_wanted.wait()
            self._prune_wanted.clear()
            try:
                await self.store.trim_unanswered()
                removed = await prune_answered(self.store, self.engine)
            except Exception:  # as above: the next change tries again
                log.exception("could not prune the unanswered queue")
                continue
            if removed:
                log.info("%d queued question(s) are answered now: removed from the queue", removed)
