"""A hot article on PostgreSQL: fifty readers comment at the same moment while an editor revises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from corrections import integrity, services
from corrections.models import Article, Comment, Event
from corrections.services import comments as comment_services

from .conftest import ARTICLE_BODY, require_postgres
from .test_concurrent_edits import run_together

READERS = 50


@pytest.mark.postgres
def test_fifty_concurrent_comments_all_land_with_gapless_versions(live_db: Any) -> None:
    """Every comment lands, the versions run 1..N without a gap, the count is right and the chain verifies."""
    require_postgres()
    services.article_publish(slug="hot", title="Hot", body=ARTICLE_BODY, meta={"actor": {"kind": "editor"}})

    def comment(n: int) -> Callable[[], Any]:
        return lambda: comment_services.comment_post(
            slug="hot", body=f"Comment number {n}.", author_name=f"Reader {n}", meta={"actor": {"kind": "reader"}}
        )

    def revise() -> Any:
        # Comments appended meanwhile never make the editor's version stale.
        return services.article_revise(
            slug="hot", expected_version=1, title="Hot topic", meta={"actor": {"kind": "editor"}}
        )

    results = run_together(*(comment(n) for n in range(READERS)), revise)
    assert [r for r in results if isinstance(r, Exception)] == []

    article = Article.objects.get(slug="hot")
    versions = list(Event.objects.filter(stream_id=article.id).order_by("version").values_list("version", flat=True))
    assert versions == list(range(1, READERS + 3))
    assert article.version == READERS + 2 and article.title == "Hot topic"
    assert Event.objects.filter(stream_id=article.id, type="CommentPosted").count() == READERS
    assert sorted(Comment.objects.filter(article=article).values_list("body", flat=True)) == sorted(
        f"Comment number {n}." for n in range(READERS)
    )
    assert sorted(Comment.objects.values_list("version", flat=True)) == sorted(
        r.version for r in results if r.type == "CommentPosted"
    )
    assert APIClient().get("/api/v1/articles/hot/comments/").json()["count"] == READERS
    assert integrity.verify() == (READERS + 2, None)
