"""An editor in Chromium at 1280 px: the queue fits, open → decide → next, N for the next item; no CSP or axe faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from corrections.services.suggestions import suggestion_submit
from tests.browser_support import chromium, screenshot
from tests.conftest import require
from tests.review_support import make_editor, report
from tests.test_accessibility_browser import AXE, serious_violations
from tests.test_csp_browser import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]


@pytest.fixture
def queue(publish: Any) -> dict[str, str]:
    """Three reports and an editor, made before the browser starts (no ORM inside Playwright's loop)."""
    slug = publish()
    make_editor("desk")
    from corrections.services import actor_meta

    return {
        "factual": report(slug, "£12 million", "£15 million", category="factual", comment="The budget says 15."),
        "typo": report(slug, "Jon Smith", "John Smith"),
        "conflict": report(slug, "Jon", "Jonathan"),
        "whole": suggestion_submit(
            slug=slug, exact="", comment="You left out the vote.", meta=actor_meta()
        ).suggestion_id,
    }


@pytest.fixture
def page(queue: dict[str, str], live_server: Any) -> Iterator[Any]:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("desk")
        page.get_by_label("Password").fill("s3cret-pass!")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        yield page


def test_an_editor_works_the_queue_open_decide_next(page: Any, live_server: Any, queue: dict[str, str]) -> None:
    """From the front page's count to the queue, the most urgent item, a decision, the next item, and N."""
    refused = violations(page)
    screenshot(page, "admin-front-page-open-work")
    page.locator("#open-suggestions").click()
    page.wait_for_url(f"{live_server.url}/admin/corrections/suggestion/")
    table = page.locator("#result_list")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    results = "document.querySelector('#changelist .results')"
    assert page.evaluate(f"{results}.scrollWidth <= {results}.clientWidth")  # no column off-screen
    assert table.locator("tbody tr").count() == 4
    assert table.locator(".badge-conflict").count() == 2 and table.locator(".badge-whole").count() == 1
    screenshot(page, "admin-queue-1280")

    table.locator("tbody tr").first.locator("th a").click()
    assert f"/{queue['factual']}/change/" in page.url
    screenshot(page, "admin-review-factual")
    form = page.locator("#accept-form")
    form.get_by_label("Note").fill("We gave the wrong cost: it is £15 million.")
    form.get_by_role("button", name="Accept and correct").click()
    page.wait_for_url(lambda url: queue["factual"] not in url and "/change/" in url)
    assert page.get_by_text("Accepted").first.is_visible()
    landed = page.url
    screenshot(page, "admin-review-next-item")

    page.locator("body").press("n")
    page.wait_for_url(lambda url: url != landed and "/change/" in url)
    assert page.locator("#next-item").count() == 1
    assert refused == []


def test_the_review_page_and_queue_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, queue: Any
) -> None:
    require(AXE.exists(), "axe-core is not installed: run `npm ci` in tests/node")
    page.goto(f"{live_server.url}/admin/corrections/suggestion/{queue['typo']}/change/")
    assert serious_violations(page, "'#content-main'") == []
    page.goto(f"{live_server.url}/admin/corrections/suggestion/")
    assert serious_violations(page, "'#content-main'") == []
