"""Comment projections: the Comment rows readers and moderators see, and each article's moderation mode."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from ..domain import comments as domain
from ..domain.events import Recorded
from ..models import Article, Comment
from . import handles, needs
from .batch import Batch, Want


def _posted_needs(recorded: Recorded) -> Iterable[Want]:
    event = recorded.event_as(domain.CommentPosted)
    if event.parent_id:
        yield Want(Comment, "id", event.parent_id)
    if event.author_user_id is not None:
        yield Want(get_user_model(), "id", event.author_user_id)


def _comment_needs(recorded: Recorded) -> Iterable[Want]:
    yield Want(Comment, "id", recorded.event.comment_id)  # type: ignore[attr-defined]


@needs(_posted_needs)
@handles("CommentPosted")
def comment_posted(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(domain.CommentPosted)
    thread_id = None
    if event.parent_id:
        parent = batch.get(Comment, event.parent_id)
        thread_id = (parent["thread_id"] or parent["id"]) if parent else None
    user_id = event.author_user_id
    # The account may have been deleted since (SET_NULL inline); a rebuild must not point at it.
    if user_id is not None and not batch.exists(get_user_model(), user_id):
        user_id = None
    batch.add(
        Comment,
        {
            "id": event.comment_id,
            "article_id": recorded.stream_id,
            "parent_id": event.parent_id,
            "thread_id": thread_id,
            "author_name": event.author_name,
            "author_user_id": user_id,
            "body": event.body,
            "status": domain.PENDING if event.pending else domain.VISIBLE,
            "flag_count": 0,
            "hidden_reason": "",
            "posted_at": recorded.recorded_at,
            "version": recorded.version,
        },
    )
    # A reply is only ever posted to a comment readers see, so a comment that is not held back is shown.
    _count(batch, recorded, pending=1 if event.pending else 0, shown=0 if event.pending else 1)


def _count(batch: Batch, recorded: Recorded, *, shown: int = 0, pending: int = 0) -> None:
    """Keep the article's comment counts, so a page never counts a thread."""
    article = batch.get(Article, recorded.stream_id)
    if article is not None and (shown or pending):
        batch.change(
            Article,
            article,
            comment_count=article["comment_count"] + shown,
            pending_comment_count=article["pending_comment_count"] + pending,
        )


def _thread_shown(batch: Batch, row: dict) -> bool:
    if row["thread_id"] is None:
        return True
    root = batch.fetch(Comment, row["thread_id"])
    return root is not None and root["status"] == domain.VISIBLE


@needs(_comment_needs)
@handles("CommentFlagged")
def comment_flagged(batch: Batch, recorded: Recorded) -> None:
    row = batch.get(Comment, recorded.event_as(domain.CommentFlagged).comment_id)
    if row is not None:
        batch.change(Comment, row, flag_count=row["flag_count"] + 1)


@needs(_comment_needs)
@handles("CommentApproved")
def comment_approved(batch: Batch, recorded: Recorded) -> None:
    # Approval shows a pending comment, or keeps a flagged one: either way its flags are dealt with.
    row = batch.get(Comment, recorded.event_as(domain.CommentApproved).comment_id)
    if row is not None:
        was = row["status"]
        batch.change(Comment, row, status=domain.VISIBLE, flag_count=0)
        if was == domain.PENDING:
            _count(batch, recorded, pending=-1, shown=1 if _thread_shown(batch, row) else 0)


@needs(_comment_needs)
@handles("CommentHidden")
def comment_hidden(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(domain.CommentHidden)
    row = batch.get(Comment, event.comment_id)
    if row is None:
        return
    was = row["status"]
    shown = was == domain.VISIBLE and _thread_shown(batch, row)
    batch.change(Comment, row, status=domain.HIDDEN, hidden_reason=event.reason)
    if was == domain.PENDING:
        _count(batch, recorded, pending=-1)
    elif shown:
        # a hidden top-level comment takes its thread's replies out of sight
        _count(batch, recorded, shown=-1 - _visible_replies(batch, row))


@needs(_comment_needs)
@handles("CommentRestored")
def comment_restored(batch: Batch, recorded: Recorded) -> None:
    row = batch.get(Comment, recorded.event_as(domain.CommentRestored).comment_id)
    if row is None:
        return
    was = row["status"]
    batch.change(Comment, row, status=domain.VISIBLE, hidden_reason="", flag_count=0)
    if was == domain.VISIBLE or not _thread_shown(batch, row):
        if was == domain.PENDING:
            _count(batch, recorded, pending=-1)
        return
    if was == domain.PENDING:
        _count(batch, recorded, pending=-1, shown=1)
    else:  # a restored top-level comment brings its thread's shown replies back into sight
        _count(batch, recorded, shown=1 + _visible_replies(batch, row))


def _visible_replies(batch: Batch, row: dict) -> int:
    if row["thread_id"] is not None:
        return 0
    batch.load([Want(Comment, "thread_id", row["id"])])
    return sum(1 for r in batch.having(Comment, "thread_id", row["id"]) if r["status"] == domain.VISIBLE)


@handles("ModerationModeSet")
def moderation_mode_set(batch: Batch, recorded: Recorded) -> None:
    mode = recorded.event_as(domain.ModerationModeSet).mode
    row = batch.get(Article, recorded.stream_id)
    if row is not None:
        batch.change(Article, row, comment_moderation=mode if mode in domain.MODES else "")
