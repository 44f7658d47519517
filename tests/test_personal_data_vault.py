"""Personal fields of events live in the vault; the log holds salted commitments to them."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from corrections import integrity, store, vault
from corrections.models import Article, Event, PersonalDatum, Stream


def comment(client: APIClient, slug: str, body: str = "Ann's words.", name: str = "Ann Example") -> Any:
    response = client.post(f"/api/v1/articles/{slug}/comments/", {"body": body, "name": name}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def raw(row: Event) -> str:
    return json.dumps(row.data) + json.dumps(row.meta)


def test_a_commenters_name_and_words_are_not_in_the_hashed_event(api: APIClient, article: str) -> None:
    """The stored event holds commitments; the name and words are only in the vault."""
    comment(api, article)
    row = Event.objects.get(type="CommentPosted")
    assert "Ann" not in raw(row)
    assert vault.is_sealed(row.data["body"]) and vault.is_sealed(row.data["author_name"])
    assert set(PersonalDatum.objects.values_list("field", flat=True)) == {"body", "author_name"}
    assert store.to_recorded(row).event.author_name == "Ann Example"


def test_an_editors_account_is_not_in_the_meta_of_their_events(editor_api: APIClient, editor: Any) -> None:
    """Who acted is committed in meta: the id and username are in the vault, the kind of actor stays."""
    editor_api.post("/api/v1/articles/", {"slug": "s", "title": "T", "body": "B."}, format="json")
    row = Event.objects.get()
    assert row.meta["actor"]["kind"] == "editor" and "desk" not in raw(row)
    assert store.to_recorded(row).meta["actor"] == {"kind": "editor", "id": editor.pk, "username": "desk"}


def test_the_public_hash_cannot_confirm_a_guessed_hidden_comment(api: APIClient, article: str) -> None:
    """Recomputing the public hash with a guessed text does not match: the hash covers a salted commitment."""
    comment(api, article, body="A guessable secret.")
    row = Event.objects.get(type="CommentPosted")
    previous = Event.objects.get(version=row.version - 1).hash
    guess = Event(**{f.attname: getattr(row, f.attname) for f in Event._meta.concrete_fields})
    guess.data = {**row.data, "body": "A guessable secret.", "author_name": "Ann Example"}
    assert store.event_hash(previous, guess) != row.hash
    assert store.event_hash(previous, row) == row.hash
    public = api.get(f"/api/v1/articles/{article}/events/").json()["results"]
    assert public[-1]["hash"] == row.hash and public[-1]["data"]["body"] == "A guessable secret."


def test_events_written_before_the_vault_still_read_and_verify(db: Any) -> None:
    """An old event with its personal fields in the clear decodes as before and its chain verifies."""
    stream = "6f0d2f5e-3b1e-4a8e-9a51-1a2b3c4d5e6f"
    rows = [
        ("ArticlePublished", {"slug": "old", "title": "Old", "body": "Text.", "byline": ""}),
        (
            "CommentPosted",
            {"comment_id": "9d1f2c3b-0000-4000-8000-000000000001", "body": "Plain.", "author_name": "Bo"},
        ),
    ]
    previous = ""
    for version, (kind, data) in enumerate(rows, start=1):
        row = Event(stream_id=stream, version=version, type=kind, data=data, meta={"actor": {"kind": "reader"}})
        row.recorded_at = timezone.now()
        row.hash = store.event_hash(previous, row)
        row.save(force_insert=True)
        previous = row.hash
    Stream.objects.create(id=stream, version=2, last_hash=previous)
    Article.objects.create(
        id=stream, slug="old", title="Old", body="Text.", version=2, text_version=1,
        published_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    assert store.read_stream(stream)[1].event.body == "Plain."
    assert integrity.verify()[1] is None


def test_a_logged_in_commenters_account_is_a_subject_of_their_vault_entries(article: str) -> None:
    """A logged-in reader's comment is filed under their account, so erasing the account finds it."""
    user = get_user_model().objects.create_user("ann", "ann@example.com", "pw-12345!")
    client = APIClient()
    client.force_authenticate(user)
    comment(client, article, name="")
    subjects = set(PersonalDatum.objects.values_list("subject", flat=True))
    assert subjects == {f"user:{user.pk}"}
