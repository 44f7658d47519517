"""Sources: add them, poll them, take their webhooks. Each page they list is recorded by ``pages.page_apply``."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC as UTC_
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.celery import app

from ..domain.errors import DomainError, InvalidCommand, NotFound, Unauthenticated
from ..ingest import fetch, schedule
from ..ingest.extract import ExtractError, check_selector
from ..ingest.parse import Entry, ParseError, parse_feed, parse_sitemap, parse_wordpress
from ..ingest.urls import canonical_url
from ..ingest.webhook import entry_from_payload
from ..models import Article, Source, TrackedPage
from .pages import PollReport, find_page, page_apply, page_check

log = logging.getLogger(__name__)

MAX_INTERVAL_MINUTES = 7 * 24 * 60


# --- Creating and changing sources -------------------------------------------------


def source_validate(*, kind: str, url: str, selector: str, interval_minutes: int) -> None:
    """Refuse, in words (InvalidCommand), a source that cannot work: bad kind, address, selector or interval."""
    _check_fields(kind, url.strip(), selector.strip(), interval_minutes)


def _check_fields(kind: str, url: str, selector: str, interval_minutes: int) -> None:
    if kind not in dict(Source.KINDS):
        raise InvalidCommand(f"Unknown kind “{kind}”; use one of: {', '.join(dict(Source.KINDS))}.")
    if url or kind != Source.WEBHOOK:
        if not url:
            raise InvalidCommand(f"A {kind} source needs the address to fetch.")
        try:
            fetch.check_url(url)
        except fetch.FetchError as error:
            raise InvalidCommand(str(error)) from error
    if selector:
        try:
            check_selector(selector)
        except ExtractError as error:
            raise InvalidCommand(str(error)) from error
    if not 1 <= interval_minutes <= MAX_INTERVAL_MINUTES:
        raise InvalidCommand(f"The check interval must be between 1 and {MAX_INTERVAL_MINUTES} minutes.")


@transaction.atomic
def source_create(
    *, kind: str, url: str = "", name: str = "", selector: str = "", interval_minutes: int = 15, user: Any = None
) -> Source:
    """Add a source; a webhook source gets its signing secret (``source.secret``), to be shown once."""
    url, selector = url.strip(), selector.strip()
    _check_fields(kind, url, selector, interval_minutes)
    return Source.objects.create(
        kind=kind,
        url=url,
        name=name.strip(),
        selector=selector,
        interval_minutes=interval_minutes,
        secret=secrets.token_hex(32) if kind == Source.WEBHOOK else "",
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def source_update(*, source_id: int, **changes: Any) -> Source:
    """Change a source's name, URL, selector, interval or whether it is active."""
    source = Source.objects.select_for_update().filter(id=source_id).first()
    if source is None:
        raise NotFound(f"No source with the id {source_id}.")
    allowed = {"name", "url", "selector", "interval_minutes", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidCommand(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(source, name, value.strip() if isinstance(value, str) else value)
    _check_fields(source.kind, source.url, source.selector, source.interval_minutes)
    if "url" in changes:
        source.etag = source.last_modified = source.cursor = ""
    if changes.get("active"):
        source.failures, source.next_poll_at = 0, timezone.now()
    source.save()
    return source


# --- Polling -----------------------------------------------------------------------

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"


class _Budget:
    """How many pages one poll may still fetch (INGEST_MAX_PAGES_PER_POLL)."""

    def __init__(self) -> None:
        self.left = settings.INGEST_MAX_PAGES_PER_POLL

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _safely(report: PollReport, page_url: str, work: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run one page's work; a page that fails is reported in words and the poll goes on."""
    try:
        work(*args, **kwargs)
    except (fetch.FetchError, ExtractError, DomainError) as error:
        message = str(getattr(error, "message", None) or error)
        report.errors.append(message if page_url in message else f"{page_url}: {message}")
        TrackedPage.objects.filter(url=page_url).update(last_error=message, last_checked_at=timezone.now())


def _entries(source: Source, entries: list[Entry], report: PollReport, budget: _Budget) -> tuple[bool, set[str]]:
    """Record each new or changed listed page; whether all were read (the budget may run out), and which."""
    done: set[str] = set()
    for entry in entries:
        url = canonical_url(entry.url)
        page = find_page(url, source=source, cms_id=entry.cms_id)
        if entry.body:  # the listing carries the text (WordPress): no page fetch needed
            done.add(url)
            _safely(
                report,
                url,
                page_apply,
                source,
                url=url,
                title=entry.title,
                body=entry.body,
                report=report,
                page=page,
                cms_id=entry.cms_id,
                site_modified_at=entry.modified_at,
                published_at=entry.published_at,
            )
            continue
        changed = (
            page is not None
            and entry.modified_at is not None
            and (page.site_modified_at is None or entry.modified_at > page.site_modified_at)
        )
        if page is not None and not changed:
            continue
        if not budget.take():
            return False, done
        done.add(url)
        _safely(report, url, page_check, source, url, report, page=page, entry=entry)
    return True, done


def _recheck(source: Source, report: PollReport, budget: _Budget, done: set[str]) -> None:
    """Fetch again the pages that are due: recent articles often, old ones rarely."""
    now = timezone.now()
    candidates = TrackedPage.objects.filter(source=source).exclude(url__in=done).order_by("last_checked_at")[:500]
    for page in candidates:
        if not schedule.page_due(now=now, first_seen=page.first_seen_at, last_checked=page.last_checked_at):
            continue
        if not budget.take():
            return
        _safely(report, page.url, page_check, source, page.url, report, page=page)


def poll_listing(source: Source, report: PollReport) -> None:
    """Read the source's listing and record its pages; a failure of the listing itself raises."""
    if source.kind == Source.WEBHOOK:
        return  # pushed, never pulled: the CMS says when a page changes
    if source.kind == Source.WORDPRESS:
        _poll_wordpress(source, report)
        return
    budget = _Budget()
    done: set[str] = set()
    fetched = fetch.fetch(source.url, etag=source.etag, last_modified=source.last_modified, accept=FEED_ACCEPT)
    if not fetched.not_modified:
        if source.kind == Source.FEED:
            entries = parse_feed(fetched.content, url=source.url)
        else:
            entries = _sitemap_entries(fetched, source.url)
        complete, done = _entries(source, entries, report, budget)
        # Keep the validators only once every listed page was read, or a 304 would hide the rest.
        source.etag, source.last_modified = (fetched.etag, fetched.last_modified) if complete else ("", "")
    _recheck(source, report, budget, done)


def _sitemap_entries(fetched: fetch.Fetched, url: str) -> list[Entry]:
    entries, children = parse_sitemap(fetched.content, url=url)
    for child in children[:3]:  # an index: its newest sitemaps hold the new articles
        child_entries, _ = parse_sitemap(fetch.fetch(child, accept=FEED_ACCEPT).content, url=child)
        entries.extend(child_entries)
    # Newest first, so a budget spent on a long sitemap goes to the articles that matter.
    return sorted(
        entries, key=lambda e: e.modified_at or e.published_at or datetime.min.replace(tzinfo=UTC_), reverse=True
    )


def _poll_wordpress(source: Source, report: PollReport) -> None:
    """WordPress's posts API, oldest change first, from the last modified time seen (``modified_after``)."""
    base = source.url.rstrip("/")
    endpoint = base if "/wp-json/" in base else f"{base}/wp-json/wp/v2/posts"
    newest = source.cursor
    for page_number in range(1, 6):
        params = {
            "orderby": "modified",
            "order": "asc",
            "per_page": 20,
            "page": page_number,
            "_fields": "id,link,date_gmt,modified_gmt,title,content",
        }
        if source.cursor:
            params["modified_after"] = source.cursor
        url = f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
        fetched = fetch.fetch(url, accept="application/json")
        entries = parse_wordpress(fetched.content, url=endpoint)
        _entries(source, entries, report, _Budget())
        for entry in entries:
            if entry.modified_at:
                stamp = entry.modified_at.astimezone(UTC_).strftime("%Y-%m-%dT%H:%M:%S+00:00")
                newest = max(newest, stamp)
        total_pages = int(fetched.headers.get("x-wp-totalpages") or 1)
        if len(entries) < 20 or page_number >= total_pages:
            break
    source.cursor = newest


def source_poll(*, source_id: int) -> PollReport:
    """Poll one source now; its health (last success, last error in words, back-off) is updated."""
    source = Source.objects.filter(id=source_id).first()
    if source is None:
        raise NotFound(f"No source with the id {source_id}.")
    report = PollReport()
    now = timezone.now()
    failed = ""
    try:
        poll_listing(source, report)
    except (fetch.FetchError, ParseError, ExtractError, DomainError) as error:
        failed = str(getattr(error, "message", None) or error)
    except Exception as error:  # a bug must not stop the other sources; the editors see it
        log.exception("Polling source %s failed", source.pk)
        failed = f"Unexpected error while polling ({type(error).__name__}); see the server log."
    interval = timedelta(minutes=source.interval_minutes)
    source.failures = source.failures + 1 if failed else 0
    source.last_polled_at = now
    source.next_poll_at = schedule.next_poll(now=now, interval=interval, failures=source.failures)
    if failed:
        source.last_error, source.last_error_at = failed, now
    else:
        source.last_success_at = now
        source.last_error = _summary(report.errors)
        source.last_error_at = now if report.errors else source.last_error_at
    source.save()
    return report


def _summary(errors: list[str]) -> str:
    if not errors:
        return ""
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return f"{len(errors)} page{'s' if len(errors) != 1 else ''} could not be read: " + " ".join(errors[:3]) + more


POLL_TASK = "corrections.tasks.poll_source"


def source_poll_enqueue(*, source_ids: list[int]) -> int:
    """Poll these sources now, in the background once the transaction commits (at once in eager mode)."""
    ids = list(Source.objects.filter(id__in=source_ids).values_list("id", flat=True))

    def hand_over() -> None:
        for source_id in ids:
            try:
                app.signature(POLL_TASK).apply_async(args=(source_id,))
            except Exception:  # the broker is down: beat polls the source when it is due anyway
                log.warning("Broker unreachable: source %s will be polled when due.", source_id, exc_info=True)
                return

    transaction.on_commit(hand_over)
    return len(ids)


def due_source_ids(*, now: datetime | None = None) -> list[int]:
    """Claim every active, pollable source that is due, so that a second beat finds it claimed."""
    now = now or timezone.now()
    lease = now + timedelta(minutes=10)
    claimed = []
    for source_id in (
        Source.objects.filter(active=True, next_poll_at__lte=now)
        .exclude(kind=Source.WEBHOOK)
        .values_list("id", flat=True)
    ):
        if Source.objects.filter(id=source_id, next_poll_at__lte=now).update(next_poll_at=lease):
            claimed.append(source_id)
    return claimed


# --- Webhooks ----------------------------------------------------------------------


def signature_valid(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """``X-Newsdesk-Signature: sha256=<hex>`` over the body, or Ghost's ``X-Ghost-Signature: sha256=<hex>, t=<ts>``."""
    if not secret:
        return False
    key = secret.encode()
    ours = headers.get("X-Newsdesk-Signature", "")
    if ours:
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(ours.strip(), expected)
    ghost = headers.get("X-Ghost-Signature", "")
    if ghost:
        parts = dict(part.strip().partition("=")[::2] for part in ghost.split(","))
        digest, stamp = parts.get("sha256", ""), parts.get("t", "")
        expected = hmac.new(key, body + stamp.encode(), hashlib.sha256).hexdigest()
        return bool(stamp) and hmac.compare_digest(digest, expected)
    return False


def webhook_receive(*, source_id: int, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """A signed push from the CMS: checked, then recorded like a polled page. A replay records nothing."""
    source = Source.objects.filter(id=source_id).first()
    if source is None or not signature_valid(source.secret, body, headers):
        # The same answer for an unknown source and a bad signature: ids cannot be probed.
        raise Unauthenticated(
            "Missing or wrong signature: send X-Newsdesk-Signature: sha256=<hex HMAC-SHA256 of the raw body "
            "with the source's secret>."
        )
    if not source.active:
        raise InvalidCommand("This source is paused; an editor can switch it back on.")
    try:
        entry, note = entry_from_payload(body)
    except ParseError as error:
        raise DomainError(str(error)) from error
    report = PollReport()
    url = canonical_url(entry.url)
    try:
        outcome = page_apply(
            source,
            url=url,
            title=entry.title,
            body=entry.body,
            report=report,
            cms_id=entry.cms_id,
            note=note,
            site_modified_at=entry.modified_at,
            published_at=entry.published_at,
        )
    except ExtractError as error:
        raise InvalidCommand(str(error)) from error
    page = TrackedPage.objects.filter(url=url).first() or find_page(url, source=source, cms_id=entry.cms_id)
    article = Article.objects.filter(id=page.article_id).first() if page else None
    Source.objects.filter(id=source.pk).update(last_success_at=timezone.now(), last_error="", failures=0)
    return {
        "outcome": outcome,
        "article": article.slug if article else None,
        "version": article.version if article else None,
        "url": url,
    }
