"""Under our Content-Security-Policy, in Chromium: our pages break none of its rules; the widget works elsewhere."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import SELECT, chromium
from tests.conftest import ARTICLE_BODY

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]

NEWSROOM_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Harbour Times</title></head>
<body><nav>Home · Politics · Sport</nav><h1>Harbour bridge to be rebuilt</h1>
<div id="story">{paragraphs}</div>
<script src="{desk}/static/corrections/widget.js" data-api-base="{desk}/api/v1"
  data-article-slug="{slug}" data-container="#story"></script></body></html>"""


@pytest.fixture
def slug(publish: Any) -> str:
    """Published before the browser starts: no ORM call may run inside Playwright's event loop."""
    return publish()


@pytest.fixture
def browser(slug: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def newsroom(live_server: Any, slug: str, settings: Any) -> Iterator[str]:
    """The newsroom's own site on another origin, carrying the widget's script tag."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE_BODY.split("\n\n"))
    page = NEWSROOM_PAGE.format(paragraphs=paragraphs, desk=live_server.url, slug=slug).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


def violations(page: Any) -> list[str]:
    found: list[str] = []

    def seen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text[:120]}")

    page.on("console", seen)
    return found


def test_our_pages_break_no_rule_of_their_own_policy(browser: Any, live_server: Any, slug: str) -> None:
    """The article page (with the widget), the admin login and the API docs load without a CSP violation."""
    page = browser.new_page()
    refused = violations(page)
    for path in [f"/articles/{slug}/", "/admin/login/", "/api/docs/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof SwaggerUIBundle") == "function"
    assert refused == []


def test_the_widget_works_on_the_newsrooms_own_page(newsroom: str, browser: Any, live_server: Any) -> None:
    """A reader on the newsroom's site highlights a mistake, presses Ctrl+Enter and the report reaches the desk."""
    page = browser.new_page()
    page.goto(newsroom)
    assert page.evaluate(SELECT.replace("#article-body", "#story"), "Jon Smith")
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Suggest a correction")
    dialog.wait_for()
    dialog.get_by_label("Your fix").fill("John Smith")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        dialog.get_by_role("button", name="Send").click()
    assert answer.value.status == 201
    link = dialog.get_by_role("link", name="the status of your suggestion")
    link.wait_for()
    token = link.get_attribute("href").rstrip("/").rsplit("/", 1)[1]
    data = page.request.get(f"{live_server.url}/api/v1/suggestions/{token}/").json()
    assert (data["exact"], data["suggestion"], data["status"]) == ("Jon Smith", "John Smith", "new")
