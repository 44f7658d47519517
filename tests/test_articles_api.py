"""Editors publish, revise and correct articles over HTTP; anyone can read them."""

from __future__ import annotations

from typing import Any

import pytest

from corrections.models import Event

pytestmark = pytest.mark.django_db

NEW = {"slug": "new-park", "title": "A new park opens", "body": "The park opens on Monday.", "byline": "A. Writer"}


def test_editor_publishes_an_article(editor_api: Any) -> None:
    """An editor can publish an article and gets its id and version 1."""
    response = editor_api.post("/api/v1/articles/", NEW, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "new-park" and response.json()["version"] == 1
    detail = editor_api.get("/api/v1/articles/new-park/").json()
    assert (detail["title"], detail["body"], detail["byline"], detail["status"]) == (
        "A new park opens",
        "The park opens on Monday.",
        "A. Writer",
        "published",
    )


def test_a_taken_slug_is_a_conflict(editor_api: Any, article: str) -> None:
    """Publishing under a slug that is taken answers 409 and writes nothing."""
    before = Event.objects.count()
    response = editor_api.post("/api/v1/articles/", {**NEW, "slug": article}, format="json")
    assert response.status_code == 409
    assert "already taken" in response.json()["detail"]
    assert Event.objects.count() == before


def test_readers_cannot_publish(api: Any) -> None:
    response = api.post("/api/v1/articles/", NEW, format="json")
    assert response.status_code in (401, 403)
    assert not Event.objects.exists()


def test_anyone_lists_articles_with_pagination(api: Any, publish: Any, django_assert_max_num_queries: Any) -> None:
    """The list pages with page and page_size, and its query count does not grow with the page."""
    for i in range(5):
        publish(slug=f"story-{i}")
    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/articles/?page=2&page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_revision_moves_the_version_on(editor_api: Any, article: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/",
        {"title": "Harbour bridge will be rebuilt", "expected_version": 1},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {"version": 2}
    assert editor_api.get(f"/api/v1/articles/{article}/").json()["title"] == "Harbour bridge will be rebuilt"


def test_stale_revision_is_a_conflict_with_the_current_version(editor_api: Any, article: str) -> None:
    """Two editors revise from version 1: the second gets 409 with the current version."""
    url = f"/api/v1/articles/{article}/revisions/"
    assert editor_api.post(url, {"body": "First edit.", "expected_version": 1}, format="json").status_code == 201
    response = editor_api.post(url, {"body": "Second edit.", "expected_version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert editor_api.get(f"/api/v1/articles/{article}/").json()["body"] == "First edit."


def test_correction_changes_the_text_and_is_listed_publicly(editor_api: Any, api: Any, article: str) -> None:
    """A correction replaces the quoted text and appears in the article's public corrections."""
    response = editor_api.post(
        f"/api/v1/articles/{article}/corrections/",
        {
            "kind": "correction",
            "note": "An earlier version misspelled the mayor's name.",
            "changes": [{"exact": "Jon Smith", "replacement": "John Smith"}],
            "expected_version": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    detail = api.get(f"/api/v1/articles/{article}/").json()
    assert "The mayor, John Smith, said" in detail["body"]
    assert [(c["kind"], c["note"], c["version"]) for c in detail["corrections"]] == [
        ("correction", "An earlier version misspelled the mayor's name.", 2)
    ]


def test_correction_of_text_that_is_not_there_is_422(editor_api: Any, article: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{article}/corrections/",
        {
            "kind": "correction",
            "note": "n",
            "changes": [{"exact": "Jane Doe", "replacement": "x"}],
            "expected_version": 1,
        },
        format="json",
    )
    assert response.status_code == 422
    assert "not found" in response.json()["detail"]
    assert Event.objects.count() == 1


def test_unknown_kind_is_400_with_a_readable_message(editor_api: Any, article: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{article}/corrections/", {"kind": "oops", "note": "n", "expected_version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("kind:")


def test_retraction_closes_the_article(editor_api: Any, article: str) -> None:
    url = f"/api/v1/articles/{article}/retraction/"
    assert (
        editor_api.post(
            url, {"note": "The quotes could not be verified.", "expected_version": 1}, format="json"
        ).status_code
        == 201
    )
    detail = editor_api.get(f"/api/v1/articles/{article}/").json()
    assert detail["status"] == "retracted"
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/", {"body": "x", "expected_version": 2}, format="json"
    )
    assert response.status_code == 422


def test_event_log_is_public_in_version_order_without_personal_data(editor_api: Any, api: Any, article: str) -> None:
    """The public log shows what happened and the kind of actor, never the editor's name."""
    editor_api.post(
        f"/api/v1/articles/{article}/revisions/",
        {"body": "New.", "note": "Updated.", "expected_version": 1},
        format="json",
    )
    body = api.get(f"/api/v1/articles/{article}/events/?page_size=1&page=2").json()
    assert body["count"] == 2
    [event] = body["results"]
    assert (event["version"], event["type"], event["meta"]) == (2, "ArticleRevised", {"actor": {"kind": "editor"}})
    assert "desk" not in str(body)


def test_any_past_version_and_the_diff_between_two(editor_api: Any, api: Any, article: str) -> None:
    """Readers can see the article as it was at version 1 and what changed since."""
    editor_api.post(
        f"/api/v1/articles/{article}/corrections/",
        {
            "kind": "correction",
            "note": "Name.",
            "changes": [{"exact": "Jon", "replacement": "John"}],
            "expected_version": 1,
        },
        format="json",
    )
    v1 = api.get(f"/api/v1/articles/{article}/versions/1/").json()
    assert "Jon Smith" in v1["body"] and v1["corrections"] == []
    v2 = api.get(f"/api/v1/articles/{article}/versions/2/").json()
    assert "John Smith" in v2["body"] and len(v2["corrections"]) == 1
    diff = api.get(f"/api/v1/articles/{article}/diff/?from=1&to=2").json()
    assert {"op": "delete", "text": "Jon"} in diff["ops"] and {"op": "insert", "text": "John"} in diff["ops"]
    assert "-The mayor, Jon Smith" in diff["unified"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/nope/",
        "/api/v1/articles/nope/events/",
        "/api/v1/articles/nope/versions/1/",
        "/api/v1/articles/nope/diff/?from=1&to=1",
    ],
)
def test_unknown_slug_is_404(api: Any, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 404
    assert "No article" in response.json()["detail"]


def test_missing_version_is_404_naming_the_range(api: Any, article: str) -> None:
    response = api.get(f"/api/v1/articles/{article}/versions/9/")
    assert response.status_code == 404
    assert "versions 1 to 1" in response.json()["detail"]


def test_diff_without_versions_is_400(api: Any, article: str) -> None:
    response = api.get(f"/api/v1/articles/{article}/diff/?from=x")
    assert response.status_code == 400
    assert "from" in response.json()["fields"]


def test_malformed_json_is_400_and_writes_nothing(editor_api: Any, article: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/", '{"body": "x", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert Event.objects.count() == 1


def test_oversized_body_is_413_and_writes_nothing(editor_api: Any) -> None:
    """A body over API_MAX_BODY_BYTES (512 KiB by default) gets a JSON 413, not Django's HTML 400."""
    response = editor_api.post("/api/v1/articles/", {**NEW, "body": "x" * 600_000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "524288 bytes" in response.json()["detail"]
    assert not Event.objects.exists()


def test_oversized_anonymous_body_is_413_too(api: Any, article: str) -> None:
    response = api.post(f"/api/v1/articles/{article}/suggestions/", {"exact": "x" * 600_000}, format="json")
    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"


@pytest.mark.parametrize("path", ["/api/v1/articles/x/versions/-1/", "/api/v1/review/suggestions//reject/", "/api/v2/"])
def test_an_address_that_is_no_endpoint_is_a_json_404(api: Any, path: str, settings: Any) -> None:
    """Even with DEBUG on, an unknown /api/ address answers JSON, not a debug page."""
    settings.DEBUG = True
    response = api.post(path, {}, format="json")
    assert response.status_code == 404
    assert "no API endpoint" in response.json()["detail"]


def test_field_over_its_length_limit_is_400(editor_api: Any) -> None:
    response = editor_api.post("/api/v1/articles/", {**NEW, "title": "t" * 301}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["fields"]


def test_superuser_can_do_what_an_editor_can(api: Any, django_user_model: Any) -> None:
    boss = django_user_model.objects.create_superuser("boss", "b@example.com", "pw-long-enough")
    api.force_authenticate(boss)
    assert api.post("/api/v1/articles/", NEW, format="json").status_code == 201


def test_editor_can_use_a_session(editor: Any, client: Any) -> None:
    """An editor logged in through the admin can call the API with the session cookie."""
    client.force_login(editor)
    response = client.post("/api/v1/articles/", NEW, content_type="application/json")
    assert response.status_code == 201


def test_an_expected_version_from_the_future_is_a_conflict(editor_api: Any, article: str) -> None:
    """An editor cannot claim to have seen a version that does not exist yet."""
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/", {"body": "x", "expected_version": 7}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    assert "does not exist yet" in response.json()["detail"]
