"""Changing the fact base: every change makes a revision and an audit line, in one transaction."""

from askbot.curation.aliases import add_alias
from askbot.curation.entries import (
    EditConflict,
    add_entry,
    check_entry,
    current_entry,
    edit_entry,
    new_entry_id,
    revert,
    save_entry,
    set_retired,
    set_status,
    slugify,
)
from askbot.curation.forms import (
    draft_entry,
    draft_source,
    parse_citations,
    parse_position,
    source_from_form,
)
from askbot.curation.history import RevisionChange, describe_changes, history
from askbot.curation.imports import ImportConflict, ImportPlan, apply_import, plan_import
from askbot.curation.proposals import (
    PENDING_PROPOSALS_PER_MEMBER,
    ProposalConflict,
    Review,
    approve,
    check_may_propose,
    find_proposal,
    propose,
    reject,
    review_proposal,
)
from askbot.curation.sources import add_source
from askbot.curation.stats import Stats, prune_answered, stats

__all__ = [
    "PENDING_PROPOSALS_PER_MEMBER",
    "EditConflict",
    "ImportConflict",
    "ImportPlan",
    "ProposalConflict",
    "Review",
    "RevisionChange",
    "Stats",
    "add_alias",
    "add_entry",
    "add_source",
    "apply_import",
    "approve",
    "check_entry",
    "check_may_propose",
    "current_entry",
    "describe_changes",
    "draft_entry",
    "draft_source",
    "edit_entry",
    "find_proposal",
    "history",
    "new_entry_id",
    "parse_citations",
    "parse_position",
    "plan_import",
    "propose",
    "prune_answered",
    "reject",
    "revert",
    "review_proposal",
    "save_entry",
    "set_retired",
    "set_status",
    "slugify",
    "source_from_form",
    "stats",
]
