"""Notifications go out through the outbox: the desk, readers and commenters hear once, nothing is lost.

Celery runs eagerly here (no broker); the integration with a real worker and
Redis is in test_celery_worker.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from corrections import store
from corrections.api.comments import CommentThrottle
from corrections.models import Article, Notification, Suggestion, SuggestionTicket
from corrections.services import notifications
from corrections.tasks import deliver_notification, relay_pending, send_daily_digest

from .review_support import make_editor

pytestmark = pytest.mark.django_db

DESK = ["desk@paper.example", "night-desk@paper.example"]


@pytest.fixture(autouse=True)
def _site(settings: Any, monkeypatch: Any) -> None:
    settings.SITE_URL = "https://news.example"
    settings.DESK_EMAIL = DESK
    settings.NOTIFY_DESK_IMMEDIATELY = True
    settings.NOTIFY_WEBHOOK_URL = ""
    settings.NOTIFY_MAX_ATTEMPTS = 3
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run a request and then its on-commit hooks, as a real commit would (the test's transaction never commits)."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def suggest(api: Any, slug: str, exact: str = "Jon Smith", fix: str = "John Smith", **fields: Any) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/articles/{slug}/suggestions/", {"exact": exact, "suggestion": fix, **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def accept(editor_api: Any, suggestion_id: str, reply: str = "") -> None:
    version = Article.objects.get().version
    response = editor_api.post(
        f"/api/v1/review/suggestions/{suggestion_id}/accept/",
        {"expected_version": version, "reply": reply, "note": "The mayor's name was misspelt."},
        format="json",
    )
    assert response.status_code == 200, response.content


def reject(editor_api: Any, suggestion_id: str, reply: str = "") -> None:
    response = editor_api.post(
        f"/api/v1/review/suggestions/{suggestion_id}/reject/",
        {"reason": "The spelling is right.", "reply": reply},
        format="json",
    )
    assert response.status_code == 200, response.content


def comment(api: Any, slug: str, body: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"/api/v1/articles/{slug}/comments/", {"body": body, "name": "Ann", **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def confirm_address(comment_id: str, mailoutbox: Any) -> None:
    """The commenter clicks the link in the confirmation e-mail (and that e-mail is set aside)."""
    from corrections.models import CommentAuthor

    token = CommentAuthor.objects.get(comment_id=comment_id).confirm_token
    assert any(token in mail.body for mail in mailoutbox)
    assert Client().get(f"/comments/confirm/{token}/").status_code == 200
    mailoutbox.clear()


def rows(**filters: Any) -> list[Notification]:
    return list(Notification.objects.filter(**filters).order_by("id"))


class FailingBackend(BaseEmailBackend):
    """An SMTP server that hangs up on every message."""

    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        FailingBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


# --- The rules ----------------------------------------------------------------------


def test_a_new_suggestion_emails_the_desk_at_once(api: Any, article: str, committed: Any, mailoutbox: Any) -> None:
    """When a reader suggests a fix, the desk gets one e-mail with the quote, the fix and a link to review it."""
    created = committed(lambda: suggest(api, article, comment="It is spelt John."))
    [mail] = mailoutbox
    assert mail.to == DESK
    assert "Harbour bridge to be rebuilt" in mail.subject
    assert "Jon Smith" in mail.body and "John Smith" in mail.body and "It is spelt John." in mail.body
    assert f"https://news.example/admin/corrections/suggestion/{created['id']}/change/" in mail.body
    [row] = rows()
    assert (row.kind, row.status, row.recipient, row.attempts) == (Notification.DESK_SUGGESTION, "sent", "desk", 1)
    assert row.event_type == "SuggestionReceived" and row.sent_at is not None
    # No personal data in the outbox: the reader's e-mail is not copied into the row.
    created = committed(lambda: suggest(api, article, "two years", "three years", email="reader@example.org"))
    assert "reader@example.org" not in json.dumps([r.payload for r in rows()]) + str([r.recipient for r in rows()])


def test_the_desk_can_turn_immediate_emails_off(
    api: Any, article: str, committed: Any, mailoutbox: Any, settings: Any
) -> None:
    """With NOTIFY_DESK_IMMEDIATELY off (or no DESK_EMAIL) a suggestion writes no desk notice."""
    settings.NOTIFY_DESK_IMMEDIATELY = False
    committed(lambda: suggest(api, article))
    settings.NOTIFY_DESK_IMMEDIATELY = True
    settings.DESK_EMAIL = []
    committed(lambda: suggest(api, article, "two years", "three years"))
    assert rows() == [] and mailoutbox == []


def test_every_reporter_with_an_email_hears_the_decision_with_the_reply_and_their_status_link(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """An accepted suggestion e-mails each reader who reported it and left an address, each with their own link."""
    first = committed(lambda: suggest(api, article, email="ann@example.org", name="Ann"))
    second = committed(lambda: suggest(api, article, email="bob@example.org"))
    committed(lambda: suggest(api, article))  # a third reader who left no address
    assert first["id"] == second["id"]
    mailoutbox.clear()
    committed(lambda: accept(editor_api, first["id"], reply="Thank you, we have corrected the name."))
    by_reader = {mail.to[0]: mail for mail in mailoutbox}
    assert sorted(by_reader) == ["ann@example.org", "bob@example.org"]
    ann, bob = by_reader["ann@example.org"], by_reader["bob@example.org"]
    assert "was accepted" in ann.subject and "Harbour bridge to be rebuilt" in ann.subject
    assert ann.body.startswith("Hello Ann,") and bob.body.startswith("Hello,")
    assert "Thank you, we have corrected the name." in ann.body
    assert f"https://news.example/suggestions/{first['token']}/" in ann.body
    assert f"https://news.example/suggestions/{second['token']}/" in bob.body
    assert first["token"] not in bob.body
    assert len(rows(kind=Notification.READER_DECISION, status="sent")) == 2


def test_readers_of_a_closed_duplicate_hear_when_the_original_is_decided(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """A reader whose report was closed as a duplicate still hears the outcome of the one it duplicated."""
    original = committed(lambda: suggest(api, article, email="ann@example.org"))
    duplicate = committed(lambda: suggest(api, article, "Jon", "John", email="bob@example.org", prefix="mayor, "))
    response = editor_api.post(
        f"/api/v1/review/suggestions/{duplicate['id']}/duplicate/", {"of": original["id"]}, format="json"
    )
    assert response.status_code == 200, response.content
    mailoutbox.clear()
    committed(lambda: reject(editor_api, original["id"], reply="The council's own spelling is Jon."))
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ann@example.org", "bob@example.org"]
    assert all("The council's own spelling is Jon." in mail.body for mail in mailoutbox)
    assert all("decided not to change" in mail.body for mail in mailoutbox)


def test_one_event_never_yields_two_notifications_for_one_recipient(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """Running the rules twice over one event (a retried transaction, a replay) adds no second row or e-mail."""
    committed(lambda: suggest(api, article))
    [recorded] = [r for r in store.read_stream(Article.objects.get().id) if r.type == "SuggestionReceived"]
    committed(lambda: notifications.react(recorded))
    assert len(rows()) == 1 and len(mailoutbox) == 1


# --- Delivery: once, retried, failed -------------------------------------------------


def test_running_the_delivery_task_twice_sends_one_email(
    api: Any, article: str, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The same task delivered twice by the broker sends the e-mail once."""
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        suggest(api, article)
    [row] = rows()
    first = deliver_notification.apply(args=[row.id])
    second = deliver_notification.apply(args=[row.id])
    assert (first.get(), second.get()) == ("sent", "not claimed")
    for hook in hooks:  # the original on-commit enqueue, arriving late
        hook()
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert (
        mailoutbox[0].extra_headers["Message-ID"] == f"<event.{row.event_position}.desk_suggestion.desk@news.example>"
    )


