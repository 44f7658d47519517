"""Suggestion services: a reader reports a mistake in an article.

A report appends at the stream's head under the head lock, like a comment: it
never conflicts with an editor's version. The reader's name and e-mail and
their secret status token go into ``SuggestionTicket``, never into an event.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from .. import dbapi, selectors, store
from ..domain import anchoring, reanchoring, remap
from ..domain import suggestions as domain
from ..domain.errors import ArticleRetractedError, InvalidCommand, NotFound
from ..domain.events import Recorded
from ..models import Article, Suggestion, SuggestionTicket
from .articles import append_after, lock_article, optimistically


@dataclass(frozen=True)
class Submitted:
    """What the reader gets back: the queue item's id and status, and their own secret token."""

    suggestion_id: str
    token: str
    status: str
    seconded: bool  # True when the report joined an open item with the same span and fix
    recorded: Recorded


def _text_seen(article: Article, version: int | None) -> str:
    """The body as the reader saw it at ``version`` (default: now)."""
    if version is None or article.text_version <= version <= article.version:
        return article.body
    try:
        return selectors.article_at_version(article.slug, version).body
    except NotFound as error:
        raise InvalidCommand(
            f"This article has no version {version}; reload the page and select the text again.", field="version"
        ) from error


def _open_duplicate(article: Article, span: anchoring.Span, suggestion: str) -> Suggestion | None:
    """The oldest open item on the same span with the same fix, if any: one indexed lookup, however many
    other fixes readers sent for that passage."""
    return (
        Suggestion.objects.filter(
            article=article,
            status__in=domain.OPEN_STATUSES,
            outdated=False,
            fix_digest=domain.fix_digest(suggestion),
            start=span.start,
            end=span.end,
        )
        .order_by("received_at", "id")
        .first()
    )


def _ticket(suggestion_id: str, name: str, email: str, *, event_version: int) -> str:
    """Write the reader's ticket and return its token; the ticket keeps the language their request was served in."""
    ticket = SuggestionTicket(
        suggestion_id=suggestion_id,
        token=secrets.token_urlsafe(32),
        name=name.strip(),
        email=email.strip(),
        event_version=event_version,
        language=translation.get_language() or "",
    )
    dbapi.insert([ticket])  # nobody needs its id: asking for it would wait for the database mid-append
    return ticket.token


def _submit_unanchored(
    article: Article,
    head: store.Head,
    suggestion: str,
    comment: str,
    category: str,
    name: str,
    email: str,
    meta: dict[str, Any],
) -> Submitted:
    """A request about the whole article ("write to us"): no quote, no anchor, never merged with another."""
    suggestion_id = str(uuid.uuid4())
    event = domain.SuggestionReceived(
        suggestion_id=suggestion_id,
        exact="",
        start=0,
        against_version=article.version,
        suggestion=suggestion.strip(),
        comment=comment.strip(),
        category=category,
    )
    recorded = append_after(head, [event], meta=meta, loaded=[article])[0]
    token = _ticket(suggestion_id, name, email, event_version=recorded.version)
    return Submitted(suggestion_id, token, domain.NEW, False, recorded)


@optimistically
@store.atomic()
def suggestion_submit(
    *,
    slug: str,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    version: int | None = None,
    suggestion: str = "",
    comment: str = "",
    category: str = "typo",
    name: str = "",
    email: str = "",
    meta: dict[str, Any],
    recent: bool = False,
) -> Submitted:
    """Record a reader's report, or second the open report it duplicates; either way the reader gets a ticket.

    The selection is resolved in the text of the version the reader saw (422 if
    it is not there or ambiguous); if that is an older version, the passage is
    followed through the diff to the current text (``SuggestionReanchored`` in
    the same append), and a passage gone since is recorded as outdated.
    ``end`` is accepted as part of the position selector but only ``start`` is
    used, as a hint: the quote and its context decide. With no ``exact`` the
    report is about the whole article: it is recorded without an anchor.
    ``recent`` is set by ``optimistically``: first from the article as this
    process last wrote it, then, if another process has appended since, under the lock.
    """
    domain.check_submission(exact=exact, suggestion=suggestion, comment=comment, category=category)
    if start is not None and end is not None and end < start:
        raise InvalidCommand("The selection ends before it starts.", field="end")
    article, head = lock_article(slug, recent=recent)
    if article.status == Article.RETRACTED:
        raise ArticleRetractedError("This article has been retracted; it no longer takes corrections.")
    if not exact.strip():
        return _submit_unanchored(article, head, suggestion, comment, category, name, email, meta)
    seen = _text_seen(article, version)
    span = anchoring.resolve(seen, exact, prefix, suffix, start)
    # Keep the quote and its context as they stand in the text, so later re-anchoring does not depend
    # on how the reader's browser rendered white space or typography.
    quote = seen[span.start : span.end]
    before, after = reanchoring.context(seen, span.start, span.end)
    # Seen on an older version: follow the passage through the diff to the current text.
    followed = (
        remap.follow(seen, article.body, span.start, span.end, original=quote, proposed=suggestion.strip())
        if seen != article.body
        else None
    )
    now = span if followed is None else anchoring.Span(followed.start, followed.end)
    gone = followed is not None and followed.state == remap.DELETED
    original = _open_duplicate(article, now, suggestion) if not gone else None
    if original is not None:
        suggestion_id = str(original.id)
        events: list[domain.Event] = [domain.SuggestionSeconded(suggestion_id=suggestion_id, comment=comment.strip())]
    else:
        suggestion_id = str(uuid.uuid4())
        events = [
            domain.SuggestionReceived(
                suggestion_id=suggestion_id,
                exact=quote,
                start=span.start,
                against_version=version or article.version,
                prefix=before,
                suffix=after,
                suggestion=suggestion.strip(),
                comment=comment.strip(),
                category=category,
            )
        ]
        if followed is not None:
            prefix_now, suffix_now = reanchoring.context(article.body, followed.start, followed.end)
            events.append(
                domain.SuggestionReanchored(
                    suggestion_id=suggestion_id,
                    state=followed.state,
                    start=followed.start,
                    end=followed.end,
                    exact=followed.exact,
                    prefix=prefix_now,
                    suffix=suffix_now,
                    probably_resolved=followed.probably_resolved,
                    how=followed.how,
                )
            )
    loaded = [article, *([original] if original is not None else [])]
    recorded = append_after(head, events, meta=meta, loaded=loaded)[0]
    token = _ticket(suggestion_id, name, email, event_version=recorded.version)
    # A new item starts in the queue; a second leaves the item's status as it was (read under this append).
    status = original.status if original is not None else domain.NEW
    return Submitted(suggestion_id, token, status, original is not None, recorded)
