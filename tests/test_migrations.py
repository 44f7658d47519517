"""The migrations describe the models exactly, and are frozen: they import no live code."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from corrections import triggers

MIGRATIONS = Path(__file__).resolve().parent.parent / "corrections" / "migrations"


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration() -> None:
    """A model edited without its migration fails here, not on a user's first migrate."""
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_no_migration_imports_the_projects_own_code() -> None:
    """An old migration does the same thing forever, whatever later edits to the code say."""
    for path in MIGRATIONS.glob("0*.py"):
        text = path.read_text()
        assert "from corrections" not in text and "import corrections" not in text, path.name


def test_the_frozen_trigger_sql_is_the_sql_re_asserted_after_migrate() -> None:
    """The triggers migration 0002 creates are the ones the app re-asserts after every migrate."""
    frozen = importlib.import_module("corrections.migrations.0002_append_only_triggers")
    assert frozen.SQLITE_CREATE == triggers.SQLITE_TRIGGERS and frozen.SQLITE_DROP == triggers.SQLITE_DROP
    assert frozen.POSTGRES_CREATE == triggers.POSTGRES_TRIGGERS and frozen.POSTGRES_DROP == triggers.POSTGRES_DROP
