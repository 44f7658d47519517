"""Migrations are frozen: they import no live code, match the models, and the log's triggers match their live copy."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.management import call_command

from corrections import triggers

MIGRATIONS = Path(__file__).resolve().parent.parent / "corrections" / "migrations"


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


@pytest.mark.django_db
def test_the_models_need_no_new_migration() -> None:
    """A developer who changes a model without its migration sees this fail (as `make lint` does)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
