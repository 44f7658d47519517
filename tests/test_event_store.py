"""The log is append-only in the database and tamper-evident through its hash chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from corrections import services, store
from corrections.domain import commands
from corrections.models import Event

pytestmark = pytest.mark.django_db


def test_raw_sql_update_of_an_event_fails(article: str) -> None:
    """The database itself refuses to change a recorded event."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE corrections_event SET type = 'Forged'")
    assert Event.objects.get().type == "ArticlePublished"


def test_raw_sql_delete_of_an_event_fails(article: str) -> None:
    """The database itself refuses to delete a recorded event."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM corrections_event")
    assert Event.objects.count() == 1


def test_two_events_cannot_take_the_same_version(article: str) -> None:
    row = Event.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            stream_id=row.stream_id,
            version=1,
            type="ArticleRevised",
            data={},
            meta={},
            recorded_at=row.recorded_at,
            hash="x",
        )


def test_each_event_hash_chains_to_the_previous(editor_api: Any, article: str) -> None:
    editor_api.post(f"/api/v1/articles/{article}/revisions/", {"body": "New.", "expected_version": 1}, format="json")
    first, second = Event.objects.order_by("version")
    assert first.hash == store.event_hash("", first)
    assert second.hash == store.event_hash(first.hash, second)


def test_verify_log_passes_on_an_intact_log(article: str, capsys: Any) -> None:
    call_command("verify_log")
    assert "1 events verified" in capsys.readouterr().out


def test_verify_log_names_the_first_tampered_event(editor_api: Any, article: str) -> None:
    """If someone drops the trigger and edits a row, verify_log exits non-zero naming that event."""
    editor_api.post(f"/api/v1/articles/{article}/revisions/", {"body": "New.", "expected_version": 1}, format="json")
    editor_api.post(f"/api/v1/articles/{article}/revisions/", {"body": "Newer.", "expected_version": 2}, format="json")
    tampered = Event.objects.get(version=2)
    store.drop_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE corrections_event SET data = %s WHERE position = %s",
                ['{"body": "Forged.", "title": null, "note": ""}', tampered.position],
            )
    finally:
        store.install_triggers()
    with pytest.raises(CommandError, match=f"position {tampered.position} .*version 2.*hash does not match"):
        call_command("verify_log")


def test_a_failed_command_leaves_no_half_written_event(article: str) -> None:
    """When the projection refuses an append, the event is rolled back with it."""
    services.article_publish(slug="other", title="T", body="B", meta={})
    before = Event.objects.count()
    # Same slug taken at the projection level: the whole transaction rolls back.
    with pytest.raises(IntegrityError), transaction.atomic():
        store.append(
            "00000000-0000-0000-0000-000000000001",
            commands.publish(slug="other", title="T", body="B"),
            expected_version=0,
            meta={},
        )
    assert Event.objects.count() == before
