"""A reader in Chromium: writes to us without a selection, is told what Ctrl+Enter needs, reports by touch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import SELECT, launch, playwright_session, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]


@pytest.fixture
def slug(publish: Any) -> str:
    """Published before the browser starts: no ORM call may run inside Playwright's event loop."""
    return publish()


@pytest.fixture
def playwright(slug: str) -> Iterator[Any]:
    with playwright_session() as p:
        yield p


@pytest.fixture
def page(playwright: Any) -> Iterator[Any]:
    browser = launch(playwright)
    try:
        yield browser.new_page(viewport={"width": 1280, "height": 900})
    finally:
        browser.close()


@pytest.fixture
def phone(playwright: Any) -> Iterator[Any]:
    """A phone: Chromium's mobile emulation with a touch screen."""
    browser = launch(playwright)
    try:
        yield browser.new_context(**playwright.devices["Pixel 5"]).new_page()
    finally:
        browser.close()


def test_ctrl_enter_with_nothing_selected_explains_what_to_do(slug: str, page: Any, live_server: Any) -> None:
    """Ctrl+Enter with no selection tells the reader to select words first, or to write to us."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    page.keyboard.press("Control+Enter")
    message = page.get_by_role("status").filter(has_text="Select the words you want to correct")
    message.wait_for()
    assert "Write to us" in message.inner_text()
    assert page.get_by_role("dialog").count() == 0
    screenshot(page, "article-ctrl-enter-nothing-selected")


def test_reader_writes_to_us_about_the_whole_article(slug: str, page: Any, live_server: Any) -> None:
    """'Write to us' opens a dialog without a quote; the request is sent without a selection and followed."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    page.get_by_role("button", name="Write to us").click()
    dialog = page.get_by_role("dialog", name="Write to us")
    dialog.wait_for()
    assert dialog.locator("mark").count() == 0
    assert page.evaluate("document.activeElement.name") == "comment"
    dialog.get_by_label("What is wrong or missing?").fill("You do not say how the councillors voted.")
    dialog.get_by_label("Kind of mistake").select_option("clarification")
    screenshot(page, "widget-write-to-us")
    with page.expect_request(lambda request: request.method == "POST") as sent:
        dialog.get_by_role("button", name="Send").click()
    payload = sent.value.post_data_json
    assert "exact" not in payload and payload["category"] == "clarification"
    link = dialog.get_by_role("link", name="the status of your suggestion")
    link.wait_for()
    page.goto(link.get_attribute("href"))
    assert page.get_by_text("The whole article").is_visible()
    assert page.get_by_text("You do not say how the councillors voted.").is_visible()
    screenshot(page, "status-page-write-to-us")


def test_write_to_us_with_nothing_written_says_why(slug: str, page: Any, live_server: Any) -> None:
    """Sending an empty request shows the server's reason in the dialog."""
    page.goto(f"{live_server.url}/articles/{slug}/")
    page.get_by_role("button", name="Write to us").click()
    dialog = page.get_by_role("dialog", name="Write to us")
    dialog.get_by_role("button", name="Send").click()
    dialog.get_by_role("alert").filter(has_text="wrong or missing").wait_for()


def test_on_a_touch_screen_a_button_floats_by_the_selection(slug: str, phone: Any, live_server: Any) -> None:
    """Selecting words on a phone shows 'Suggest a correction' just below them; a tap opens the dialog."""
    phone.goto(f"{live_server.url}/articles/{slug}/")
    assert phone.evaluate(SELECT, "two years")
    floating = phone.locator(".nd-float")
    floating.wait_for(state="visible")
    assert floating.inner_text() == "Suggest a correction"
    selection = phone.evaluate(
        "() => { const r = getSelection().getRangeAt(0).getBoundingClientRect(); return [r.left, r.right, r.bottom]; }"
    )
    box = floating.bounding_box()
    assert box["y"] >= selection[2] and box["y"] - selection[2] < 60
    assert box["x"] < selection[1] and box["x"] + box["width"] > selection[0]
    assert box["x"] >= 0 and box["x"] + box["width"] <= phone.viewport_size["width"]
    screenshot(phone, "phone-selection-floating-button")
    floating.tap()
    dialog = phone.get_by_role("dialog", name="Suggest a correction")
    dialog.wait_for()
    assert dialog.locator("mark").inner_text() == "two years"
    assert floating.is_hidden()
    screenshot(phone, "phone-widget-dialog")


def test_on_a_touch_screen_the_button_goes_when_the_selection_does(slug: str, phone: Any, live_server: Any) -> None:
    phone.goto(f"{live_server.url}/articles/{slug}/")
    assert phone.evaluate(SELECT, "two years")
    floating = phone.locator(".nd-float")
    floating.wait_for(state="visible")
    phone.evaluate("() => getSelection().removeAllRanges()")
    floating.wait_for(state="hidden")
