"""Transparency selectors: every public correction, newest first, and the article's schema.org description."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from ..labels import note_label
from ..models import Article, PublicNote


def article_url(article: Article) -> str:
    return f"{settings.SITE_URL}/articles/{article.slug}/"


def public_corrections() -> QuerySet[PublicNote]:
    """Every public note (corrections, clarifications, updates, retractions) with its article, newest first."""
    return PublicNote.objects.select_related("article").order_by("-issued_at", "-version", "-id")


def article_corrections(article: Article) -> QuerySet[PublicNote]:
    """One article's public notes, newest first."""
    return PublicNote.objects.filter(article=article).select_related("article").order_by("-issued_at", "-version")


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
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
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
            "url": f"{settings.SITE_URL}/articles/{article.slug}/history/#v{note.version}",
        }
        for note in sorted(notes, key=lambda n: n.version)
    ]
    if corrections:
        data["correction"] = corrections
    return data
