"""Selectors: the only readers of the read models. One module per concern; article selectors re-exported here."""

from .articles import (
    PUBLIC_DATA,
    article_at_version,
    article_diff,
    article_events,
    article_get,
    article_list,
    diff_states,
    events_opened,
    history_etag,
    public_data,
    public_meta,
    public_page,
)
from .history import HistoryPage, article_history

__all__ = [
    "PUBLIC_DATA",
    "HistoryPage",
    "article_at_version",
    "article_diff",
    "article_events",
    "article_get",
    "article_history",
    "article_list",
    "diff_states",
    "events_opened",
    "history_etag",
    "public_data",
    "public_meta",
    "public_page",
]

# Importing a concern's module registers its redactors for the public event log.
from . import comments, review, sources, suggestions  # noqa: F401
