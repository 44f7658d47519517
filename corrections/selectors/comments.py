"""Comment selectors: the public thread, counts for the page, the editors' review list, log redaction.

Threads are two levels deep: top-level comments, each with its replies in the
order they were posted. A reply to a reply stays in its thread and names whom
it answers. Readers see visible comments in visible threads only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from .. import vault
from ..domain.comments import VISIBLE, effective_mode
from ..domain.errors import NotFound
from ..models import Article, Comment, Event
from .articles import PUBLIC_DATA, PUBLIC_PAGE_HOOKS


def comment_article(slug: str) -> Article:
    """The article whose comments are asked for (without its notes)."""
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        raise NotFound(f"No article with the slug “{slug}”.")
    return article


def moderation_mode(article: Article) -> str:
    """The mode that applies to the article: its own, or the site's ``COMMENT_MODERATION``."""
    return effective_mode(article.comment_moderation, settings.COMMENT_MODERATION)


def comment_get(comment_id: Any) -> Comment:
    comment = comment_review_list().filter(id=comment_id).first()
    if comment is None:
        raise NotFound(f"No comment with the id “{comment_id}”.")
    return comment


def comments_shown(article: Article) -> QuerySet[Comment]:
    """Every comment a reader sees: visible, in a thread whose top-level comment is visible."""
    return Comment.objects.filter(article=article, status=VISIBLE).filter(
        Q(thread__isnull=True) | Q(thread__status=VISIBLE)
    )


def comment_count(article: Article) -> int:
    """Comments a reader sees, kept by the projection: a page never counts a thread."""
    return article.comment_count


def comment_pending_count(article: Article) -> int:
    return article.pending_comment_count


def comment_roots(article: Article) -> QuerySet[Comment]:
    """The visible top-level comments, oldest first (paginate these, then call ``comment_threads``)."""
    # Version order is posting order (one article's appends are serialised) and is what the partial index
    # comment_visible_roots holds, so a page reads 50 index entries; by date the planner may walk every comment.
    return Comment.objects.filter(article=article, parent__isnull=True, status=VISIBLE).order_by("version")


def comment_threads(roots: Iterable[Comment]) -> list[Comment]:
    """Attach its visible replies to each top-level comment as ``thread_list``, in one query for the whole page.

    Each reply gets ``in_reply_to``: the name of the reply it answers, or None
    when it answers the top-level comment or a comment that is no longer shown.
    """
    roots = list(roots)
    by_root: dict[Any, list[Comment]] = {root.id: [] for root in roots}
    replies = (
        Comment.objects.filter(thread__in=roots, status=VISIBLE)
        .select_related("parent")
        .order_by("posted_at", "version")
    )
    for reply in replies:
        parent = reply.parent
        answers_a_reply = parent is not None and parent.thread_id is not None and parent.status == VISIBLE
        reply.in_reply_to = parent.author_name if parent is not None and answers_a_reply else None
        by_root[reply.thread_id].append(reply)
    for root in roots:
        root.thread_list = by_root[root.id]
    return roots


@dataclass(frozen=True)
class CommentSection:
    """What the article page shows under the article."""

    count: int  # comments a reader sees
    pending: int  # comments awaiting an editor's approval
    mode: str  # "post" or "pre"
    open: bool  # False once the article is retracted
    page: Page  # top-level comments, each with its ``thread_list``


COMMENTS_PER_PAGE = 50


def comment_section(article: Article, page_number: Any = None) -> CommentSection:
    """The article's comment thread for its page: a fixed number of queries, however many comments."""
    page = Paginator(comment_roots(article), COMMENTS_PER_PAGE).get_page(page_number)
    page.object_list = comment_threads(page.object_list)
    return CommentSection(
        count=comment_count(article),
        pending=comment_pending_count(article),
        mode=moderation_mode(article),
        open=article.status != Article.RETRACTED,
        page=page,
    )


def comment_review_list() -> QuerySet[Comment]:
    """Every comment, newest first, for the editors (filter by status, article, flagged)."""
    return Comment.objects.select_related("article", "author_user").order_by("-posted_at", "-version")


# --- The public event log ------------------------------------------------------------


def comment_flag_reasons(comments: Sequence[Comment]) -> dict[str, list[str]]:
    """For each comment, the reasons readers gave since an editor last approved it: one query for a page."""
    ids = [str(c.id) for c in comments]
    rows = list(
        Event.objects.filter(type__in=("CommentFlagged", "CommentApproved"), data__comment_id__in=ids)
        .order_by("version")
        .values_list("type", "data")
    )
    opened = vault.reveal([(kind, data, {}) for kind, data in rows])
    reasons: dict[str, list[str]] = {key: [] for key in ids}
    for (kind, _), (data, _meta) in zip(rows, opened, strict=True):
        if kind == "CommentApproved":
            reasons[data["comment_id"]] = []  # approving reviews the flags so far
        elif data.get("reason"):
            reasons[data["comment_id"]].append(data["reason"])
    return reasons


def _mark_withheld(rows: Sequence[Event]) -> None:
    """Find once per page which posted comments are hidden or pending, so each row needs no query."""
    ids = [row.data.get("comment_id") for row in rows if row.type == "CommentPosted"]
    if not ids:
        return
    visible = {str(pk) for pk in Comment.objects.filter(id__in=ids, status=VISIBLE).values_list("id", flat=True)}
    for row in rows:
        if row.type == "CommentPosted":
            row.comment_withheld = row.data.get("comment_id") not in visible


def _public_comment_posted(row: Event) -> dict[str, Any]:
    """A hidden or pending comment's text and name are never shown publicly; nor is any account id."""
    withheld = getattr(row, "comment_withheld", None)
    if withheld is None:  # a single row, outside a page: look it up
        withheld = not Comment.objects.filter(id=row.data.get("comment_id"), status=VISIBLE).exists()
    data = {key: value for key, value in row.data.items() if key != "author_user_id"}
    if withheld:
        data.update(body="", author_name="")
    data["withheld"] = withheld
    return data


def _public_comment_flagged(row: Event) -> dict[str, Any]:
    """A reader's reason for flagging is for the desk: it was never moderated, so it is not shown."""
    return {key: value for key, value in row.data.items() if key != "reason"}


PUBLIC_DATA["CommentPosted"] = _public_comment_posted
PUBLIC_DATA["CommentFlagged"] = _public_comment_flagged
PUBLIC_PAGE_HOOKS.append(_mark_withheld)
