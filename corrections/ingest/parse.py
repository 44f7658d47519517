"""What a source lists: entries of an RSS/Atom feed, a sitemap, or WordPress's posts API.

Each parser takes bytes our own HTTP client fetched (feedparser never opens a
connection itself, so it cannot hang) and returns ``Entry`` items, or raises
ParseError with a message an editor can act on.
"""

from __future__ import annotations

import json
import time
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree

from .extract import html_to_text, parse_time, plain_title

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


class ParseError(Exception):
    """A document that is not what the source should serve, in words."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str = ""
    published_at: datetime | None = None
    modified_at: datetime | None = None
    cms_id: str = ""
    #: The body text when the listing carries it (WordPress, webhooks); empty: fetch the page.
    body: str = ""


def _struct_time(value: time.struct_time | None) -> datetime | None:
    return datetime.fromtimestamp(timegm(value), tz=UTC) if value else None


def parse_feed(content: bytes, *, url: str) -> list[Entry]:
    """Entries of an RSS or Atom feed (the pages are fetched separately)."""
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    entries = [
        Entry(
            url=item.get("link", "").strip(),
            title=plain_title(item.get("title", "")),
            # dict.get: feedparser's own .get would fall back from "updated" to "published" (and warn).
            published_at=_struct_time(dict.get(item, "published_parsed")),
            modified_at=_struct_time(dict.get(item, "updated_parsed")),
            cms_id=str(item.get("id", "")),
        )
        for item in parsed.entries
        if item.get("link", "").strip()
    ]
    if parsed.bozo and not entries:
        reason = getattr(parsed, "bozo_exception", None) or "not a feed"
        raise ParseError(f"{url} is not an RSS or Atom feed we can read ({reason}).")
    if not parsed.version and not entries:
        raise ParseError(f"{url} is not an RSS or Atom feed (no feed and no entries in it).")
    return entries


def parse_sitemap(content: bytes, *, url: str) -> tuple[list[Entry], list[str]]:
    """A sitemap's pages, and the child sitemaps if it is an index (newest first)."""
    try:
        root = etree.fromstring(
            content, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError as error:
        raise ParseError(f"{url} is not a sitemap we can read: {error}") from error
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        children = []
        for node in root.findall("sm:sitemap", SITEMAP_NS):
            loc = (node.findtext("sm:loc", "", SITEMAP_NS) or "").strip()
            lastmod = parse_time(node.findtext("sm:lastmod", "", SITEMAP_NS))
            if loc:
                children.append((lastmod or datetime.min.replace(tzinfo=UTC), loc))
        children.sort(reverse=True)
        return [], [loc for _, loc in children]
    if tag != "urlset":
        raise ParseError(f"{url} is not a sitemap (its root element is <{tag}>, not <urlset>).")
    entries = []
    for node in root.findall("sm:url", SITEMAP_NS):
        loc = (node.findtext("sm:loc", "", SITEMAP_NS) or "").strip()
        if not loc:
            continue
        entries.append(
            Entry(
                url=loc,
                title=plain_title(node.findtext("news:news/news:title", "", SITEMAP_NS) or ""),
                published_at=parse_time(node.findtext("news:news/news:publication_date", "", SITEMAP_NS)),
                modified_at=parse_time(node.findtext("sm:lastmod", "", SITEMAP_NS)),
            )
        )
    return entries, []


def parse_wordpress(content: bytes, *, url: str) -> list[Entry]:
    """Posts from WordPress's REST API (``/wp-json/wp/v2/posts``), bodies included."""
    try:
        posts: Any = json.loads(content)
    except ValueError as error:
        raise ParseError(f"{url} did not return JSON; is it a WordPress site with the REST API on?") from error
    if not isinstance(posts, list):
        message = posts.get("message") if isinstance(posts, dict) else None
        raise ParseError(f"{url} did not return a list of posts{': ' + str(message) if message else ''}.")
    entries = []
    for post in posts:
        if not isinstance(post, dict) or not post.get("link"):
            continue
        title = post.get("title") or {}
        content_html = post.get("content") or {}
        entries.append(
            Entry(
                url=str(post["link"]),
                title=plain_title(title.get("rendered", "") if isinstance(title, dict) else str(title)),
                published_at=parse_time(_gmt(post.get("date_gmt"))),
                modified_at=parse_time(_gmt(post.get("modified_gmt"))),
                cms_id=str(post.get("id", "")),
                body=html_to_text(content_html.get("rendered", "") if isinstance(content_html, dict) else ""),
            )
        )
    return entries


def _gmt(value: Any) -> str | None:
    """WordPress's ``*_gmt`` times carry no offset; they are UTC."""
    return f"{value}+00:00" if isinstance(value, str) and value and "+" not in value and "Z" not in value else value
