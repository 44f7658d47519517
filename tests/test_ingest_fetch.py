"""Safe fetching: timeouts, size limits, redirect loops and private addresses become errors in words."""

from __future__ import annotations

import time
from typing import Any

import pytest

from corrections.ingest.fetch import FetchError, address_allowed, fetch

from .newsroom import Newsroom, newsroom_fixture  # noqa: F401


def test_a_page_is_fetched_with_a_clear_user_agent(newsroom: Newsroom) -> None:
    """A page of the site is fetched, and the site can tell who fetched it."""
    seen: dict[str, str] = {}

    def page(request: Any) -> tuple[int, dict[str, str], bytes]:
        seen["agent"] = request.headers["User-Agent"]
        return 200, {"Content-Type": "text/html"}, b"<p>Hi</p>"

    newsroom.routes["/hello"] = page
    fetched = fetch(newsroom.url("/hello"))
    assert fetched.content == b"<p>Hi</p>"
    assert seen["agent"].startswith("Newsdesk/")


def test_conditional_get_answers_not_modified(newsroom: Newsroom) -> None:
    """A page fetched again with its ETag costs the site a 304 and us nothing."""

    def page(request: Any) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, {}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Thu, 26 Nov 2026 08:00:00 GMT"}, b"<p>Hi</p>"

    newsroom.routes["/etag"] = page
    first = fetch(newsroom.url("/etag"))
    again = fetch(newsroom.url("/etag"), etag=first.etag, last_modified=first.last_modified)
    assert (first.etag, again.not_modified) == ('"v1"', True)


def test_redirects_are_followed(newsroom: Newsroom) -> None:
    """A moved page is followed to its new address."""
    newsroom.routes["/old"] = lambda r: (301, {"Location": "/new"}, b"")
    newsroom.routes["/new"] = lambda r: (200, {}, b"moved here")
    fetched = fetch(newsroom.url("/old"))
    assert (fetched.url, fetched.content) == (newsroom.url("/new"), b"moved here")


def test_a_redirect_loop_is_an_error_in_words(newsroom: Newsroom) -> None:
    """A page that redirects to itself is reported, not followed for ever."""
    newsroom.routes["/loop"] = lambda r: (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(newsroom.url("/loop"))


def test_an_oversized_page_is_refused(newsroom: Newsroom, settings: Any) -> None:
    """A page larger than INGEST_MAX_BYTES is refused with the limit in the message."""
    settings.INGEST_MAX_BYTES = 1024
    newsroom.routes["/huge"] = lambda r: (200, {}, b"x" * 5000)
    with pytest.raises(FetchError, match="larger than the limit of 1 KiB"):
        fetch(newsroom.url("/huge"))


def test_a_page_that_hangs_times_out(newsroom: Newsroom, settings: Any) -> None:
    """A site that does not answer is given up on after INGEST_TIMEOUT."""
    settings.INGEST_TIMEOUT = 1

    def slow(request: Any) -> tuple[int, dict[str, str], bytes]:
        time.sleep(2.5)
        return 200, {}, b"late"

    newsroom.routes["/slow"] = slow
    with pytest.raises(FetchError, match="did not answer within 1 seconds"):
        fetch(newsroom.url("/slow"))


def test_an_error_status_is_reported(newsroom: Newsroom) -> None:
    """A 404 or 500 from the site is a fetch error naming the status."""
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(newsroom.url("/missing"))


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "gopher://x", "not a url"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    """Other schemes are refused before any connection is made."""
    with pytest.raises(FetchError):
        fetch(url)


def test_loopback_is_refused_unless_allowed(newsroom: Newsroom, settings: Any) -> None:
    """Without INGEST_ALLOW_PRIVATE a source cannot be used to probe the server's own network."""
    settings.INGEST_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="private, loopback or reserved"):
        fetch(newsroom.url("/feed.xml"))
    assert newsroom.requests == []


def test_a_host_name_that_resolves_inward_is_refused(settings: Any) -> None:
    """A name is checked by the addresses it resolves to, not by how it looks."""
    settings.INGEST_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="localhost resolves to a private, loopback or reserved address"):
        fetch("http://localhost:9/")


def test_a_redirect_to_a_refused_address_is_stopped(newsroom: Newsroom, monkeypatch: Any) -> None:
    """A page that redirects inward is stopped at the redirect: every hop is checked."""
    monkeypatch.setattr("corrections.ingest.fetch.address_allowed", lambda address: address == "127.0.0.1")
    port = newsroom.base.rsplit(":", 1)[1]
    newsroom.routes["/inward"] = lambda r: (302, {"Location": f"http://127.0.0.2:{port}/admin"}, b"")
    with pytest.raises(FetchError, match=r"127\.0\.0\.2"):
        fetch(newsroom.url("/inward"))
    assert newsroom.requests == ["/inward"]


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("100.64.0.1", False),
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
    ],
)
def test_private_addresses_are_refused(address: str, allowed: bool, settings: Any) -> None:
    """Loopback, private, link-local (cloud metadata) and shared ranges are never fetched by default."""
    settings.INGEST_ALLOW_PRIVATE = False
    assert address_allowed(address) is allowed
