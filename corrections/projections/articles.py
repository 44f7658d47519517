"""Article projections: the current article row and its public notes.

The row's ``version`` follows every event of the stream: ``article_version`` moves
it on for events that do not change the text, ``article_text`` folds those that do.
"""

from __future__ import annotations

from dataclasses import fields

from ..domain import state as article_state
from ..domain.events import Recorded
from ..models import Article, PublicNote
from . import EVERY, handles
from .batch import Batch, Row

#: The article row's columns that the domain's ``ArticleState`` holds.
STATE = [f.name for f in fields(article_state.ArticleState) if f.name not in ("id", "notes")]


def state_of(row: Row | None) -> article_state.ArticleState:
    if row is None:
        return article_state.ArticleState()
    return article_state.ArticleState(id=str(row["id"]), **{name: row[name] for name in STATE})


@handles(EVERY)
def article_version(batch: Batch, recorded: Recorded) -> None:
    """Every event moves the article's version on, text-changing or not (the engine loads every stream's row)."""
    row = batch.get(Article, recorded.stream_id)
    if row is not None and not recorded.event.changes_text:
        batch.change(Article, row, version=recorded.version)


@handles("ArticlePublished", "ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def article_text(batch: Batch, recorded: Recorded) -> None:
    """Fold the event into the article row with the domain's own ``apply``; new public notes become rows."""
    row = batch.get(Article, recorded.stream_id)
    after = article_state.apply(state_of(row), recorded)
    values = {name: getattr(after, name) for name in STATE}
    if row is None:
        batch.add(
            Article,
            {
                "id": recorded.stream_id,
                "comment_moderation": "",
                "comment_count": 0,
                "pending_comment_count": 0,
                **values,
            },
        )
    else:
        batch.change(Article, row, **values)
    for note in after.notes:  # the state started without notes: these are this event's
        batch.add(
            PublicNote,
            {
                "article_id": recorded.stream_id,
                "version": note.version,
                "kind": note.kind,
                "note": note.note,
                "issued_at": note.issued_at,
            },
        )
