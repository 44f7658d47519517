"""The layers import one way and nothing imports itself back: the contracts in pyproject.toml hold."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    """A developer who makes a service import a view, or two modules import each other, sees this test fail."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
