"""Source and unannounced-edit selectors: health of each source, the queue, an article by its URL."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ..domain.errors import NotFound
from ..ingest.urls import lookup_keys
from ..models import Article, Event, Source, TrackedPage, UnannouncedEdit
from .articles import PUBLIC_DATA, VersionDiff, article_diff


def source_list() -> QuerySet[Source]:
    """Every source with the number of articles it tracks, one query."""
    return Source.objects.annotate(articles_tracked=Count("pages")).order_by("name", "id")


def source_get(source_id: int) -> Source:
    source = source_list().filter(id=source_id).first()
    if source is None:
        raise NotFound(f"No source with the id {source_id}.")
    return source


def article_by_url(url: str) -> QuerySet[Article]:
    """The article whose canonical URL this is (tracking parameters, fragment and trailing slash aside)."""
    ids = TrackedPage.objects.filter(url__in=lookup_keys(url)).values("article_id")
    return Article.objects.filter(id__in=ids)


def unannounced_list(status: str | None = UnannouncedEdit.OPEN) -> QuerySet[UnannouncedEdit]:
    """The queue, newest first; ``status=None`` for every edit."""
    edits = UnannouncedEdit.objects.select_related("article")
    return edits.filter(status=status) if status else edits


def unannounced_get(edit_id: int) -> UnannouncedEdit:
    edit = unannounced_list(None).filter(id=edit_id).first()
    if edit is None:
        raise NotFound(f"No unannounced edit with the id {edit_id}.")
    return edit


def unannounced_diff(edit: UnannouncedEdit) -> VersionDiff:
    """What the site changed: the article just before the revision against the revision."""
    return article_diff(edit.article.slug, edit.version - 1, edit.version)


def _waived_public(row: Event) -> dict[str, int]:
    """Why the desk needed no note is the desk's business; the public log shows only which edit."""
    return {"revision": row.data["revision"]}


PUBLIC_DATA["RevisionNoteWaived"] = _waived_public
