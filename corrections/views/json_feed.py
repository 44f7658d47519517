"""JSON Feed 1.1 of public corrections, beside the RSS and Atom feeds: all of them, or one article's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse

from ..labels import note_label
from ..models import Article, PublicNote
from ..selectors import transparency

CONTENT_TYPE = "application/feed+json; charset=utf-8"
FEED_SIZE = 50  # as many as the RSS and Atom feeds


def _item(note: PublicNote) -> dict[str, Any]:
    return {
        # The same id as the RSS guid: one article has many notes, the version tells them apart.
        "id": f"{settings.SITE_URL}/articles/{note.article.slug}/history/#v{note.version}",
        "url": f"{transparency.article_url(note.article)}#note-{note.version}",
        "title": f"{note_label(note.kind)}: {note.article.title}",
        "content_text": note.note,
        "date_published": note.issued_at.isoformat(),
        "tags": [note.kind],
    }


def _feed(title: str, home: str, feed_url: str, notes: QuerySet[PublicNote]) -> JsonResponse:
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home,
        "feed_url": feed_url,
        "description": "Public corrections, clarifications, updates and retractions, newest first.",
        "language": settings.LANGUAGE_CODE,
        "items": [_item(note) for note in notes[:FEED_SIZE]],
    }
    return JsonResponse(data, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})


def corrections_json(request: HttpRequest) -> JsonResponse:
    """Every public correction as a JSON Feed."""
    return _feed(
        f"{settings.SITE_NAME}: corrections",
        f"{settings.SITE_URL}/corrections/",
        f"{settings.SITE_URL}/corrections/feed/json/",
        transparency.public_corrections(),
    )


def article_corrections_json(request: HttpRequest, slug: str) -> JsonResponse:
    """One article's public corrections as a JSON Feed."""
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        raise Http404(f"No article with the slug “{slug}”.")
    return _feed(
        f"{settings.SITE_NAME}: corrections to “{article.title}”",
        transparency.article_url(article),
        f"{settings.SITE_URL}/articles/{slug}/corrections/feed/json/",
        transparency.article_corrections(article),
    )
