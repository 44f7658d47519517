"""Comments on articles: events on the article's stream, with moderation.

Comments never depend on the article's text, so they are appended at the head
of the stream without an ``expected_version`` and never conflict with an
editor's edit. The commands here are pure: the service hands them the folded
article and what the read model knows about the comment concerned.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ArticleRetractedError, InvalidCommand, NotFound
from .events import Event, event
from .state import RETRACTED, ArticleState
from .text import has_control_characters, is_blank

VISIBLE = "visible"
PENDING = "pending"  # pre-moderation: shown once approved
HIDDEN = "hidden"
STATUSES = (VISIBLE, PENDING, HIDDEN)

POST_MODERATION = "post"
PRE_MODERATION = "pre"
SITE_DEFAULT = "default"  # the article follows the site's COMMENT_MODERATION setting
MODES = (POST_MODERATION, PRE_MODERATION)

BODY_MAX = 5_000
NAME_MAX = 100
REASON_MAX = 1_000


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
    """A pending comment is shown, or a flagged one is kept (its flags count as reviewed)."""

    comment_id: str


@event
@dataclass(frozen=True)
class CommentHidden(Event):
    """Hidden by an editor; the original stays in the log and is shown again only if an editor restores it."""

    comment_id: str
    reason: str


@event
@dataclass(frozen=True)
class CommentRestored(Event):
    """An editor undid a hiding (a mistake, or an appeal upheld): the comment is shown again."""

    comment_id: str
    reason: str = ""


@event
@dataclass(frozen=True)
class ModerationModeSet(Event):
    """An editor chose pre- or post-moderation for this article (``default``: the site's setting)."""

    mode: str


@dataclass(frozen=True)
class CommentFacts:
    """What a command needs to know about an existing comment (from the read model)."""

    id: str
    article_id: str
    status: str
    flag_count: int = 0
    #: False when the comment's thread (its top-level comment) is not shown publicly.
    thread_visible: bool = True

    @property
    def publicly_visible(self) -> bool:
        return self.status == VISIBLE and self.thread_visible


# --- Guards ---------------------------------------------------------------------


def ensure_open(state: ArticleState) -> None:
    if not state.exists:
        raise NotFound("No article with that slug.")
    if state.status == RETRACTED:
        raise ArticleRetractedError("Comments are closed: this article has been retracted.")


def ensure_mode(mode: str) -> None:
    if mode not in (*MODES, SITE_DEFAULT):
        raise InvalidCommand(f"Unknown moderation mode “{mode}”; use “post”, “pre” or “default”.")


def effective_mode(article_mode: str, site_mode: str) -> str:
    """The article's own mode, or the site's when the article has none."""
    return article_mode if article_mode in MODES else site_mode


def clean_text(value: str, *, what: str, limit: int, required: bool = True) -> str:
    """Strip a piece of reader text and check its length; the message names the field."""
    text = (value or "").strip()
    if has_control_characters(text):
        raise InvalidCommand(f"The {what} must be plain text: remove the control or text-direction characters.")
    if required and is_blank(text):
        raise InvalidCommand(f"The {what} cannot be empty.")
    if len(text) > limit:
        raise InvalidCommand(f"The {what} is {len(text)} characters long; the limit is {limit}.")
    return text


def ensure_can_reply_to(state: ArticleState, parent: CommentFacts | None, parent_id: str) -> None:
    if parent is None or parent.article_id != state.id:
        raise InvalidCommand(f"There is no comment {parent_id} on this article to reply to.")
    if not parent.publicly_visible:
        raise InvalidCommand("You cannot reply to this comment: it is hidden or awaiting approval.")


# --- Commands -------------------------------------------------------------------


def post(
    state: ArticleState,
    *,
    comment_id: str,
    body: str,
    author_name: str,
    mode: str,
    parent: CommentFacts | None = None,
    parent_id: str | None = None,
    author_user_id: int | None = None,
    trusted: bool = False,
) -> list[CommentPosted]:
    """Post a comment; under pre-moderation it waits for approval unless an editor wrote it."""
    ensure_open(state)
    body = clean_text(body, what="comment", limit=BODY_MAX)
    author_name = clean_text(author_name, what="name", limit=NAME_MAX)
    if parent_id is not None:
        ensure_can_reply_to(state, parent, parent_id)
    pending = mode == PRE_MODERATION and not trusted
    return [
        CommentPosted(
            comment_id=comment_id,
            body=body,
            author_name=author_name,
            parent_id=parent_id,
            pending=pending,
            author_user_id=author_user_id,
        )
    ]


def _ensure_comment(state: ArticleState, comment: CommentFacts | None) -> CommentFacts:
    if comment is None or comment.article_id != state.id:
        raise NotFound("No such comment.")
    return comment


def flag(state: ArticleState, comment: CommentFacts | None, *, reason: str = "") -> list[CommentFlagged]:
    """A reader flags a comment they can see for an editor to look at."""
    comment = _ensure_comment(state, comment)
    if not comment.publicly_visible:
        # Readers cannot see hidden or pending comments, so for them there is nothing to flag.
        raise NotFound("No such comment.")
    reason = clean_text(reason, what="reason", limit=REASON_MAX, required=False)
    return [CommentFlagged(comment_id=comment.id, reason=reason)]


def approve(state: ArticleState, comment: CommentFacts | None) -> list[CommentApproved]:
    """Show a pending comment, or keep a flagged one (its flags are then reviewed)."""
    comment = _ensure_comment(state, comment)
    if comment.status == HIDDEN:
        raise InvalidCommand("This comment has been hidden; restore it to show it again.")
    if comment.status == VISIBLE and comment.flag_count == 0:
        raise InvalidCommand("This comment is already visible and nobody has flagged it: nothing to approve.")
    return [CommentApproved(comment_id=comment.id)]


def hide(state: ArticleState, comment: CommentFacts | None, *, reason: str) -> list[CommentHidden]:
    """Hide a comment for good, saying why (the reason is for the log and the desk)."""
    comment = _ensure_comment(state, comment)
    if comment.status == HIDDEN:
        raise InvalidCommand("This comment is already hidden.")
    reason = clean_text(reason, what="reason for hiding", limit=REASON_MAX)
    return [CommentHidden(comment_id=comment.id, reason=reason)]


def restore(state: ArticleState, comment: CommentFacts | None, *, reason: str = "") -> list[CommentRestored]:
    """Show a hidden comment again (the hiding and the restoring both stay in the log)."""
    comment = _ensure_comment(state, comment)
    if comment.status != HIDDEN:
        raise InvalidCommand("Only a hidden comment can be restored; this one is not hidden.")
    reason = clean_text(reason, what="reason", limit=REASON_MAX, required=False)
    return [CommentRestored(comment_id=comment.id, reason=reason)]


def set_moderation(state: ArticleState, *, current: str, mode: str) -> list[ModerationModeSet]:
    """Choose pre- or post-moderation for one article, or go back to the site default."""
    if not state.exists:
        raise NotFound("No article with that slug.")
    ensure_mode(mode)
    if (current or SITE_DEFAULT) == mode:
        raise InvalidCommand(f"Comments on this article already use the moderation mode “{mode}”.")
    return [ModerationModeSet(mode=mode)]
