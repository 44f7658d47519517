"""Readers see the article with its correction notes, and its full history."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def correct(editor_api: Any, slug: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{slug}/corrections/",
        {
            "kind": "correction",
            "note": "We misspelled the mayor's name.",
            "changes": [{"exact": "Jon", "replacement": "John"}],
            "expected_version": 1,
        },
        format="json",
    )
    assert response.status_code == 201


def test_article_page_shows_the_text_and_dated_correction_notes(client: Any, editor_api: Any, article: str) -> None:
    """The article page ends with 'Correction, <date>: <note>'."""
    correct(editor_api, article)
    page = client.get(f"/articles/{article}/").content.decode()
    assert "Harbour bridge to be rebuilt" in page
    assert "The mayor, John Smith, said" in page
    from django.utils import timezone

    assert f"Correction, {timezone.now():%-d %B %Y}:</strong> We misspelled the mayor&#x27;s name." in page


def test_history_lists_versions_with_diffs_and_marks_unannounced_edits(
    client: Any, editor_api: Any, article: str
) -> None:
    correct(editor_api, article)
    editor_api.post(
        f"/api/v1/articles/{article}/revisions/",
        {"title": "Bridge to be rebuilt", "expected_version": 2},
        format="json",
    )
    page = client.get(f"/articles/{article}/history/").content.decode()
    assert "Version 3" in page and "Version 2" in page and "Version 1" in page
    assert "Unannounced edit" in page
    assert "<del>Jon</del><ins>John</ins>" in page
    assert "<del>Harbour bridge to be rebuilt</del>" in page


def test_article_text_is_escaped(client: Any, publish: Any) -> None:
    """Whatever an article body holds, the page shows it as text, never as markup."""
    publish(slug="xss", body="Hello <script>alert(1)</script> world")
    page = client.get("/articles/xss/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_unknown_article_page_is_404(client: Any) -> None:
    assert client.get("/articles/nope/").status_code == 404
    assert client.get("/articles/nope/history/").status_code == 404


def test_front_page_lists_articles(client: Any, article: str) -> None:
    assert f"/articles/{article}/" in client.get("/").content.decode()
