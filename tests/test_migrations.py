"""The migrations describe the models exactly, and are frozen: they import no live code."""

from __future__ import annotations

import hashlib
import importlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from corrections import triggers
from corrections.domain import suggestions as domain
from corrections.models import Suggestion
from corrections.services import suggestions as suggestion_services

MIGRATIONS = Path(__file__).resolve().parent.parent / "corrections" / "migrations"
META = {"actor": {"kind": "reader"}}


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


def test_the_frozen_fix_normalisation_is_the_domains() -> None:
    """Migration 0016 fills the digest of reports already queued with its own copy of the rule."""
    frozen = importlib.import_module("corrections.migrations.0016_suggestion_fix_digest")
    for fix in ["John Smith", "  John \t Smith\n", "Jon\u00a0Smith", ""]:
        assert hashlib.sha256(frozen._SPACE.sub(" ", fix).strip().encode()).hexdigest() == domain.fix_digest(fix)


def test_migrating_fills_the_fix_digest_of_reports_already_in_the_queue(live_db: Any, article: str) -> None:
    """Reports queued before the digest existed are found as duplicates after the migration."""
    first = suggestion_services.suggestion_submit(slug=article, exact="Jon Smith", suggestion="John  Smith", meta=META)
    executor = MigrationExecutor(connection)
    executor.migrate([("corrections", "0015_drop_redundant_indexes")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("corrections"))
    assert Suggestion.objects.get(id=first.suggestion_id).fix_digest == domain.fix_digest("John Smith")
    again = suggestion_services.suggestion_submit(slug=article, exact="Jon Smith", suggestion="John Smith ", meta=META)
    assert again.seconded and again.suggestion_id == first.suggestion_id
