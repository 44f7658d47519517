"""One page of the newsroom's site, recorded: published if new, revised if its words changed, else nothing.

Whatever way a page arrives (feed, sitemap, WordPress, webhook), it ends in
``page_apply``. Text is compared by its normalised fingerprint, so a change of
white space, typography or markup alone is not an edit; a changed text is
revised with ``origin="site"`` through the article services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..domain.errors import SlugTaken
from ..ingest import fetch, normalise
from ..ingest.extract import ExtractError, extract
from ..ingest.parse import Entry
from ..ingest.urls import canonical_url, slug_for
from ..models import Article, Source, TrackedPage
from .articles import article_publish, article_revise
from .meta import actor_meta


def site_meta(source: Source, url: str) -> dict[str, Any]:
    """The meta of an event that came from the site: a ``site`` actor, which source, which page."""
    meta = actor_meta(kind="site")
    meta["source"] = {"id": source.pk, "url": url}
    return meta


@dataclass
class PollReport:
    """What one poll or webhook did, counted."""

    published: int = 0
    revised: int = 0
    unchanged: int = 0
    fetched: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "fetched": self.fetched,
            "errors": self.errors,
        }


def find_page(url: str, *, source: Source, cms_id: str = "") -> TrackedPage | None:
    page = TrackedPage.objects.filter(url=url).first()
    if page is None and cms_id:
        page = TrackedPage.objects.filter(source=source, cms_id=cms_id).first()
    return page


def _free_slug(url: str, title: str) -> str:
    base = slug_for(url, title)
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def page_apply(
    source: Source,
    *,
    url: str,
    title: str,
    body: str,
    report: PollReport,
    page: TrackedPage | None = None,
    cms_id: str = "",
    note: str = "",
    site_modified_at: datetime | None = None,
    published_at: datetime | None = None,
    etag: str = "",
    last_modified: str = "",
) -> str:
    """Record what the site shows at ``url``: ``published``, ``revised``, ``unchanged`` or ``stale``."""
    title, body = normalise.clean_title(title), normalise.clean(body)
    if not title or not body:
        raise ExtractError(f"{url} has no {'title' if not title else 'text'}; nothing was recorded.")
    now = timezone.now()
    digest = normalise.fingerprint(title, body)
    page = page or find_page(url, source=source, cms_id=cms_id)
    if page is None:
        return _publish(
            source,
            url=url,
            title=title,
            body=body,
            digest=digest,
            cms_id=cms_id,
            report=report,
            site_modified_at=site_modified_at,
            published_at=published_at,
            etag=etag,
            last_modified=last_modified,
        )
    seen = {"last_checked_at": now, "etag": etag or page.etag, "last_modified": last_modified or page.last_modified}
    if site_modified_at and page.site_modified_at and site_modified_at < page.site_modified_at:
        TrackedPage.objects.filter(id=page.id).update(**seen)
        return "stale"  # an older copy delivered late (a replayed or reordered webhook)
    seen["site_modified_at"] = site_modified_at or page.site_modified_at
    if page.url != url and not TrackedPage.objects.filter(url=url).exists():
        seen["url"] = url  # found by the CMS's id under a new address (a changed slug): follow it
    article = Article.objects.filter(id=page.article_id).first()
    if page.fingerprint == digest or article is None:
        TrackedPage.objects.filter(id=page.id).update(last_error="", **seen)
        report.unchanged += 1
        return "unchanged"
    if normalise.fingerprint(article.title, article.body) == digest:
        # The site caught up with a correction the desk already made here: nothing new to record.
        TrackedPage.objects.filter(id=page.id).update(fingerprint=digest, last_error="", **seen)
        report.unchanged += 1
        return "unchanged"
    with transaction.atomic():
        article_revise(
            slug=article.slug,
            expected_version=article.version,
            title=title,
            body=body,
            note=note,
            origin="site",
            meta=site_meta(source, page.url),
        )
        TrackedPage.objects.filter(id=page.id).update(fingerprint=digest, last_changed_at=now, last_error="", **seen)
    report.revised += 1
    return "revised"


def _publish(
    source: Source,
    *,
    url: str,
    title: str,
    body: str,
    digest: str,
    cms_id: str,
    report: PollReport,
    site_modified_at: datetime | None,
    published_at: datetime | None,
    etag: str,
    last_modified: str,
) -> str:
    now = timezone.now()
    try:
        with transaction.atomic():
            recorded = article_publish(
                slug=_free_slug(url, title),
                title=title,
                body=body,
                first_published=published_at,
                meta=site_meta(source, url),
            )
            TrackedPage.objects.create(
                source=source,
                url=url,
                article_id=recorded.stream_id,
                cms_id=cms_id,
                fingerprint=digest,
                etag=etag,
                last_modified=last_modified,
                site_modified_at=site_modified_at,
                # An article's age, which sets how often it is checked, runs from its publication.
                first_seen_at=min(published_at, now) if published_at else now,
                last_checked_at=now,
            )
    except (IntegrityError, SlugTaken):
        # Another poll or delivery took this URL (or the slug) at the same moment: it has the article.
        report.unchanged += 1
        return "unchanged"
    report.published += 1
    return "published"


def page_check(
    source: Source, url: str, report: PollReport, *, page: TrackedPage | None = None, entry: Entry | None = None
) -> str:
    """Fetch a page and record it; a 304 or the same words record nothing."""
    fetched = fetch.fetch(
        url,
        etag=page.etag if page else "",
        last_modified=page.last_modified if page else "",
        accept="text/html,application/xhtml+xml",
    )
    report.fetched += 1
    if fetched.not_modified and page is not None:
        TrackedPage.objects.filter(id=page.id).update(last_checked_at=timezone.now(), last_error="")
        report.unchanged += 1
        return "unchanged"
    found = extract(fetched.content, url=fetched.url, selector=source.selector, content_type=fetched.content_type)
    canonical = page.url if page else _same_site(found.canonical_url, canonical_url(fetched.url))
    return page_apply(
        source,
        url=canonical,
        title=found.title or (entry.title if entry else ""),
        body=found.body,
        report=report,
        page=page,
        cms_id=entry.cms_id if entry else "",
        site_modified_at=(entry.modified_at if entry else None) or found.modified_at,
        published_at=(entry.published_at if entry else None) or found.published_at,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def _same_site(declared: str, fetched: str) -> str:
    """A page's declared canonical URL, trusted only on the host it was fetched from."""
    return declared if urlsplit(declared).hostname == urlsplit(fetched).hostname else fetched
