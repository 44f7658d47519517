"""The widget on the newsroom's own page finds its article by the canonical URL, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from corrections.models import Article, Suggestion
from corrections.services import sources as source_services

from .browser_support import SELECT as BROWSER_SELECT
from .browser_support import chromium, require_browser
from .newsroom import Newsroom, newsroom_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]

# The shared selection script, over the newsroom page's story rather than our article page's body.
SELECT = BROWSER_SELECT.replace("#article-body", ".story-body")


def test_a_reader_reports_a_mistake_on_the_newsrooms_own_page(
    newsroom: Newsroom, live_server: Any, settings: Any
) -> None:
    """A page carrying the script tag, with no slug, is matched by its canonical URL and the report lands there."""
    require_browser()
    settings.CORS_ALLOWED_ORIGINS = [newsroom.base]
    source = source_services.source_create(kind="feed", url=newsroom.url("/feed.xml"), selector=".story-body")
    source_services.source_poll(source_id=source.pk)
    body = Article.objects.get(slug="harbour-bridge").body
    newsroom.page_extra = (
        f'<script src="{live_server.url}/static/corrections/widget.js" defer '
        f'data-api-base="{live_server.url}/api/v1" data-container=".story-body"></script>'
    )
    # No ORM call inside Playwright's block: it runs an event loop in this thread.
    with chromium() as browser:
        page = browser.new_page()
        page.goto(newsroom.article_url("harbour-bridge") + "?utm_source=social")
        page.get_by_role("button", name="Suggest a correction").wait_for()
        assert page.evaluate(SELECT, "Jon Smith")
        page.keyboard.press("Control+Enter")
        dialog = page.get_by_role("dialog", name="Suggest a correction")
        dialog.get_by_label("Your fix").fill("John Smith")
        with page.expect_request(lambda request: request.method == "POST") as sent:
            dialog.get_by_role("button", name="Send").click()
        dialog.get_by_role("link", name="the status of your suggestion").wait_for()
        posted_to, payload = sent.value.url, sent.value.post_data_json
    assert posted_to == f"{live_server.url}/api/v1/articles/harbour-bridge/suggestions/"
    assert payload["start"] == body.index("Jon Smith")
    suggestion = Suggestion.objects.get()
    assert (suggestion.exact, suggestion.suggestion) == ("Jon Smith", "John Smith")
