"""Suggestion selectors: a reader's status by secret token, related items for editors, log redaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..domain import suggestions as domain
from ..domain.errors import NotFound
from ..models import Event, Suggestion, SuggestionTicket
from .articles import PUBLIC_DATA

#: What each status means, in the reader's words.
STATUS_LABELS = {
    domain.NEW: _("Received: waiting for an editor."),
    domain.ASSIGNED: _("An editor is looking at it."),
    domain.ACCEPTED: _("Accepted: the article has been corrected."),
    domain.REJECTED: _("Reviewed: the article was not changed."),
    domain.DUPLICATE: _("Someone reported the same thing; the editors handle it there."),
}

#: The kinds of mistake as the reader chose them.
CATEGORY_LABELS = {
    "typo": _("Typo or spelling"),
    "factual": _("Factual error"),
    "legal": _("Legal problem"),
    "clarification": _("Unclear"),
    "other": _("Something else"),
}


@dataclass(frozen=True)
class SuggestionStatus:
    """A reader's own report as they may see it: nothing about other readers, nothing internal."""

    id: str
    status: str
    status_label: str
    reply: str
    exact: str
    suggestion: str
    comment: str
    category: str
    category_label: str
    outdated: bool
    received_at: datetime
    resolved_at: datetime | None
    article_slug: str
    article_title: str


def suggestion_status(token: str) -> SuggestionStatus:
    """The report behind a reader's ticket; the token is the only way in."""
    ticket = SuggestionTicket.objects.filter(token=token).only("suggestion_id").first() if token else None
    row = (
        Suggestion.objects.select_related("article").filter(id=ticket.suggestion_id).first()
        if ticket is not None
        else None
    )
    if row is None:
        raise NotFound("There is no suggestion with that link; check that you copied all of it.")
    return SuggestionStatus(
        id=str(row.id),
        status=row.status,
        status_label=str(STATUS_LABELS.get(row.status, row.status)),
        reply=row.reply,
        exact=row.exact,
        suggestion=row.suggestion,
        comment=row.comment,
        category=row.category,
        category_label=str(CATEGORY_LABELS.get(row.category, row.category)),
        outdated=row.outdated and row.status in domain.OPEN_STATUSES,
        received_at=row.received_at,
        resolved_at=row.resolved_at,
        article_slug=row.article.slug,
        article_title=row.article.title,
    )


def suggestion_related(row: Suggestion) -> QuerySet[Suggestion]:
    """Open items on the same article whose spans overlap this one's (editors only), oldest first.

    The database does the ``domain.overlaps`` test: ``start < other.end and other.start < end``.
    An outdated item has no place in the current text, so nothing overlaps it.
    """
    if row.outdated:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(
            article_id=row.article_id,
            status__in=domain.OPEN_STATUSES,
            outdated=False,
            start__lt=row.end,
            end__gt=row.start,
        )
        .exclude(id=row.id)
        .order_by("received_at", "id")
    )


def _public_received(row: Event) -> dict[str, Any]:
    """The public log shows what was reported, not a reader's private comment to the editors."""
    return {key: value for key, value in row.data.items() if key != "comment"}


PUBLIC_DATA["SuggestionReceived"] = _public_received
PUBLIC_DATA["SuggestionSeconded"] = _public_received
