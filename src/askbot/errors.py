"""askbot's one error tree. Every failure a person can act on is an ``AskbotError`` worded for
them; the adapters map the tree to replies in one place each (the CLI's exit codes and one line,
the bot's error handler), so no call site converts errors by hand."""

from __future__ import annotations

from askbot.models import UnloadableRecord


class AskbotError(Exception):
    """A failure worded for whoever asked: shown to them as it is."""


class Refused(AskbotError):
    """A change refused, with every field at fault and why. Nothing was saved."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {why}" for where, why in problems))


class Conflict(AskbotError):
    """Someone else got there first (a newer revision, a decided proposal, a database rule);
    nothing was written."""


class StoreUnavailable(AskbotError):
    """The database cannot be opened or used as it stands (permissions, damage, a newer schema)."""


class EntryUnloadable(AskbotError):
    """The entry is stored but fails the Entry model; ``record`` holds what is stored."""

    def __init__(self, record: UnloadableRecord) -> None:
        self.record = record
        super().__init__(
            f"{record}. `askbot fact show {record.id}` prints it; fix it and save it with"
            f" `askbot fact edit FILE`, or go back with `askbot fact revert {record.id} N`"
        )
