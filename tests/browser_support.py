"""Helpers for the Chromium tests: one launch recipe, and screenshots kept as CI artefacts."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import require

#: Debian's Chromium (``apt-get install chromium``), driven by Playwright's Python package.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Select `phrase` inside the article body with a DOM Range over its text node, as a reader's mouse would.
SELECT = """phrase => {
  const body = document.querySelector('#article-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


def require_browser() -> None:
    """Skip on a laptop without Chromium or Playwright; in CI (``CI=true``) a missing one fails the test."""
    require(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    require(importlib.util.find_spec("playwright") is not None, "Playwright is not installed")


@contextmanager
def playwright_session() -> Iterator[Any]:
    """Playwright, once the browser is known to be there. It runs an event loop in this thread: make every
    ORM call (publish the article, create the editor…) before entering, none inside."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, through an open Playwright session; the caller closes it."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@contextmanager
def chromium() -> Iterator[Any]:
    """A Chromium browser for the length of the block (see ``playwright_session`` on ORM calls)."""
    with playwright_session() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


#: Where screenshots of each screen go; CI uploads this folder as an artefact.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as ``<name>.png`` in ``SCREENSHOTS`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
