"""A fixture newsroom served over loopback: article pages with navigation, ads and timestamps, a feed,
a sitemap and a WordPress-style posts API. Tests change its articles and watch Newsdesk notice."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

BRIDGE = [
    "The council voted on Tuesday to rebuild the old harbour bridge.",
    "The mayor, Jon Smith, said the work would take two years and cost £12 million. “It’s overdue,” he said.",
    "Residents have campaigned for a new bridge since 2019.",
]
LIBRARY = [
    "The Riverside library reopened on Saturday after a two-year renovation.",
    "Hundreds of residents queued in the rain before the doors opened.",
]


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    modified: datetime
    wp_id: int
    ad: str = "Buy cheap watches now!"
    stamp: str = "Last updated 10:32"
    nav: list[str] = field(default_factory=lambda: ["Home", "Politics", "Sport"])
    markup: str = "<p>{}</p>"

    def edit(self, paragraphs: list[str], title: str | None = None) -> None:
        self.paragraphs = paragraphs
        self.title = title or self.title
        # Later than anything the site has said so far, to the second (WordPress's resolution).
        self.modified = max(datetime.now(UTC), self.modified + timedelta(seconds=1)).replace(microsecond=0)


Handler = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class Newsroom:
    """The site's state; the server reads it on every request."""

    def __init__(self) -> None:
        start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        self.stories = {
            "harbour-bridge": Story("harbour-bridge", "Harbour bridge to be rebuilt", list(BRIDGE), start, start, 101),
            "library-reopens": Story(
                "library-reopens",
                "Library reopens",
                list(LIBRARY),
                start + timedelta(hours=1),
                start + timedelta(hours=1),
                102,
            ),
        }
        self.routes: dict[str, Handler] = {}
        self.requests: list[str] = []
        self.base = ""
        #: HTML put at the end of every article page (e.g. the widget's script tag).
        self.page_extra = ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def article_url(self, slug: str) -> str:
        return self.url(f"/news/{slug}/")

    # --- Documents ----------------------------------------------------------------

    def page(self, story: Story) -> bytes:
        nav = "".join(f'<li><a href="/{n.lower()}/">{n}</a></li>' for n in story.nav)
        body = "\n".join(story.markup.format(html.escape(p)) for p in story.paragraphs)
        return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(story.title)} | Riverside Gazette</title>
<link rel="canonical" href="{self.article_url(story.slug)}?utm_source=canonical">
<meta property="article:published_time" content="{story.published.isoformat()}">
</head><body>
<header class="site-header"><nav><ul>{nav}</ul></nav><p class="timestamp">{story.stamp}</p></header>
<div class="ad">{html.escape(story.ad)}</div>
<main><article>
  <h1>{html.escape(story.title)}</h1>
  <p class="byline">By Ann Reporter · <time datetime="{story.modified.isoformat()}">{story.stamp}</time></p>
  <div class="story-body">
    {body}
    <div class="ad inline-ad">Advertisement: {html.escape(story.ad)}</div>
  </div>
  <div class="share"><button>Share</button> Share on social media</div>
</article></main>
<aside><h2>Most read</h2><ul><li>Cat elected mayor</li></ul></aside>
<footer>© Riverside Gazette · <span>{story.stamp}</span></footer>
<script>window.analytics = {{"t": "{time.time()}"}};</script>
{self.page_extra}
</body></html>""".encode()

    def feed(self) -> bytes:
        items = "".join(
            f"""<item><title>{html.escape(s.title)}</title>
<link>{self.article_url(s.slug)}?utm_source=rss&amp;utm_medium=feed</link>
<guid>{s.wp_id}</guid><pubDate>{format_datetime(s.published)}</pubDate></item>"""
            for s in self.stories.values()
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Riverside Gazette</title><link>{self.base}/</link>
<description>News</description>{items}</channel></rss>""".encode()

    def sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.article_url(s.slug)}</loc><lastmod>{s.modified.isoformat()}</lastmod></url>"
            for s in self.stories.values()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def wordpress(self, query: dict[str, list[str]]) -> bytes:
        after = query.get("modified_after", [""])[0]
        posts = []
        for s in sorted(self.stories.values(), key=lambda s: s.modified):
            if after and s.modified <= datetime.fromisoformat(after):
                continue
            posts.append(
                {
                    "id": s.wp_id,
                    "link": self.article_url(s.slug),
                    "date_gmt": s.published.strftime("%Y-%m-%dT%H:%M:%S"),
                    "modified_gmt": s.modified.strftime("%Y-%m-%dT%H:%M:%S"),
                    "title": {"rendered": html.escape(s.title).replace("’", "&#8217;")},
                    "content": {"rendered": "\n".join(s.markup.format(html.escape(p)) for p in s.paragraphs)},
                }
            )
        return json.dumps(posts).encode()

    def respond(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(request.path)
        self.requests.append(parts.path)
        if parts.path in self.routes:
            return self.routes[parts.path](request)
        if parts.path == "/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, self.feed()
        if parts.path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, self.sitemap()
        if parts.path == "/wp-json/wp/v2/posts":
            return 200, {"Content-Type": "application/json"}, self.wordpress(parse_qs(parts.query))
        if parts.path.startswith("/news/"):
            story = self.stories.get(parts.path.strip("/").split("/")[-1])
            if story:
                return 200, {"Content-Type": "text/html; charset=utf-8"}, self.page(story)
        return 404, {"Content-Type": "text/plain"}, b"Not found"


def _handler(site: Newsroom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = site.respond(self)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(name="newsroom")
def newsroom_fixture(settings: Any) -> Iterator[Newsroom]:
    """The fixture site on 127.0.0.1 (private addresses allowed for the test), stopped afterwards."""
    settings.INGEST_ALLOW_PRIVATE = True
    site = Newsroom()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
