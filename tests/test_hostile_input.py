"""No input is a 500: deep JSON, odd digits, NUL in paths, invisible names and direction tricks are all a 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from corrections.api.parsers import MAX_DEPTH, too_deep
from corrections.domain.text import is_blank, parse_id
from corrections.models import Comment, Event

from .review_support import report


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/harbour-bridge/comments/",
        "/api/v1/articles/harbour-bridge/suggestions/",
        "/api/v1/articles/harbour-bridge/revisions/",
        "/api/v1/articles/",
    ],
)
def test_json_nested_a_thousand_deep_is_a_400(editor_api: APIClient, article: str, path: str) -> None:
    """A 4 KB body of nested brackets is refused as malformed, not a RecursionError."""
    body = '{"body": ' + nested(1000) + "}"
    response = editor_api.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_nesting_is_counted_outside_strings_only(editor_api: APIClient, article: str) -> None:
    """Brackets inside a comment's text are just text."""
    response = editor_api.post(
        f"/api/v1/articles/{article}/comments/", {"body": "[" * 200 + " ]]]", "name": "Ann"}, format="json"
    )
    assert response.status_code == 201
    assert not too_deep(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}')
    assert too_deep(nested(MAX_DEPTH + 1).encode()) and not too_deep(nested(MAX_DEPTH).encode())


@pytest.mark.parametrize("who", ["²", "٣", "1" * 40, "-1", "0", 10**30, True, ["1"], {"a": 1}, "\x00"])
def test_odd_editor_ids_are_refused_with_a_4xx(editor_api: APIClient, article: str, who: Any) -> None:
    """Superscript digits, Arabic-Indic digits, huge numbers and non-strings never reach int() or the database."""
    item = report(article, "Jon Smith", "John Smith")
    response = editor_api.post(f"/api/v1/review/suggestions/{item}/assign/", {"editor": who}, format="json")
    assert 400 <= response.status_code < 500, response.content


def test_the_assign_error_never_names_who_is_behind_an_id(editor_api: APIClient, article: str) -> None:
    """A non-editor's id and an unknown id get the same answer: no username is revealed."""
    reader = get_user_model().objects.create_user("secret-reader", "r@example.com", "pw-pw-pw-pw")
    item = report(article, "Jon Smith", "John Smith")
    url = f"/api/v1/review/suggestions/{item}/assign/"
    known = editor_api.post(url, {"editor": str(reader.pk)}, format="json")
    unknown = editor_api.post(url, {"editor": "987654"}, format="json")
    assert known.status_code == unknown.status_code == 422
    assert "secret-reader" not in known.content.decode()
    assert known.json()["detail"].replace(str(reader.pk), "N") == unknown.json()["detail"].replace("987654", "N")


@pytest.mark.parametrize("value", ["²", "٣", "1" * 40])
def test_odd_digits_in_a_filter_are_not_an_error(editor_api: APIClient, value: str) -> None:
    """The queue's assignee filter treats anything that is not an ASCII id as a username."""
    assert editor_api.get("/api/v1/review/suggestions/", {"assignee": value}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/suggestions/%00/",
        "/suggestions/%00/",
        "/api/v1/comments/%00/flag/",
        "/api/v1/review/suggestions/%00/",
        "/api/v1/suggestions/a%01b/",
    ],
)
def test_control_characters_in_a_path_are_a_404(editor_api: APIClient, path: str) -> None:
    """A NUL or other control character in a path parameter matches no address."""
    assert editor_api.get(path).status_code == 404
    assert editor_api.post(path, {}, format="json").status_code == 404


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d\ufeff", " \u2060 ", "\u3164", "\u00ad\u034f"])
def test_a_name_of_invisible_characters_is_refused(api: APIClient, article: str, name: str) -> None:
    """A name nobody could see is no name: 400 on the API, the form shows the error."""
    response = api.post(f"/api/v1/articles/{article}/comments/", {"body": "Hello.", "name": name}, format="json")
    assert response.status_code == 400 and "name" in response.json()["fields"]
    page = Client().post(f"/articles/{article}/comments/", {"body": "Hello.", "name": name})
    assert page.status_code == 400
    assert not Comment.objects.exists()
    suggestion = api.post(
        f"/api/v1/articles/{article}/suggestions/",
        {"exact": "Jon Smith", "suggestion": "John Smith", "name": name},
        format="json",
    )
    assert suggestion.status_code == 400 and "name" in suggestion.json()["fields"]


@pytest.mark.parametrize(
    "trick", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\x07", "\x85", "\x1b[31m"]
)
def test_control_and_bidi_override_characters_are_refused(api: APIClient, article: str, trick: str) -> None:
    """A comment or name that would display as something else, or carry terminal escapes, is refused."""
    for data in ({"body": f"Nice {trick}txt.exe", "name": "Ann"}, {"body": "Nice.", "name": f"An{trick}n"}):
        response = api.post(f"/api/v1/articles/{article}/comments/", data, format="json")
        assert 400 <= response.status_code < 500, response.content
        assert "text-direction" in response.json()["detail"] or "control" in response.json()["detail"]
    response = api.post(
        f"/api/v1/articles/{article}/suggestions/",
        {"exact": "Jon Smith", "suggestion": "John Smith", "comment": f"see {trick} here"},
        format="json",
    )
    assert response.status_code == 400
    assert not Event.objects.filter(type__in=("CommentPosted", "SuggestionReceived")).exists()


def test_joiners_and_direction_marks_inside_real_text_are_kept(api: APIClient, article: str) -> None:
    """Emoji sequences and right-to-left names need joiners and marks: those are allowed."""
    name, body = "\u05d3\u05e0\u05d4\u200f", "Family: \U0001f468\u200d\U0001f469\u200d\U0001f467"
    response = api.post(f"/api/v1/articles/{article}/comments/", {"body": body, "name": name}, format="json")
    assert response.status_code == 201
    assert (response.json()["author_name"], response.json()["body"]) == (name, body)


def test_ids_parse_from_ascii_digits_only() -> None:
    """parse_id never raises and accepts only what a database id can be."""
    assert [parse_id(v) for v in ("12", 12, "²", "٣", "0", "-3", "1" * 20, None, True, 1.5)] == [12, 12] + [None] * 8
    assert is_blank("\u200b \u2060") and not is_blank("a\u200b")
