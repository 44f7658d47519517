"""Transparency selectors: every public correction, newest first, and the article's schema.org description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet

from ..labels import note_label
from ..models import Article, PublicNote


def article_url(article: Article) -> str:
    return f"{settings.SITE_URL}/articles/{article.slug}/"


#: The kinds a reader can filter the corrections page by; "update" covers revisions with a note too.
FILTER_KINDS = {
    "correction": ("correction",),
    "clarification": ("clarification",),
    "update": ("update", "revision"),
    "editors_note": ("editors_note",),
    "retraction": ("retraction",),
}


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class CorrectionFilters:
    """What a reader narrowed the corrections page to: a kind, and issue dates from and to (inclusive)."""

    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> CorrectionFilters:
        """Read ``?kind=&from=&to=``; anything unknown or malformed is ignored rather than an error."""
        kind = query.get("kind", "")
        return cls(
            kind=kind if kind in FILTER_KINDS else "", since=_date(query.get("from")), until=_date(query.get("to"))
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.since or self.until)

    def query_string(self) -> str:
        """The filters as a query string (without ``page``), for pagination links."""
        pairs = {"kind": self.kind, "from": self.since or "", "to": self.until or ""}
        return urlencode({key: value for key, value in pairs.items() if value})


def public_corrections(filters: CorrectionFilters | None = None) -> QuerySet[PublicNote]:
    """Every public note (corrections, clarifications, updates, retractions) with its article, newest first."""
    notes = PublicNote.objects.select_related("article").order_by("-issued_at", "-version", "-id")
    if filters is None:
        return notes
    if filters.kind:
        notes = notes.filter(kind__in=FILTER_KINDS[filters.kind])
    if filters.since:
        notes = notes.filter(issued_at__date__gte=filters.since)
    if filters.until:
        notes = notes.filter(issued_at__date__lte=filters.until)
    return notes


def article_corrections(article: Article) -> QuerySet[PublicNote]:
    """One article's public notes, newest first."""
    return PublicNote.objects.filter(article=article).select_related("article").order_by("-issued_at", "-version")


def publisher() -> dict[str, Any]:
    """The newsroom as a schema.org Organization, with its corrections policy when it has published one."""
    data: dict[str, Any] = {"@type": "Organization", "name": settings.SITE_NAME}
    if settings.CORRECTIONS_POLICY_URL:
        data["correctionsPolicy"] = settings.CORRECTIONS_POLICY_URL
    return data


def article_jsonld(article: Article, notes: Iterable[PublicNote]) -> dict[str, Any]:
    """The article as a schema.org ``NewsArticle`` whose corrections are ``CorrectionComment`` entries."""
    url = article_url(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "publisher": publisher(),
    }
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    if article.status == Article.RETRACTED:
        data["creativeWorkStatus"] = "Retracted"
    corrections = [
        {
            "@type": "CorrectionComment",
            "name": note_label(note.kind),
            "text": note.note,
            "datePublished": note.issued_at.isoformat(),
            "url": f"{url}#note-{note.version}",
        }
        for note in sorted(notes, key=lambda n: n.version)
    ]
    if corrections:
        data["correction"] = corrections
    return data
