"""Reads never grow with the log: a page costs the same number of queries with a few or many comments and reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from corrections.models import Article, Suggestion
from corrections.services import comments as comment_services
from corrections.services import suggestions as suggestion_services

pytestmark = pytest.mark.django_db
READER = {"actor": {"kind": "reader"}}


def comment_on(slug: str, count: int) -> None:
    for n in range(count):
        posted = comment_services.comment_post(slug=slug, body=f"Comment {n}.", author_name="Ann", meta=READER)
        if n % 5 == 0:
            comment_services.comment_post(
                slug=slug, body="A reply.", author_name="Bo", parent_id=posted.event.comment_id, meta=READER
            )


def report_on(slug: str, count: int) -> list[str]:
    tokens = []
    for n in range(count):
        submitted = suggestion_services.suggestion_submit(
            slug=slug, exact="Jon Smith", suggestion=f"John Smith {n}", meta=READER
        )
        tokens.append(submitted.token)
    return tokens


def queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get().status_code == 200
    return len(captured)


def same_cost_after(grow: Callable[[], None], get: Callable[[], Any], django_assert_num_queries: Any) -> None:
    before = queries(get)
    grow()
    with django_assert_num_queries(before):
        assert get().status_code == 200


@pytest.mark.parametrize("path", ["/articles/{slug}/", "/api/v1/articles/{slug}/", "/api/v1/articles/{slug}/comments/"])
def test_article_reads_cost_the_same_with_many_comments(
    client: Any, article: str, path: str, django_assert_num_queries: Any
) -> None:
    """A reader's article page, its API detail and its comments cost the same at 3 comments and at 70 (two pages)."""
    comment_on(article, 3)
    same_cost_after(
        lambda: comment_on(article, 70), lambda: client.get(path.format(slug=article)), django_assert_num_queries
    )
    assert Article.objects.get(slug=article).comment_count == 3 + 70 + 1 + 14


def test_a_readers_status_page_costs_the_same_with_many_reports(
    client: Any, article: str, django_assert_num_queries: Any
) -> None:
    """The status page of one report does not grow with the article's other reports and comments."""
    [token] = report_on(article, 1)
    same_cost_after(
        lambda: (report_on(article, 30), comment_on(article, 30)),
        lambda: client.get(f"/suggestions/{token}/"),
        django_assert_num_queries,
    )


def test_the_review_queue_and_item_cost_the_same_with_many_reports(
    editor_api: APIClient, article: str, django_assert_num_queries: Any
) -> None:
    """An editor's queue page and one item's review cost a fixed number of queries however long the queue."""
    report_on(article, 2)
    item = Suggestion.objects.order_by("received_at").first()
    same_cost_after(
        lambda: report_on(article, 40), lambda: editor_api.get("/api/v1/review/suggestions/"), django_assert_num_queries
    )
    same_cost_after(
        lambda: comment_on(article, 30),
        lambda: editor_api.get(f"/api/v1/review/suggestions/{item.id}/"),
        django_assert_num_queries,
    )
