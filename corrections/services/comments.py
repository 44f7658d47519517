"""Comment services: post, flag, approve and hide comments; set an article's moderation mode.

Comments append at the head of the article's stream (the head is locked, no
``expected_version``): they never conflict with an editor's text edits, and
concurrent posts to one hot article all land with gapless versions.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation

from .. import store
from ..domain import comments as domain
from ..domain.errors import Conflict, InvalidCommand, NotFound
from ..domain.events import Recorded
from ..models import Article, Comment, CommentAuthor, FlagMark
from ..roles import is_editor
from ..selectors.comments import moderation_mode
from . import notifications
from .articles import append_after, lock_article, lock_article_by_id, optimistically


def commenter_kind(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """Who a comment event says acted: a logged-in reader is a reader, not an editor."""
    return "editor" if is_editor(user) else "reader"


def _comment_uuid(comment_id: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(comment_id))
    except ValueError as error:
        raise NotFound(f"No comment with the id “{comment_id}”.") from error


def _facts(comment: Comment | None) -> domain.CommentFacts | None:
    if comment is None:
        return None
    return domain.CommentFacts(
        id=str(comment.id),
        article_id=str(comment.article_id),
        status=comment.status,
        flag_count=comment.flag_count,
        thread_visible=comment.thread is None or comment.thread.status == domain.VISIBLE,
    )


def _lock_comment(comment_id: Any) -> tuple[Article, store.Head, Comment]:
    """Find the comment, lock its article's stream head, and read the comment again under the lock."""
    key = _comment_uuid(comment_id)
    article_id = Comment.objects.filter(id=key).values_list("article_id", flat=True).first()
    if article_id is None:
        raise NotFound(f"No comment with the id “{comment_id}”.")
    article, head = lock_article_by_id(article_id)
    return article, head, Comment.objects.select_related("thread").get(id=key)


def comment_post(
    *,
    slug: str,
    body: str,
    author_name: str = "",
    email: str = "",
    parent_id: str | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    meta: dict[str, Any],
) -> Recorded:
    """Post a comment (or a reply); an e-mail, if given, goes to ``CommentAuthor``, never into the log.

    First from the article as this process last wrote it, without a locked read
    (one round trip on PostgreSQL); if another process has appended since, the
    head check refuses it and the comment is posted again from a locked read.
    """
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidCommand(f"“{email}” is not an e-mail address.") from error
    member = user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
    if member is not None and not (author_name or "").strip():
        author_name = getattr(member, "get_full_name", str)() or member.get_username()
    return _post(
        slug=slug,
        body=body,
        author_name=author_name,
        email=email,
        parent_id=parent_id,
        user=user,
        member=member,
        meta=meta,
    )


@optimistically
@store.atomic()
def _post(
    *,
    slug: str,
    body: str,
    author_name: str,
    email: str,
    parent_id: str | None,
    user: AbstractBaseUser | AnonymousUser | None,
    member: AbstractBaseUser | None,
    meta: dict[str, Any],
    recent: bool = False,
) -> Recorded:
    article, head = lock_article(slug, recent=recent)
    parent = None
    if parent_id is not None:
        parent_id = str(parent_id)
        try:
            parent_key = uuid.UUID(parent_id)
        except ValueError as error:
            raise InvalidCommand(f"There is no comment {parent_id} on this article to reply to.") from error
        parent = Comment.objects.select_related("thread").filter(id=parent_key).first()
    events = domain.post(
        article.as_state(),
        comment_id=str(uuid.uuid4()),
        body=body,
        author_name=author_name,
        mode=moderation_mode(article),
        parent=_facts(parent),
        parent_id=parent_id,
        author_user_id=member.pk if member is not None else None,
        trusted=is_editor(user),
    )
    if email:
        # Written first so that reactors running inside the append (notifications) can already find it.
        # The language the reader's request was served in: their confirmation and reply notices use it.
        CommentAuthor.objects.create(
            comment_id=events[0].comment_id,
            email=email,
            confirm_token=secrets.token_urlsafe(32),
            language=translation.get_language() or "",
        )
    known = [row for row in (article, parent, member) if row is not None]
    recorded = append_after(head, events, meta=meta, loaded=known)[0]
    if email:
        notifications.address_confirmation(comment_id=events[0].comment_id)
    return recorded


@transaction.atomic
def comment_address_confirm(*, token: str) -> bool:
    """The one-click link: the commenter's address is confirmed for reply notices; False if the link is unknown."""
    author = CommentAuthor.objects.filter(confirm_token=token).first() if token else None
    if author is None:
        return False
    if author.confirmed_at is None:
        CommentAuthor.objects.filter(pk=author.pk).update(confirmed_at=timezone.now())
    return True


class AlreadyFlagged(Conflict):
    """This person flagged this comment before (HTTP 409): one flag per person per comment."""

    code = "already_flagged"


@transaction.atomic
def comment_flag(*, comment_id: str, reason: str = "", flagger: str = "", meta: dict[str, Any]) -> Recorded:
    """A reader flags a visible comment for the editors; ``flagger`` (who they are) flags each comment once."""
    article, head, comment = _lock_comment(comment_id)
    events = domain.flag(article.as_state(), _facts(comment), reason=reason)
    if flagger:
        # Under the article's head lock, so two flags by one person cannot both pass this check.
        if FlagMark.objects.filter(comment_id=comment.id, flagger=flagger).exists():
            raise AlreadyFlagged("You have flagged this comment already; an editor will look at it.")
        FlagMark.objects.create(comment_id=comment.id, flagger=flagger)
    return append_after(head, events, meta=meta, loaded=[article, comment])[0]


@transaction.atomic
def comment_approve(*, comment_id: str, meta: dict[str, Any]) -> Recorded:
    """An editor shows a pending comment, or keeps a flagged one."""
    article, head, comment = _lock_comment(comment_id)
    events = domain.approve(article.as_state(), _facts(comment))
    return append_after(head, events, meta=meta, loaded=[article, comment])[0]


@transaction.atomic
def comment_hide(*, comment_id: str, reason: str, meta: dict[str, Any]) -> Recorded:
    """An editor hides a comment for good, with a reason; the original stays in the log."""
    article, head, comment = _lock_comment(comment_id)
    events = domain.hide(article.as_state(), _facts(comment), reason=reason)
    return append_after(head, events, meta=meta, loaded=[article, comment])[0]


@transaction.atomic
def comment_restore(*, comment_id: str, reason: str = "", meta: dict[str, Any]) -> Recorded:
    """An editor shows a hidden comment again; both the hiding and this stay in the log."""
    article, head, comment = _lock_comment(comment_id)
    events = domain.restore(article.as_state(), _facts(comment), reason=reason)
    return append_after(head, events, meta=meta, loaded=[article, comment])[0]


@transaction.atomic
def article_set_moderation(*, slug: str, mode: str, meta: dict[str, Any]) -> Recorded:
    """Choose pre- or post-moderation for one article, or ``default`` to follow the site setting."""
    article, head = lock_article(slug)
    events = domain.set_moderation(article.as_state(), current=article.comment_moderation, mode=mode)
    return append_after(head, events, meta=meta, loaded=[article])[0]
