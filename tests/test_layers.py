"""The layers import one way and nothing imports itself back: the contracts in pyproject.toml hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    """A developer who makes a service import a view, or two modules import each other, sees this test fail."""
    # In a process of its own: import-linter reconfigures logging and disables the loggers that exist.
    command = [
        str(Path(sys.executable).parent / "lint-imports"),
        "--no-cache",
        "--config",
        str(ROOT / "pyproject.toml"),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_is_over_about_400_lines() -> None:
    """A reader finds one job per module: none of the project's modules grows past about 400 lines."""
    long = {
        str(path.relative_to(ROOT)): count
        for folder in ("corrections", "newsdesk")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 420
    }
    assert long == {}
