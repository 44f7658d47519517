"""The correction widget in a real browser: highlight, Ctrl+Enter, fill the dialog, send, follow the status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import SELECT, chromium
from tests.conftest import ARTICLE_BODY

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]


@pytest.fixture
def slug(publish: Any) -> str:
    """The article, published before the browser starts: no ORM call runs inside Playwright's event loop."""
    return publish()


@pytest.fixture
def page(slug: str) -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page()


def test_reader_suggests_a_correction_with_ctrl_enter(slug: str, page: Any, live_server: Any) -> None:
    """A reader highlights a misspelled name, presses Ctrl+Enter, types the fix, sends it and follows its status."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    assert page.get_by_text("To suggest a correction, highlight the text and press Ctrl+Enter").is_visible()
    assert page.evaluate(SELECT, "Jon Smith")
    page.keyboard.press("Control+Enter")

    dialog = page.get_by_role("dialog", name="Suggest a correction")
    dialog.wait_for()
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    assert "The mayor, " in dialog.locator("blockquote").inner_text()
    assert dialog.locator("mark").inner_text() == "Jon Smith"

    dialog.get_by_label("Your fix").fill("John Smith")
    dialog.get_by_label("Kind of mistake").select_option("typo")
    with page.expect_request(lambda request: request.method == "POST") as sent:
        dialog.get_by_role("button", name="Send").click()
    # The widget's quote, context and offset map onto the stored body (paragraphs apart by a blank line).
    payload = sent.value.post_data_json
    at = ARTICLE_BODY.index("Jon Smith")
    assert (payload["start"], payload["end"]) == (at, at + len("Jon Smith"))
    assert payload["prefix"] == ARTICLE_BODY[at - 32 : at]
    assert payload["suffix"] == ARTICLE_BODY[at + 9 : at + 9 + 32]
    assert payload["website"] == ""
    link = dialog.get_by_role("link", name="the status of your suggestion")
    link.wait_for()
    status_url = link.get_attribute("href")
    assert status_url.startswith(f"{live_server.url}/suggestions/")
    token = status_url.rstrip("/").rsplit("/", 1)[1]

    found = page.request.get(f"{live_server.url}/api/v1/suggestions/{token}/")
    assert found.ok
    data = found.json()
    assert (data["exact"], data["suggestion"], data["status"]) == ("Jon Smith", "John Smith", "new")
    assert data["article"]["slug"] == slug


def test_escape_closes_the_dialog_and_returns_focus(slug: str, page: Any, live_server: Any) -> None:
    """Esc closes the dialog and puts the focus back where the reader was; Tab stays inside the dialog."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    button = page.get_by_role("button", name="Suggest a correction")
    button.focus()
    assert page.evaluate(SELECT, "two years")
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    for _ in range(10):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert page.evaluate("document.activeElement.textContent") == "Suggest a correction"


def test_button_asks_for_a_selection_first(slug: str, page: Any, live_server: Any) -> None:
    """On a touch screen the button opens the dialog for the selection, or asks the reader to select first."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    page.get_by_role("button", name="Suggest a correction").click()
    assert page.get_by_text("First select the words you want to correct").is_visible()
    assert page.evaluate(SELECT, "since 2019")
    page.get_by_role("button", name="Suggest a correction").click()
    assert page.get_by_role("dialog").locator("mark").inner_text() == "since 2019"
