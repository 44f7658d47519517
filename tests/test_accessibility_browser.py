"""axe-core in Chromium: the reader's pages and the widget dialog have no serious accessibility violations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corrections.services import actor_meta, correction_issue
from corrections.services.suggestions import suggestion_submit
from tests.browser_support import SELECT, chromium, require_browser, screenshot
from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_db")]

#: Installed by `npm ci` in tests/node (see .ci/run).
AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def published(publish: Any) -> dict[str, str]:
    """An article with a correction and a reader's pending suggestion, made before the browser starts."""
    slug = publish()
    correction_issue(
        slug=slug,
        expected_version=1,
        kind="correction",
        note="We gave the wrong year.",
        meta=actor_meta(kind="system"),
    )
    submitted = suggestion_submit(
        slug=slug, exact="Jon Smith", suggestion="John Smith", comment="His name.", meta=actor_meta(kind="reader")
    )
    return {"slug": slug, "token": submitted.token}


@pytest.fixture
def page(published: dict[str, str]) -> Iterator[Any]:
    require_browser()
    require(AXE.exists(), f"axe-core is not installed: run `npm ci` in {AXE.parents[2]}")
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


def serious_violations(page: Any, context: str = "document") -> list[str]:
    """Run axe-core in the page (through the debugger, so our CSP need not allow it) and list serious findings."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(f"() => axe.run({context}, {{resultTypes: ['violations']}})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/articles/{slug}/", "/articles/{slug}/history/", "/corrections/", "/suggestions/{token}/"],
)
def test_reader_pages_have_no_serious_violations(page: Any, live_server: Any, published: Any, path: str) -> None:
    """The home, article, history, corrections and status pages pass axe-core's serious and critical rules."""
    page.goto(live_server.url + path.format(**published))
    assert serious_violations(page) == []
    screenshot(page, "axe" + path.format(slug="article", token="status").replace("/", "-").rstrip("-"))


def test_the_widget_dialogs_have_no_serious_violations(page: Any, live_server: Any, published: Any) -> None:
    """The suggestion dialog and the 'write to us' dialog pass axe-core."""
    page.goto(f"{live_server.url}/articles/{published['slug']}/")
    assert page.evaluate(SELECT, "two years")
    page.keyboard.press("Control+Enter")
    page.get_by_role("dialog").wait_for()
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Write to us").click()
    page.get_by_role("dialog", name="Write to us").wait_for()
    assert serious_violations(page) == []
