"""History and diffs cost the same however long the text: diffs are bounded, stored once, cached and throttled."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from corrections.domain import diff as text_diff
from corrections.models import TextVersion

from .review_support import version_of


def long_text(words: int, seed: int, vocabulary: tuple[str, ...] = ("the", "a", "bridge", "council", "said")) -> str:
    rng = random.Random(seed)
    chosen = [rng.choice(vocabulary) for _ in range(words)]
    return "\n\n".join(" ".join(chosen[i : i + 60]) for i in range(0, words, 60))


def sides(ops: list[text_diff.DiffOp]) -> tuple[str, str]:
    return "".join(o.text for o in ops if o.op != "insert"), "".join(o.text for o in ops if o.op != "delete")


@given(st.text(max_size=300), st.text(max_size=300), st.integers(0, 5000))
@settings(max_examples=200, deadline=None)
def test_a_bounded_diff_always_rebuilds_both_texts(before: str, after: str, budget: int) -> None:
    """Whatever the budget, deleting the inserts gives the old text and deleting the deletes gives the new."""
    diff = text_diff.diff_text(before, after, budget=budget)
    assert sides(diff.ops) == (before, after)


def test_a_small_edit_in_a_huge_text_is_a_word_diff() -> None:
    """The common start and end are cut off first, so one changed word is found exactly."""
    before = long_text(20_000, 1)
    after = before.replace("council", "COUNCIL", 1)
    diff = text_diff.diff_text(before, after)
    assert not diff.coarse
    assert [o.text for o in diff.ops if o.op != "equal"] == ["council", "COUNCIL"]


def test_a_rewrite_of_repetitive_text_falls_back_to_paragraphs() -> None:
    """Two unrelated texts of repetitive words are compared by paragraph once the word budget is spent."""
    before, after = long_text(20_000, 1), long_text(20_000, 2)
    diff = text_diff.diff_text(before, after)
    assert diff.coarse and sides(diff.ops) == (before, after)


def revise(editor_api: APIClient, slug: str, body: str) -> None:
    response = editor_api.post(
        f"/api/v1/articles/{slug}/revisions/", {"body": body, "expected_version": version_of(slug)}, format="json"
    )
    assert response.status_code == 201, response.content


@pytest.fixture
def long_article(editor_api: APIClient) -> str:
    """A 100,000-character article revised three times, heavily."""
    body = long_text(17_000, 1)
    response = editor_api.post("/api/v1/articles/", {"slug": "long", "title": "Long", "body": body}, format="json")
    assert response.status_code == 201
    for seed in (2, 3, 4):
        revise(editor_api, "long", long_text(17_000, seed))
    return "long"


def test_history_and_diffs_are_read_not_computed(long_article: str, monkeypatch: Any) -> None:
    """Once appended, a revision's diff is stored: the history page and the diff API compute none."""
    assert TextVersion.objects.filter(article__slug=long_article).count() == 4

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a diff was computed during a request")

    monkeypatch.setattr(text_diff, "diff_text", refuse)
    monkeypatch.setattr(text_diff, "unified", refuse)
    client = APIClient()
    assert client.get(f"/articles/{long_article}/history/").status_code == 200
    response = client.get(f"/api/v1/articles/{long_article}/diff/", {"from": 2, "to": 3})
    assert response.status_code == 200 and response.json()["coarse"] is True


def test_the_history_page_and_diff_answer_304_to_a_matching_etag(long_article: str) -> None:
    """A client that has the page sends its ETag and gets 304 with no body; a new revision changes the ETag."""
    client = Client()
    first = client.get(f"/articles/{long_article}/history/")
    assert client.get(f"/articles/{long_article}/history/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    diff = client.get(f"/api/v1/articles/{long_article}/diff/?from=1&to=2")
    again = client.get(f"/api/v1/articles/{long_article}/diff/?from=1&to=2", HTTP_IF_NONE_MATCH=diff["ETag"])
    assert again.status_code == 304 and not again.content


def test_history_and_diffs_are_throttled_per_client(article: str, monkeypatch: Any) -> None:
    """Past HISTORY_RATE a client gets 429 with Retry-After on the page and the API."""
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "history", "2/minute")
    client = Client()
    answers = [client.get(f"/articles/{article}/history/").status_code for _ in range(2)]
    answers.append(client.get(f"/api/v1/articles/{article}/diff/?from=1&to=1").status_code)
    assert answers == [200, 200, 429]
    assert int(client.get(f"/articles/{article}/history/")["Retry-After"]) > 0


def test_a_rebuild_reproduces_the_stored_diffs(editor_api: APIClient, article: str) -> None:
    """The stored diffs are a projection: a replay of the log writes exactly the same rows."""
    revise(editor_api, article, "A whole new text.\n\nWith two paragraphs.")
    fields = ("article_id", "version", "kind", "from_version", "ops", "unified", "coarse", "announced")
    before = list(TextVersion.objects.order_by("version").values_list(*fields))
    call_command("rebuild_projections", "--no-progress", stdout=open("/dev/null", "w"))
    assert list(TextVersion.objects.order_by("version").values_list(*fields)) == before
