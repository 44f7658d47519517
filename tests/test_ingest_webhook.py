"""Push: a CMS posts signed webhooks; a bad signature writes nothing and a replay is idempotent."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from corrections.models import Article, Event, PublicNote, Source, UnannouncedEdit
from corrections.services import sources as source_services

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "url": "https://news.example/2026/harbour-bridge?utm_source=newsletter",
    "title": "Harbour bridge to be rebuilt",
    "html": "<p>The council voted on Tuesday to rebuild the bridge.</p><p>Work starts in May.</p>",
    "published": "2026-11-20T08:00:00Z",
    "modified": "2026-11-20T08:00:00Z",
    "id": "post-101",
}


@pytest.fixture
def source() -> Source:
    return source_services.source_create(kind="webhook", url="https://news.example/", name="CMS")


def send(source: Source, payload: Any, *, secret: str | None = None, headers: dict[str, str] | None = None) -> Any:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    key = (secret if secret is not None else source.secret).encode()
    signature = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
    extra = headers if headers is not None else {"HTTP_X_NEWSDESK_SIGNATURE": signature}
    return APIClient().post(f"/api/v1/sources/{source.pk}/webhook/", raw, content_type="application/json", **extra)


def test_a_signed_payload_publishes_the_article(source: Source) -> None:
    """A signed webhook creates the article under its canonical URL, its HTML as paragraphs."""
    response = send(source, PAYLOAD)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "outcome": "published",
        "article": "harbour-bridge",
        "version": 1,
        "url": "https://news.example/2026/harbour-bridge",
    }
    article = Article.objects.get()
    assert article.body == "The council voted on Tuesday to rebuild the bridge.\n\nWork starts in May."
    assert article.published_at.isoformat() == "2026-11-20T08:00:00+00:00"


def test_a_replayed_payload_writes_nothing(source: Source) -> None:
    """The same delivery twice (a CMS retry) appends nothing the second time."""
    send(source, PAYLOAD)
    response = send(source, PAYLOAD)
    assert response.json()["outcome"] == "unchanged"
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_X_NEWSDESK_SIGNATURE": "sha256=" + "0" * 64}, {"HTTP_X_NEWSDESK_SIGNATURE": "nonsense"}],
    ids=["missing", "wrong", "malformed"],
)
def test_a_bad_signature_is_refused_and_writes_nothing(source: Source, headers: dict[str, str]) -> None:
    """Without the right signature the answer is 401 and nothing is written."""
    response = send(source, PAYLOAD, headers=headers)
    assert response.status_code == 401
    assert "X-Newsdesk-Signature" in response.json()["detail"]
    assert Event.objects.count() == 0


def test_another_sources_secret_is_refused(source: Source) -> None:
    """A payload signed with a different key is refused."""
    assert send(source, PAYLOAD, secret="not-the-secret").status_code == 401


def test_an_unknown_source_answers_like_a_bad_signature(source: Source) -> None:
    """Source ids cannot be probed: an unknown id gets the same 401."""
    response = APIClient().post("/api/v1/sources/999/webhook/", b"{}", content_type="application/json")
    assert response.status_code == 401


def test_a_changed_text_is_an_unannounced_revision(source: Source) -> None:
    """A later payload with other words revises the article, from the site, queued as unannounced."""
    send(source, PAYLOAD)
    changed = {**PAYLOAD, "html": PAYLOAD["html"].replace("May", "June"), "modified": "2026-11-21T09:00:00Z"}
    assert send(source, changed).json()["outcome"] == "revised"
    assert "June" in Article.objects.get().body
    assert UnannouncedEdit.objects.get().status == "open"


def test_a_payload_with_a_note_is_announced(source: Source) -> None:
    """A change the CMS sends with a note is a public correction, not an unannounced edit."""
    send(source, PAYLOAD)
    note = "An earlier version gave the wrong month."
    changed = {**PAYLOAD, "body": "Work starts in June.", "modified": "2026-11-21T09:00:00Z", "note": note}
    assert send(source, changed).json()["outcome"] == "revised"
    assert not UnannouncedEdit.objects.exists()
    assert PublicNote.objects.get().note == note


def test_an_older_payload_arriving_late_is_ignored(source: Source) -> None:
    """Deliveries out of order do not roll the text back."""
    send(source, {**PAYLOAD, "body": "Newer text.", "modified": "2026-11-22T09:00:00Z"})
    response = send(source, {**PAYLOAD, "body": "Older text.", "modified": "2026-11-21T09:00:00Z"})
    assert response.json()["outcome"] == "stale"
    assert Article.objects.get().body == "Newer text."


def test_a_white_space_only_change_appends_nothing(source: Source) -> None:
    """Re-rendered HTML with the same words is not an edit."""
    send(source, PAYLOAD)
    rerendered = PAYLOAD["html"].replace("<p>", '<p class="x">\n  ').replace("council", "council\u00a0")
    response = send(source, {**PAYLOAD, "html": rerendered, "modified": "2026-11-21T09:00:00Z"})
    assert response.json()["outcome"] == "unchanged"
    assert Event.objects.count() == 1


def test_ghosts_own_webhook_is_understood(source: Source) -> None:
    """Ghost's post.published body and its X-Ghost-Signature (sha256 over body + t) are accepted as they are."""
    ghost = {
        "post": {
            "current": {
                "id": "6571",
                "uuid": "b5c4",
                "title": "Library reopens",
                "url": "https://news.example/library-reopens/",
                "html": "<p>The library reopened on Saturday.</p>",
                "published_at": "2026-11-20T08:00:00.000Z",
                "updated_at": "2026-11-20T08:00:00.000Z",
            },
            "previous": {},
        }
    }
    raw = json.dumps(ghost).encode()
    stamp = "1764148800000"
    digest = hmac.new(source.secret.encode(), raw + stamp.encode(), hashlib.sha256).hexdigest()
    response = send(source, raw, headers={"HTTP_X_GHOST_SIGNATURE": f"sha256={digest}, t={stamp}"})
    assert response.json()["outcome"] == "published"
    assert Article.objects.get().title == "Library reopens"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "not JSON"),
        ([1, 2], "JSON object"),
        ({**PAYLOAD, "url": ""}, "url"),
        ({**PAYLOAD, "url": "javascript:alert(1)"}, "Only http and https"),
        ({**PAYLOAD, "html": "<script>x</script>"}, "body"),
        ({**PAYLOAD, "title": ""}, "title"),
        ({**PAYLOAD, "modified": "yesterday"}, "ISO 8601"),
        ({**PAYLOAD, "title": {"x": 1}}, "must be a string"),
    ],
)
def test_a_signed_but_bad_payload_is_a_400_in_words(source: Source, payload: Any, message: str) -> None:
    """A well-signed payload that makes no sense is refused with what is wrong, and nothing is written."""
    response = send(source, payload)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Event.objects.count() == 0


def test_a_paused_source_refuses_webhooks(source: Source) -> None:
    """A paused source answers 422 and records nothing."""
    Source.objects.filter(id=source.id).update(active=False)
    assert send(source, PAYLOAD).status_code == 422
    assert Event.objects.count() == 0


def test_an_oversized_payload_is_a_413(source: Source, settings: Any) -> None:
    """A body over API_MAX_BODY_BYTES is refused before it is read, and nothing is written."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = send(source, {**PAYLOAD, "body": "word " * 1000})
    assert response.status_code == 413
    assert Event.objects.count() == 0


def test_a_new_address_for_the_same_cms_id_follows_the_article(source: Source) -> None:
    """When the CMS changes a post's address, the article follows it and is found by the new URL."""
    send(source, PAYLOAD)
    moved = {**PAYLOAD, "url": "https://news.example/2026/bridge-rebuilt", "modified": "2026-11-21T09:00:00Z"}
    assert send(source, moved).json()["outcome"] == "unchanged"
    found = APIClient().get("/api/v1/articles/", {"url": moved["url"]}).json()["results"]
    assert [a["slug"] for a in found] == ["harbour-bridge"]
