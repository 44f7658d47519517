"""The store guards concurrency itself: no append without the version it follows, a moved head is a 409."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F
from rest_framework.test import APIClient

from corrections import store
from corrections.domain.comments import CommentPosted
from corrections.domain.errors import StreamMoved
from corrections.models import Article, Event, Stream
from corrections.services import articles as article_services

pytestmark = pytest.mark.django_db
SERVICES = Path(__file__).resolve().parent.parent / "corrections" / "services"


def comment(n: int = 0) -> CommentPosted:
    return CommentPosted(comment_id=f"00000000-0000-0000-0000-{n:012d}", body="Hello.", author_name="Reader")


def test_an_append_must_say_which_version_it_follows(article: str) -> None:
    """Code that appends without an expected version does not run at all."""
    stream = Article.objects.get(slug=article).id
    with pytest.raises(TypeError, match="expected_version"):
        store.append(stream, [comment()], meta={})  # type: ignore[call-arg]


def test_every_service_append_passes_the_version_it_read() -> None:
    """Each call to store.append in the services passes expected_version."""
    calls = [
        node
        for path in SERVICES.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "store"
    ]
    assert calls
    assert all("expected_version" in {k.arg for k in call.keywords} for call in calls)


def test_an_append_after_a_moved_head_is_refused_and_writes_nothing(article: str) -> None:
    """Two writers that read the same head: the second append is a conflict naming the current version."""
    row = Article.objects.get(slug=article)
    store.append(row.id, [comment(1)], expected_version=row.version, meta={})
    before = Event.objects.count()
    with pytest.raises(StreamMoved) as raised, transaction.atomic():
        store.append(row.id, [comment(2)], expected_version=row.version, meta={})
    assert raised.value.details["current_version"] == row.version + 1
    assert Event.objects.count() == before


def test_a_moved_head_reaches_the_reader_as_409(api: APIClient, article: str, monkeypatch: Any) -> None:
    """If another append lands between reading the head and appending, the reader gets 409 with the version."""
    real = store.locked

    def stale(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        row, head = found
        other = Article.objects.get(id=row.id)
        store.append(row.id, [comment(3)], expected_version=other.version, meta={})
        return row, head

    monkeypatch.setattr(article_services.store, "locked", stale)
    version = Article.objects.get(slug=article).version
    response = api.post(f"/api/v1/articles/{article}/comments/", {"body": "Me too.", "name": "Ann"}, format="json")
    assert response.status_code == 409
    # (Here the other append shared the request's transaction, so it was rolled back with it.)
    assert response.json()["current_version"] == version + 1


def test_a_read_model_behind_its_log_is_our_fault_not_the_clients(article: str) -> None:
    """A read model out of step with its log is a server error (500), never a 400 blaming the request."""
    Stream.objects.filter(id=Article.objects.get(slug=article).id).update(version=F("version") + 1)
    client = APIClient(raise_request_exception=False)
    response = client.post(f"/api/v1/articles/{article}/comments/", {"body": "Hi.", "name": "Ann"}, format="json")
    assert response.status_code == 500


def test_a_head_is_what_the_caller_read() -> None:
    """The head a service reads carries the version to append after and the hash to chain from."""
    assert [f.name for f in dataclasses.fields(store.Head)] == ["stream_id", "version", "last_hash"]
