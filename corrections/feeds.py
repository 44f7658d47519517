"""RSS and Atom feeds of public corrections: all of them, or one article's (Django's syndication framework)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .labels import note_label
from .models import Article, PublicNote
from .selectors import transparency

FEED_SIZE = 50


class CorrectionsFeed(Feed):
    """Every public correction, clarification, update and retraction, newest first."""

    description = "Every public correction, clarification, update and retraction, newest first."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: corrections"

    def link(self) -> str:
        return f"{settings.SITE_URL}/corrections/"

    def items(self) -> QuerySet[PublicNote]:
        return transparency.public_corrections()[:FEED_SIZE]

    def item_title(self, note: PublicNote) -> str:
        return f"{note_label(note.kind)}: {note.article.title}"

    def item_description(self, note: PublicNote) -> str:
        # RSS descriptions and Atom summaries are HTML: the note is plain text, so it is HTML-escaped here,
        # and the feed generator escapes that once more for XML. A reader then shows the note as written.
        return escape(note.note)

    def item_link(self, note: PublicNote) -> str:
        return transparency.article_url(note.article)

    def item_guid(self, note: PublicNote) -> str:
        # One article has many notes: the guid names the version that carried this one.
        return f"{settings.SITE_URL}/articles/{note.article.slug}/history/#v{note.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, note: PublicNote) -> datetime:
        return note.issued_at

    def item_updateddate(self, note: PublicNote) -> datetime:
        return note.issued_at

    def item_categories(self, note: PublicNote) -> list[str]:
        return [note.kind]


class AtomCorrectionsFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description


class ArticleCorrectionsFeed(CorrectionsFeed):
    """One article's public corrections, newest first."""

    def get_object(self, request: HttpRequest, slug: str) -> Article:
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            raise Http404(f"No article with the slug “{slug}”.")
        return article

    def title(self, article: Article) -> str:  # type: ignore[override]
        return f"{settings.SITE_NAME}: corrections to “{article.title}”"

    def link(self, article: Article) -> str:  # type: ignore[override]
        return transparency.article_url(article)

    def description(self, article: Article) -> str:  # type: ignore[override]
        return f"Public corrections and updates to “{article.title}”, newest first."

    def items(self, article: Article) -> QuerySet[PublicNote]:  # type: ignore[override]
        return transparency.article_corrections(article)[:FEED_SIZE]


class AtomArticleCorrectionsFeed(ArticleCorrectionsFeed):
    feed_type = Atom1Feed

    def subtitle(self, article: Article) -> str:
        return self.description(article)
