"""Abuse limits: logged-in readers are throttled per account, and one person flags one comment once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from corrections.api.comments import CommentThrottle
from corrections.api.suggestions import SuggestionThrottle
from corrections.models import Comment, Event


def reader(name: str) -> APIClient:
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-12345!")
    client = APIClient()
    client.force_authenticate(user)
    return client


def comment(client: Any, slug: str, body: str = "Hello.") -> Any:
    return client.post(f"/api/v1/articles/{slug}/comments/", {"body": body, "name": "Ann"}, format="json")


def flag(client: Any, comment_id: str, **extra: Any) -> Any:
    return client.post(f"/api/v1/comments/{comment_id}/flag/", {"reason": "spam"}, format="json", **extra)


def test_a_logged_in_reader_is_throttled_per_account(article: str, monkeypatch: Any) -> None:
    """Logging in does not lift the limit: past COMMENT_RATE the account gets 429, another account does not."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "3/minute"})
    ann, bob = reader("ann"), reader("bob")
    assert [comment(ann, article).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert comment(bob, article).status_code == 201
    assert Event.objects.filter(type="CommentPosted").count() == 4


def test_an_account_shares_its_budget_across_addresses(article: str, monkeypatch: Any) -> None:
    """Changing IP address does not give a logged-in reader a fresh allowance."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1/minute"})
    ann = reader("ann")
    assert comment(ann, article).status_code == 201
    response = ann.post(
        f"/api/v1/articles/{article}/comments/",
        {"body": "Again.", "name": "Ann"},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429


def test_flags_are_throttled_for_logged_in_readers(article: str, monkeypatch: Any) -> None:
    """A logged-in reader cannot flag comment after comment past the rate."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "100/minute"})
    ids = [comment(APIClient(), article, f"Comment {n}.").json()["id"] for n in range(4)]
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "2/minute"})
    ann = reader("ann")
    assert [flag(ann, pk).status_code for pk in ids] == [201, 201, 429, 429]


def test_suggestions_are_throttled_per_account(article: str, settings: Any, monkeypatch: Any) -> None:
    """A logged-in reader's reports count against their account."""
    monkeypatch.setattr(SuggestionThrottle, "THROTTLE_RATES", {"suggestions": "1/minute"}, raising=False)
    from rest_framework.settings import api_settings

    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "suggestions", "1/minute")
    ann = reader("ann")
    url = f"/api/v1/articles/{article}/suggestions/"
    assert ann.post(url, {"exact": "Jon Smith", "suggestion": "John Smith"}, format="json").status_code == 201
    response = ann.post(url, {"exact": "two years", "suggestion": "three years"}, format="json", REMOTE_ADDR="1.2.3.4")
    assert response.status_code == 429


def test_one_account_flags_one_comment_once(article: str, monkeypatch: Any) -> None:
    """Fifty flags on one comment by one reader make one flag; a second reader's flag still counts."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})
    target = comment(APIClient(), article).json()["id"]
    ann = reader("ann")
    answers = [flag(ann, target).status_code for _ in range(50)]
    assert answers[0] == 201 and set(answers[1:]) == {409}
    assert "already" in flag(ann, target).json()["detail"]
    assert flag(reader("bob"), target).status_code == 201
    assert Comment.objects.get(id=target).flag_count == 2
    assert Event.objects.filter(type="CommentFlagged").count() == 2


def test_one_anonymous_client_flags_one_comment_once(article: str, monkeypatch: Any) -> None:
    """Without a login the client's address (as a keyed pseudonym) is the person; the page answers as before."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})
    target = comment(APIClient(), article).json()["id"]
    assert flag(APIClient(), target).status_code == 201
    assert flag(APIClient(), target).status_code == 409
    assert flag(APIClient(), target, REMOTE_ADDR="198.51.100.7").status_code == 201
    page = Client().post(f"/articles/{article}/comments/{target}/flag/", {"reason": "again"})
    assert page.status_code == 302
    assert Comment.objects.get(id=target).flag_count == 2


@pytest.mark.parametrize("name", ["ann"])
def test_the_flag_mark_holds_no_address(article: str, monkeypatch: Any, name: str) -> None:
    """What is kept to recognise a repeat flagger is an account id or a keyed digest, never the address."""
    from corrections.models import FlagMark

    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})
    target = comment(APIClient(), article).json()["id"]
    flag(APIClient(), target, REMOTE_ADDR="192.0.2.77")
    [mark] = FlagMark.objects.all()
    assert "192.0.2.77" not in mark.flagger and mark.flagger.startswith("client:")
