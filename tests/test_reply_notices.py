"""Reply notices cannot make the desk a relay: confirmed addresses only, one e-mail an hour, no name in the subject."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corrections.models import CommentAuthor, Notification
from corrections.services import notifications
from corrections.throttles import CommentThrottle

from .test_notifications import comment, confirm_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings: Any, monkeypatch: Any) -> None:
    settings.SITE_URL = "https://news.example"
    settings.DESK_EMAIL = []
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    def run(action: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_an_unconfirmed_address_gets_only_the_confirmation(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """Someone puts a victim's address on their comment: the victim gets one 'confirm?' e-mail and no replies."""
    mine = committed(lambda: comment(api, article, "Bait.", email="victim@example.org"))
    for n in range(5):
        committed(lambda n=n: comment(api, article, f"Spam {n}", name="Buy pills at spam.example", parent=mine["id"]))
    [mail] = mailoutbox
    assert mail.to == ["victim@example.org"] and "Confirm your address" in mail.subject
    assert "spam.example" not in mail.subject + mail.body
    assert not Notification.objects.filter(kind=Notification.COMMENT_REPLY).exists()


def test_confirmation_e_mails_go_at_most_once_a_day_per_address(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """Many comments with one address ask that address to confirm only once a day."""
    for n in range(4):
        committed(lambda n=n: comment(api, article, f"Comment {n}.", email="Victim@Example.org"))
    assert len(mailoutbox) == 1


def test_the_confirmation_link_works_once_clicked_and_is_unguessable(api: Any, article: str, committed: Any) -> None:
    """The link confirms with one click; a made-up token is a 404."""
    mine = committed(lambda: comment(api, article, "Mine.", email="ann@example.org"))
    token = CommentAuthor.objects.get(comment_id=mine["id"]).confirm_token
    assert len(token) >= 40
    assert Client().get("/comments/confirm/made-up/").status_code == 404
    assert Client().get(f"/comments/confirm/{token}/").status_code == 200
    assert CommentAuthor.objects.get(comment_id=mine["id"]).confirmed_at is not None


def test_at_most_one_reply_e_mail_an_hour_then_the_rest_together(
    api: Any, article: str, committed: Any, mailoutbox: Any, monkeypatch: Any
) -> None:
    """Ten replies in a minute make one e-mail now and one more an hour later with the other nine."""
    mine = committed(lambda: comment(api, article, "Mine.", email="ann@example.org"))
    confirm_address(mine["id"], mailoutbox)
    for n in range(10):
        committed(lambda n=n: comment(api, article, f"Reply {n}.", name=f"Replier {n}", parent=mine["id"]))
    [first] = mailoutbox
    assert "Reply 0." in first.body and "Reply 1." not in first.body
    assert (
        "Replier" not in first.subject
        and first.subject == "New reply to your comment on “Harbour bridge to be rebuilt”"
    )
    [later] = Notification.objects.filter(kind=Notification.COMMENT_REPLY, status=Notification.PENDING)
    assert later.due_at >= timezone.now() + timedelta(minutes=55)
    assert len(later.payload["comment_ids"]) == 9
    assert notifications.relay() == 0  # not due yet
    Notification.objects.filter(pk=later.pk).update(due_at=timezone.now() - timedelta(minutes=5), enqueued_at=None)
    assert notifications.relay() == 1
    second = mailoutbox[1]
    assert second.subject == "New replies to your comment on “Harbour bridge to be rebuilt”"
    assert all(f"Reply {n}." in second.body for n in range(1, 10))
