"""Comments on articles: events on the article's stream, with moderation."""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event, event

VISIBLE = "visible"
PENDING = "pending"  # pre-moderation: shown once approved
HIDDEN = "hidden"

POST_MODERATION = "post"
PRE_MODERATION = "pre"


@event
@dataclass(frozen=True)
class CommentPosted(Event):
    """A reader's or editor's comment. The author's e-mail is kept out of the log (``CommentAuthor``)."""

    comment_id: str
    body: str
    author_name: str
    parent_id: str | None = None
    pending: bool = False  # True under pre-moderation
    author_user_id: int | None = None


@event
@dataclass(frozen=True)
class CommentFlagged(Event):
    comment_id: str
    reason: str = ""


@event
@dataclass(frozen=True)
class CommentApproved(Event):
    comment_id: str


@event
@dataclass(frozen=True)
class CommentHidden(Event):
    """Hidden by an editor; the original stays in the log and is never shown publicly again."""

    comment_id: str
    reason: str


@event
@dataclass(frozen=True)
class ModerationModeSet(Event):
    """An editor chose pre- or post-moderation for this article."""

    mode: str
