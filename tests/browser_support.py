"""Helpers for the Chromium tests: one launch recipe, and screenshots kept as CI artefacts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

#: Where screenshots of each screen go; CI uploads this folder as an artefact.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as ``<name>.png`` in ``SCREENSHOTS`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