def test_a_row_another_worker_is_sending_is_left_alone_until_its_claim_lapses(
    api: Any, article: str, mailoutbox: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """While a worker holds the claim, no second task or relay sends it; once its lease lapses, the relay does."""
    settings.NOTIFY_RELAY_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=False):
        suggest(api, article)
    [row] = rows()
    Notification.objects.filter(id=row.id).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert deliver_notification.apply(args=[row.id]).get() == "not claimed"
    assert relay_pending.apply().get() == 0
    assert mailoutbox == []
    # The worker that claimed it died: its lease runs out and the relay hands the row on.
    Notification.objects.filter(id=row.id).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert relay_pending.apply().get() == 1
    assert len(mailoutbox) == 1


def test_a_failing_mail_server_is_retried_then_the_notice_is_marked_failed_with_its_error(
    api: Any, article: str, committed: Any, mailoutbox: Any, settings: Any, client: Client
) -> None:
    """After NOTIFY_MAX_ATTEMPTS failed attempts the row is failed, keeps the error, and an editor can retry it."""
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    settings.NOTIFY_RELAY_GRACE_SECONDS = 0
    FailingBackend.calls = 0
    committed(lambda: suggest(api, article))  # 201: the reader never sees the mail server's trouble
    [row] = rows()
    assert (FailingBackend.calls, row.status, row.attempts) == (1, "pending", 1)
    relay_when_due(times=2)
    row.refresh_from_db()
    assert FailingBackend.calls == 3
    assert (row.status, row.attempts, row.claimed_until) == ("failed", 3, None)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in row.last_error

    # An editor sees it in the admin, filtered by status, and retries it once the server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(make_editor("nightdesk"))
    page = client.get("/admin/corrections/notification/?status__exact=failed")
    assert page.status_code == 200
    assert "SMTPServerDisconnected" in page.content.decode()
    committed(
        lambda: client.post(
            "/admin/corrections/notification/", {"action": "retry_failed", "_selected_action": [row.id]}, follow=True
        )
    )
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(mailoutbox) == 1


