"""Editors add and watch sources through the API; the widget finds an article by its page's URL."""

from __future__ import annotations

from typing import Any

import pytest

from corrections.models import Article, Source

from .newsroom import Newsroom, newsroom_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll_now(django_capture_on_commit_callbacks: Any) -> Any:
    """POST /sources/{id}/poll/, running what it queues after the commit (eagerly)."""

    def poll(client: Any, source_id: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/api/v1/sources/{source_id}/poll/").status_code == 202

    return poll


def test_an_editor_adds_a_feed(editor_api: Any, newsroom: Newsroom) -> None:
    """POST /sources/ answers 201 with the id; a feed has no secret."""
    response = editor_api.post(
        "/api/v1/sources/", {"kind": "feed", "url": newsroom.url("/feed.xml"), "selector": ".story-body"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["selector"], body["secret"], body["webhook_url"]) == ("feed", ".story-body", None, None)
    assert Source.objects.get().pk == body["id"]


def test_a_webhook_secret_is_shown_once(editor_api: Any) -> None:
    """A webhook source's secret and address come with the 201 and never again."""
    created = editor_api.post("/api/v1/sources/", {"kind": "webhook", "name": "Ghost"}, format="json").json()
    assert len(created["secret"]) == 64
    assert created["webhook_url"].endswith(f"/api/v1/sources/{created['id']}/webhook/")
    detail = editor_api.get(f"/api/v1/sources/{created['id']}/").json()
    assert "secret" not in detail and created["secret"] not in str(editor_api.get("/api/v1/sources/").json())


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"kind": "feed", "url": "ftp://news.example/feed"}, 422, "Only http and https"),
        ({"kind": "feed"}, 422, "needs the address"),
        ({"kind": "feed", "url": "https://news.example/feed", "selector": "div[["}, 422, "not a CSS selector"),
        ({"kind": "gopher", "url": "https://news.example/"}, 400, "kind"),
        ({"kind": "feed", "url": "https://news.example/", "interval_minutes": 0}, 400, "interval_minutes"),
    ],
)
def test_bad_sources_are_refused_in_words(editor_api: Any, payload: dict[str, Any], status: int, message: str) -> None:
    """A source that cannot work is refused with the reason, and not saved."""
    response = editor_api.post("/api/v1/sources/", payload, format="json")
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not Source.objects.exists()


def test_readers_cannot_see_or_add_sources(api: Any) -> None:
    """Sources are for editors only."""
    assert api.get("/api/v1/sources/").status_code in (401, 403)
    assert api.post("/api/v1/sources/", {"kind": "feed", "url": "https://x.example/"}, format="json").status_code in (
        401,
        403,
    )


def test_the_list_shows_health_in_a_fixed_number_of_queries(
    editor_api: Any, newsroom: Newsroom, django_assert_max_num_queries: Any, poll_now: Any
) -> None:
    """Each source shows its last success, last error in words and articles tracked, in a fixed number of queries."""
    feed = editor_api.post("/api/v1/sources/", {"kind": "feed", "url": newsroom.url("/feed.xml")}, format="json")
    editor_api.post("/api/v1/sources/", {"kind": "feed", "url": newsroom.url("/gone.xml")}, format="json")
    for source in Source.objects.all():
        poll_now(editor_api, source.pk)
    with django_assert_max_num_queries(6):
        rows = editor_api.get("/api/v1/sources/").json()["results"]
    by_id = {row["id"]: row for row in rows}
    good = by_id.pop(feed.json()["id"])
    [bad] = by_id.values()
    assert (good["articles_tracked"], good["last_error"], good["failures"]) == (2, "", 0)
    assert good["last_success_at"] is not None
    assert "HTTP 404" in bad["last_error"] and bad["failures"] == 1 and bad["articles_tracked"] == 0


def test_an_editor_pauses_and_changes_a_source(editor_api: Any) -> None:
    """PATCH changes the selector and interval or pauses the source."""
    created = editor_api.post("/api/v1/sources/", {"kind": "sitemap", "url": "https://x.example/s.xml"}, format="json")
    url = f"/api/v1/sources/{created.json()['id']}/"
    response = editor_api.patch(url, {"active": False, "selector": "main p", "interval_minutes": 60}, format="json")
    assert response.status_code == 200
    assert (response.json()["active"], response.json()["selector"], response.json()["interval_minutes"]) == (
        False,
        "main p",
        60,
    )
    assert editor_api.patch(url, {"selector": "p[["}, format="json").status_code == 422


def test_an_article_is_found_by_its_page_url(editor_api: Any, api: Any, newsroom: Newsroom, poll_now: Any) -> None:
    """GET /articles/?url= finds the article whatever tracking parameters or fragment the page's URL has."""
    source = editor_api.post("/api/v1/sources/", {"kind": "feed", "url": newsroom.url("/feed.xml")}, format="json")
    poll_now(editor_api, source.json()["id"])
    page_url = newsroom.article_url("harbour-bridge")
    for asked in (page_url, page_url + "?utm_campaign=x#comments", page_url.rstrip("/")):
        results = api.get("/api/v1/articles/", {"url": asked}).json()["results"]
        assert [r["slug"] for r in results] == ["harbour-bridge"], asked
    assert api.get("/api/v1/articles/", {"url": "https://elsewhere.example/"}).json()["results"] == []
    assert Article.objects.count() == 2


@pytest.mark.parametrize("url", ["http://news.example:abc/x", "not a url at all", "", "mailto:desk@example.com"])
def test_a_malformed_url_finds_nothing(api: Any, url: str) -> None:
    """Any address, however malformed, answers with an empty list, never an error page."""
    response = api.get("/api/v1/articles/", {"url": url})
    assert (response.status_code, response.json()["results"]) == (200, [])
