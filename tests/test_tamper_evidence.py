"""Tampering with the log is detected: by the chain, by the stream heads, and by signed checkpoints outside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from corrections import integrity, store
from corrections.models import Event, Stream

from .review_support import version_of


@pytest.fixture
def checkpoints(tmp_path: Path, settings: Any) -> Path:
    settings.CHECKPOINT_KEY = "a key the database never sees"
    settings.CHECKPOINT_TARGET = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


@pytest.fixture
def untriggered() -> Iterator[None]:
    """The database's owner drops the append-only trigger, as an attacker with that role could."""
    store.drop_triggers()
    yield
    store.install_triggers()


def sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def revise(editor_api: Any, slug: str, body: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{slug}/revisions/", {"body": body, "expected_version": version_of(slug)}, format="json"
    )
    assert response.status_code == 201, response.content


def rechain(stream: Any) -> None:
    """Recompute every hash of the stream and its head, as someone hiding an edit would."""
    previous = ""
    for row in Event.objects.filter(stream_id=stream).order_by("version"):
        row.hash = store.event_hash(previous, row)
        sql("UPDATE corrections_event SET hash = %s WHERE position = %s", row.hash, row.position)
        previous = row.hash
    last = Event.objects.filter(stream_id=stream).order_by("-version").first()
    Stream.objects.filter(id=stream).update(version=last.version if last else 0, last_hash=previous)


def breach_of(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_log", *args, stdout=open("/dev/null", "w"))
    return str(error.value)


def test_deleting_the_last_event_of_a_stream_is_detected(editor_api: Any, article: str, untriggered: None) -> None:
    """A chain that ends before its head says it should is a breach, though every hash is right."""
    revise(editor_api, article, "New.")
    sql("DELETE FROM corrections_event WHERE version = 2")
    assert "chain ends at version 1 but the head says 2" in breach_of()


def test_deleting_a_streams_only_event_is_detected(article: str, untriggered: None) -> None:
    """A head (and an article) whose events are all gone is a breach."""
    sql("DELETE FROM corrections_event")
    assert "head has no events" in breach_of()


def test_an_article_without_any_log_is_detected(article: str, untriggered: None) -> None:
    """Deleting the events and the head still leaves an article that nothing explains."""
    sql("DELETE FROM corrections_event")
    Stream.objects.all().delete()
    assert "an article without events" in breach_of()


def test_an_intact_log_verifies_against_its_checkpoints(editor_api: Any, article: str, checkpoints: Path) -> None:
    """After checkpoints, more appends still extend them: verify_log --checkpoints passes."""
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    revise(editor_api, article, "New.")
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    revise(editor_api, article, "Newer.")
    out = open("/dev/null", "w")
    call_command("verify_log", "--checkpoints", stdout=out)
    assert len(checkpoints.read_text().splitlines()) == 2
    document = json.loads(checkpoints.read_text().splitlines()[0])
    assert set(document) >= {"heads", "digest", "signature", "created_at"}


def test_rechaining_a_stream_after_a_checkpoint_is_detected(
    editor_api: Any, article: str, checkpoints: Path, untriggered: None
) -> None:
    """Rewriting an event and recomputing the stream's hashes and head fools the chain, not the checkpoint."""
    revise(editor_api, article, "The original revision.")
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    stream = Event.objects.get(version=2).stream_id
    sql(
        "UPDATE corrections_event SET data = %s WHERE stream_id = %s AND version = 2",
        json.dumps({"body": "A quietly rewritten revision.", "title": None, "note": ""}),
        stream.hex if connection.vendor == "sqlite" else stream,
    )
    rechain(stream)
    call_command("verify_log", stdout=open("/dev/null", "w"))  # the chain alone is fooled
    assert "no longer extends the checkpoint" in breach_of("--checkpoints")


def test_truncating_a_stream_after_a_checkpoint_is_detected(
    editor_api: Any, article: str, checkpoints: Path, untriggered: None
) -> None:
    """Deleting the last events and moving the head back is consistent inside the database, not with the checkpoint."""
    revise(editor_api, article, "New.")
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    stream = Event.objects.get(version=2).stream_id
    sql("DELETE FROM corrections_event WHERE version = 2")
    rechain(stream)
    call_command("verify_log", stdout=open("/dev/null", "w"))
    assert "no longer in the log" in breach_of("--checkpoints")


def test_a_forged_checkpoint_is_refused(article: str, checkpoints: Path) -> None:
    """A checkpoint edited without the key fails its signature."""
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    document = json.loads(checkpoints.read_text())
    document["heads"] = {}
    checkpoints.write_text(json.dumps(document) + "\n")
    assert "bad signature" in breach_of("--checkpoints")


def test_a_checkpoint_needs_a_key_and_a_place_outside_the_database(article: str, settings: Any) -> None:
    """Without CHECKPOINT_KEY or CHECKPOINT_TARGET the command says what is missing."""
    settings.CHECKPOINT_KEY, settings.CHECKPOINT_TARGET = "", "/tmp/x"
    with pytest.raises(CommandError, match="CHECKPOINT_KEY"):
        call_command("checkpoint")
    settings.CHECKPOINT_KEY, settings.CHECKPOINT_TARGET = "k", ""
    with pytest.raises(CommandError, match="CHECKPOINT_TARGET"):
        call_command("checkpoint")


def test_checkpoints_can_go_to_an_http_endpoint(article: str, settings: Any, monkeypatch: Any) -> None:
    """An https:// target gets the signed document as a JSON POST."""
    sent: list[Any] = []

    class Answer:
        def __enter__(self) -> Answer:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

        def read(self) -> bytes:
            return b""

    def fake_urlopen(request: Any, timeout: float) -> Answer:
        sent.append(request)
        return Answer()

    monkeypatch.setattr(integrity.urllib.request, "urlopen", fake_urlopen)
    settings.CHECKPOINT_KEY, settings.CHECKPOINT_TARGET = "k", "https://vault.example/checkpoints"
    call_command("checkpoint", stdout=open("/dev/null", "w"))
    [request] = sent
    assert request.full_url == "https://vault.example/checkpoints" and request.get_method() == "POST"
    assert integrity.signature_valid(json.loads(request.data))


def test_beat_writes_a_checkpoint_every_hour_when_configured(article: str, checkpoints: Path) -> None:
    """The Celery task behind the beat entry writes one checkpoint."""
    from corrections.tasks import write_checkpoint

    assert write_checkpoint.apply().get() == 1
    assert checkpoints.exists()


def test_rewriting_a_personal_value_in_the_vault_is_detected(api: Any, article: str) -> None:
    """The vault is not hashed into the chain, but each value must still match its event's commitment."""
    from corrections.models import PersonalDatum

    api.post(f"/api/v1/articles/{article}/comments/", {"body": "What I said.", "name": "Ann"}, format="json")
    PersonalDatum.objects.filter(field="body").update(value="Words put in my mouth.")
    assert "no longer matches its commitment" in breach_of()