def test_the_outbox_is_read_only_in_the_admin(api: Any, article: str, committed: Any, client: Client) -> None:
    """Editors can look at notifications but cannot add, change or delete them."""
    committed(lambda: suggest(api, article))
    [row] = rows()
    client.force_login(make_editor("nightdesk"))
    assert client.get(f"/admin/corrections/notification/{row.id}/change/").status_code == 200
    assert client.get("/admin/corrections/notification/add/").status_code == 403
    assert client.post(f"/admin/corrections/notification/{row.id}/delete/").status_code == 403
    response = client.post(f"/admin/corrections/notification/{row.id}/change/", {"status": "pending"})
    assert response.status_code == 403
    assert Notification.objects.get(id=row.id).status == "sent"


def test_with_the_broker_down_submissions_succeed_and_the_relay_sends_everything_later(
    api: Any, article: str, committed: Any, mailoutbox: Any, monkeypatch: Any, settings: Any
) -> None:
    """A broker outage loses nothing: the reader's request succeeds, the rows wait, the relay sends each once."""
    settings.NOTIFY_RELAY_GRACE_SECONDS = 0

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(deliver_notification, "apply_async", broker_down)
    committed(lambda: suggest(api, article))
    committed(lambda: suggest(api, article, "two years", "three years"))
    assert [row.status for row in rows()] == ["pending", "pending"] and mailoutbox == []

    monkeypatch.undo()
    assert relay_pending.apply().get() == 2
    assert relay_pending.apply().get() == 0
    assert len(mailoutbox) == 2 and {row.status for row in rows()} == {"sent"}


# --- Erasure ------------------------------------------------------------------------


