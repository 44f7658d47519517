"""The layers import one way and nothing imports itself back: the contracts in pyproject.toml hold."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    """A developer who makes a service import a view, or two modules import each other, sees this test fail."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_module_is_over_about_400_lines() -> None:
    """A reader finds one job per module: none of the project's modules grows past about 400 lines."""
    long = {
        str(path.relative_to(ROOT)): count
        for folder in ("corrections", "newsdesk")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 420
    }
    assert long == {}
