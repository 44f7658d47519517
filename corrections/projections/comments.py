"""Comment projections: the Comment rows readers and moderators see, and each article's moderation mode."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F

from ..domain import comments as domain
from ..domain.events import Recorded
from ..models import Article, Comment
from . import handles


@handles("CommentPosted")
def comment_posted(recorded: Recorded) -> None:
    event = recorded.event_as(domain.CommentPosted)
    thread_id = None
    if event.parent_id:
        parent = Comment.objects.filter(id=event.parent_id).values("id", "thread_id").first()
        thread_id = (parent["thread_id"] or parent["id"]) if parent else None
    user_id = event.author_user_id
    # The account may have been deleted since (SET_NULL inline); a rebuild must not point at it.
    if user_id is not None and not get_user_model().objects.filter(pk=user_id).exists():
        user_id = None
    Comment.objects.create(
        id=event.comment_id,
        article_id=recorded.stream_id,
        parent_id=event.parent_id,
        thread_id=thread_id,
        author_name=event.author_name,
        author_user_id=user_id,
        body=event.body,
        status=domain.PENDING if event.pending else domain.VISIBLE,
        posted_at=recorded.recorded_at,
        version=recorded.version,
    )


@handles("CommentFlagged")
def comment_flagged(recorded: Recorded) -> None:
    comment_id = recorded.event_as(domain.CommentFlagged).comment_id
    Comment.objects.filter(id=comment_id).update(flag_count=F("flag_count") + 1)


@handles("CommentApproved")
def comment_approved(recorded: Recorded) -> None:
    # Approval shows a pending comment, or keeps a flagged one: either way its flags are dealt with.
    comment_id = recorded.event_as(domain.CommentApproved).comment_id
    Comment.objects.filter(id=comment_id).update(status=domain.VISIBLE, flag_count=0)


@handles("CommentHidden")
def comment_hidden(recorded: Recorded) -> None:
    event = recorded.event_as(domain.CommentHidden)
    Comment.objects.filter(id=event.comment_id).update(status=domain.HIDDEN, hidden_reason=event.reason)


@handles("ModerationModeSet")
def moderation_mode_set(recorded: Recorded) -> None:
    mode = recorded.event_as(domain.ModerationModeSet).mode
    Article.objects.filter(id=recorded.stream_id).update(comment_moderation=mode if mode in domain.MODES else "")