def test_a_reader_whose_email_was_erased_gets_no_mail(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An address erased before delivery is never used, even if the notice was already queued."""
    created = committed(lambda: suggest(api, article, email="ann@example.org"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        accept(editor_api, created["id"], reply="Fixed, thank you.")
    [row] = rows(kind=Notification.READER_DECISION)
    SuggestionTicket.objects.filter(token=created["token"]).update(email="")  # erased on request
    for hook in hooks:
        hook()
    row.refresh_from_db()
    assert mailoutbox == []
    assert row.status == "skipped" and "erased" in row.last_error


def test_an_address_erased_before_the_decision_writes_no_notice(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """A reader whose address is gone by the time of the decision is simply not a recipient."""
    created = committed(lambda: suggest(api, article, email="ann@example.org"))
    SuggestionTicket.objects.filter(token=created["token"]).delete()
    committed(lambda: reject(editor_api, created["id"], reply="No."))
    assert rows(kind=Notification.READER_DECISION) == []


# --- Comment replies ------------------------------------------------------------------


def test_a_reply_emails_the_author_of_the_comment_it_answers(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """A commenter who left an address hears when someone replies, with the reply and a link to it."""
    parent = committed(lambda: comment(api, article, "Good news for cyclists.", email="ann@example.org"))
    confirm_address(parent["id"], mailoutbox)
    committed(lambda: comment(api, article, "And for walkers.", name="Bob"))  # not a reply: no notice
    reply = committed(lambda: comment(api, article, "Not for drivers, though.", name="Bob", parent=parent["id"]))
    [mail] = mailoutbox
    assert mail.to == ["ann@example.org"]
    assert mail.subject == "New reply to your comment on “Harbour bridge to be rebuilt”"
    assert "Not for drivers, though." in mail.body
    assert f"https://news.example/articles/{article}/#comment-{reply['id']}" in mail.body


def test_replies_to_authors_without_an_address_or_to_oneself_send_nothing(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """No address, no e-mail; and nobody is told about their own reply."""
    anonymous = committed(lambda: comment(api, article, "Good news."))
    committed(lambda: comment(api, article, "Agreed.", name="Bob", parent=anonymous["id"]))
    assert rows() == []
    mine = committed(lambda: comment(api, article, "Good news.", email="ann@example.org"))
    confirm_address(mine["id"], mailoutbox)
    committed(lambda: comment(api, article, "Adding to myself.", email="Ann@example.org", parent=mine["id"]))
    [row] = rows(kind=Notification.COMMENT_REPLY)
    assert row.status == "skipped" and mailoutbox == []


def test_a_held_reply_is_announced_once_when_an_editor_approves_it(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any, settings: Any
) -> None:
    """Under pre-moderation the author hears of a reply when it is shown, and only once."""
    parent = committed(lambda: comment(api, article, "Good news.", email="ann@example.org"))
    confirm_address(parent["id"], mailoutbox)
    settings.COMMENT_MODERATION = "pre"
    reply = committed(lambda: comment(api, article, "Not for drivers.", name="Bob", parent=parent["id"]))
    assert reply["status"] == "pending" and mailoutbox == [] and rows(kind=Notification.COMMENT_REPLY) == []
    approve = f"/api/v1/review/comments/{reply['id']}/approve/"
    assert committed(lambda: editor_api.post(approve)).status_code == 200
    assert len(mailoutbox) == 1
    # Flagged later and kept by an editor: approved again, but no second notice.
    assert committed(lambda: api.post(f"/api/v1/comments/{reply['id']}/flag/", {}, format="json")).status_code in (
        200,
        201,
    )
    assert committed(lambda: editor_api.post(approve)).status_code == 200
    assert len(mailoutbox) == 1 and len(rows(kind=Notification.COMMENT_REPLY)) == 1


# --- Webhook --------------------------------------------------------------------------


class Hook:
    """A tiny HTTP server on 127.0.0.1 that records what it receives and answers with the given statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses = statuses
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append((dict(self.headers), body))
                self.send_response(hook.statuses.pop(0) if hook.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/newsdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def hook(settings: Any) -> Iterator[Hook]:
    with Hook(statuses=[]) as server:
        settings.NOTIFY_WEBHOOK_URL = server.url
        settings.NOTIFY_WEBHOOK_SECRET = "chat-tool-secret"
        yield server


def relay_when_due(*, times: int) -> None:
    """Run the relay ``times`` times, each once the pending rows' backoff has run out."""
    for _ in range(times):
        Notification.objects.filter(status=Notification.PENDING).update(due_at=timezone.now() - timedelta(seconds=1))
        relay_pending.apply().get()


def verified(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    expected = "sha256=" + hmac.new(b"chat-tool-secret", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Newsdesk-Signature"], expected)
    return json.loads(body)


def test_a_chat_tool_gets_a_signed_webhook_for_new_suggestions_and_decisions(
    api: Any, editor_api: Any, article: str, committed: Any, hook: Hook
) -> None:
    """The webhook body is signed with HMAC-SHA256 of the body, so the receiver can check it came from us."""
    created = committed(lambda: suggest(api, article))
    committed(lambda: reject(editor_api, created["id"], reply="The spelling is right."))
    assert len(hook.received) == 2
    (first_headers, first_body), (second_headers, second_body) = hook.received
    received = verified(first_headers, first_body)
    assert received["event"] == "SuggestionReceived" and first_headers["X-Newsdesk-Event"] == "SuggestionReceived"
    assert received["data"]["exact"] == "Jon Smith" and received["data"]["suggestion"] == "John Smith"
    assert received["article"]["url"] == f"https://news.example/articles/{article}/"
    assert "Harbour bridge to be rebuilt" in received["text"]
    rejected = verified(second_headers, second_body)
    assert rejected["event"] == "SuggestionRejected" and rejected["data"]["reply"] == "The spelling is right."
    # A tampered body no longer matches its signature.
    with pytest.raises(AssertionError):
        verified(first_headers, first_body.replace(b"Jon Smith", b"Jim Smith"))


def test_a_webhook_that_answers_with_an_error_is_retried_with_the_same_delivery(
    api: Any, article: str, committed: Any, hook: Hook, settings: Any
) -> None:
    """A receiver that fails once gets the same signed body again, with the same delivery id to deduplicate on."""
    hook.statuses[:] = [503]
    settings.NOTIFY_RELAY_GRACE_SECONDS = 0
    committed(lambda: suggest(api, article))
    assert len(hook.received) == 1
    relay_when_due(times=1)
    assert len(hook.received) == 2
    (first_headers, first_body), (second_headers, second_body) = hook.received
    assert first_body == second_body
    assert first_headers["X-Newsdesk-Delivery"] == second_headers["X-Newsdesk-Delivery"]
    [row] = rows(kind=Notification.WEBHOOK)
    assert (row.status, row.attempts) == ("sent", 2)


def test_an_unreachable_webhook_does_not_hold_up_a_readers_suggestion(
    api: Any, article: str, committed: Any, settings: Any
) -> None:
    """Without a broker, a receiver that is down costs the reader one attempt; the row waits for the relay."""
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{port}/hooks/newsdesk"
    created = committed(lambda: suggest(api, article))
    assert created["id"]
    [row] = rows(kind=Notification.WEBHOOK)
    assert (row.status, row.attempts, row.enqueued_at) == ("pending", 1, None)
    assert "URLError" in row.last_error and row.due_at > timezone.now()


# --- Daily digest -----------------------------------------------------------------------


def test_the_desk_gets_one_daily_digest_of_the_suggestions_since_the_last(
    api: Any, article: str, committed: Any, mailoutbox: Any, settings: Any
) -> None:
    """Beat sends the desk one digest a day listing the suggestions received since the previous one."""
    settings.NOTIFY_DESK_IMMEDIATELY = False
    yesterday = committed(lambda: suggest(api, article))
    Suggestion.objects.filter(id=yesterday["id"]).update(received_at=timezone.now() - timedelta(hours=3))
    committed(lambda: send_daily_digest.apply())
    committed(lambda: send_daily_digest.apply())  # beat firing twice
    [digest] = mailoutbox
    assert digest.to == DESK and "digest" in digest.subject
    assert "1 new suggestion(s)" in digest.body and "Jon Smith" in digest.body

    mailoutbox.clear()
    committed(lambda: suggest(api, article, "two years", "three years"))
    tomorrow = timezone.now() + timedelta(days=1)
    committed(lambda: notifications.digest_create(now=tomorrow))
    [digest] = mailoutbox
    assert "two years" in digest.body and "Jon Smith" not in digest.body
    assert len(rows(kind=Notification.DESK_DIGEST)) == 2


def test_beat_runs_the_relay_and_the_digest(settings: Any) -> None:
    """The beat schedule names tasks the worker knows: the relay every 30 seconds, the digest once a day."""
    from newsdesk.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["notifications-relay"]["schedule"] == 30.0
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    assert deliver_notification.acks_late and deliver_notification.max_retries >= 1
