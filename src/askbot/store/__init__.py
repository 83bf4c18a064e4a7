"""The SQLite store: the only package that speaks SQL (see ``database`` for how connections,
transactions and migrations work)."""

from askbot.store.database import StaleRevision, unusable
from askbot.store.entries import EntryStore
from askbot.store.forum import ForumStore
from askbot.store.index import SearchIndex
from askbot.store.learning import LearningStore
from askbot.store.proposals import ProposalStore
from askbot.store.questions import QuestionStore
from askbot.store.records import (
    Actor,
    AnswerWeek,
    AskCount,
    AskedQuestion,
    AuditLine,
    Label,
    ParagraphMatch,
    PendingQuestion,
    Proposal,
    QueuedQuestion,
    QueueLimits,
    Revision,
    RevisionInfo,
    StoredCalibration,
    utc_now,
)
from askbot.store.schema import MIGRATIONS, SCHEMA_VERSION


class Store(EntryStore, ProposalStore, QuestionStore, LearningStore, SearchIndex, ForumStore):
    """Async access to one askbot database."""


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Actor",
    "AnswerWeek",
    "AskCount",
    "AskedQuestion",
    "AuditLine",
    "Label",
    "ParagraphMatch",
    "PendingQuestion",
    "Proposal",
    "QueueLimits",
    "QueuedQuestion",
    "Revision",
    "RevisionInfo",
    "StaleRevision",
    "Store",
    "StoredCalibration",
    "unusable",
    "utc_now",
]
