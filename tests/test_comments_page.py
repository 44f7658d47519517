"""Readers read and write comments under the article on its page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from corrections.api.comments import CommentThrottle
from corrections.models import Comment, Event
from corrections.selectors import comments as comment_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_throttle(monkeypatch: Any) -> None:
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


def page(client: Any, slug: str, query: str = "") -> str:
    response = client.get(f"/articles/{slug}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """The page as a reader reads it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def submit(client: Any, slug: str, **fields: Any) -> Any:
    return client.post(f"/articles/{slug}/comments/", {"body": "Nice.", "name": "Ann", **fields})


def test_an_article_without_comments_invites_the_first_one(client: Any, article: str) -> None:
    """The page says 'Comments (0) — Write the first comment' and shows the form."""
    html = page(client, article)
    assert "Comments (0) — Write the first comment" in text(html)
    assert 'id="comment-form"' in html and 'action="/articles/harbour-bridge/comments/"' in html
    assert 'name="website"' in html  # the honeypot, hidden from people


def test_a_reader_comments_from_the_page(article: str) -> None:
    """The form posts with its CSRF token; the reader lands back on the article and sees the comment."""
    client = Client(enforce_csrf_checks=True)
    page(client, article)
    assert submit(client, article).status_code == 403  # no CSRF token
    token = client.cookies["csrftoken"].value
    response = submit(client, article, body="Finally!", csrfmiddlewaretoken=token)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article}/#comment-{comment.id}"
    html = page(client, f"{article}")
    assert "Comments (1)" in text(html) and "Write the first comment" not in html
    assert "Thank you. Your comment is posted." in html
    assert f'id="comment-{comment.id}"' in html and "Finally!" in html
    assert "Thank you" not in page(client, article)  # a reload does not thank again


def test_the_count_and_the_nested_replies(client: Any, article: str) -> None:
    """With comments and replies the heading counts them all and replies sit under their comment."""
    submit(client, article, body="Top one.", name="Ann")
    top = Comment.objects.get()
    submit(client, article, body="A reply.", name="Ben", parent=str(top.id))
    reply = Comment.objects.get(parent=top)
    submit(client, article, body="Reply to Ben.", name="Cy", parent=str(reply.id))
    submit(client, article, body="Top two.", name="Dee")
    html = page(client, article)
    assert "Comments (4)" in text(html)
    replies = html.split(f'id="comment-{top.id}"')[1].split('class="comment"')[0]
    assert "A reply." in replies and "Reply to Ben." in replies and "Top two." not in replies
    assert "in reply to Ben" in text(replies)


def test_comments_are_shown_as_plain_text(client: Any, article: str) -> None:
    """Markup in a comment or a name is shown as text, never run."""
    submit(client, article, body="<script>alert(1)</script>\n<b>bold</b>", name="<img src=x onerror=alert(2)>")
    html = page(client, article)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_a_refused_comment_keeps_the_readers_text(client: Any, article: str) -> None:
    """Without a name the page comes back (400) with the text typed so far and the reason; nothing is written."""
    response = submit(client, article, body="My long thought.", name="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "My long thought.</textarea>" in html
    assert "Give your name to comment without logging in." in html
    assert not Event.objects.filter(type="CommentPosted").exists()


def test_the_honeypot_refuses_robots_on_the_page(client: Any, article: str) -> None:
    """A form with the hidden honeypot filled in is refused with 400 and writes nothing."""
    response = submit(client, article, website="http://spam.example")
    assert response.status_code == 400
    assert "catch spam robots" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_retracted_article_closes_its_comments(client: Any, editor_api: Any, article: str) -> None:
    """On a retracted article the form is replaced by a note, and a post is refused."""
    submit(client, article, body="Said before.")
    editor_api.post(
        f"/api/v1/articles/{article}/retraction/", {"note": "Withdrawn.", "expected_version": 2}, format="json"
    )
    html = page(client, article)
    assert "Comments are closed because this article has been retracted." in html
    assert 'id="comment-form"' not in html and "Post reply" not in html
    assert "Said before." in html and "Comments (1)" in text(html)
    response = submit(client, article, body="Too late.")
    assert response.status_code == 422
    assert Comment.objects.count() == 1


def test_pre_moderation_tells_readers_their_comment_is_waiting(
    client: Any, editor_api: Any, article: str, settings: Any
) -> None:
    """Under pre-moderation the reader is told the comment waits for approval, and the page says how many wait."""
    settings.COMMENT_MODERATION = "pre"
    assert "appear once an editor has approved them" in page(client, article)
    response = submit(client, article, body="Waiting text.")
    assert response["Location"] == f"/articles/{article}/#comments"
    html = page(client, article)
    assert "will appear once an editor approves it" in html
    assert "1 comment awaits moderation." in html
    assert "Waiting text." not in html and "Comments (0)" in text(html)
    editor_api.post(f"/api/v1/review/comments/{Comment.objects.get().id}/approve/")
    html = page(client, article)
    assert "Waiting text." in html and "awaits moderation" not in html and "Comments (1)" in text(html)


def test_a_hidden_comment_leaves_the_page(client: Any, editor_api: Any, article: str) -> None:
    """Once an editor hides a comment, its text leaves the page and the count."""
    submit(client, article, body="Something nasty.")
    editor_api.post(f"/api/v1/review/comments/{Comment.objects.get().id}/hide/", {"reason": "Abuse."}, format="json")
    html = page(client, article)
    assert "Something nasty." not in html and "Comments (0)" in text(html)


def test_a_reader_reports_a_comment_from_the_page(client: Any, article: str) -> None:
    """A reader reports a comment from the page and lands back on it; an unknown comment is 404."""
    submit(client, article)
    comment = Comment.objects.get()
    response = client.post(f"/articles/{article}/comments/{comment.id}/flag/", {"reason": "Spam."})
    assert response.status_code == 302 and response["Location"] == f"/articles/{article}/#comment-{comment.id}"
    assert "An editor will look at that comment." in page(client, article)
    comment.refresh_from_db()
    assert comment.flag_count == 1
    assert client.post(f"/articles/{article}/comments/nope/flag/").status_code == 404


def test_posting_too_fast_from_the_page_is_refused(client: Any, article: str, monkeypatch: Any) -> None:
    """Past the rate the page answers 429 with Retry-After and keeps the text."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1/minute"})
    assert submit(client, article).status_code == 302
    response = submit(client, article, body="Second thought.")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "too fast" in response.content.decode() and "Second thought.</textarea>" in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_page_costs_the_same_queries_however_many_comments(
    client: Any, article: str, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    """The comment section is a fixed number of queries, not one per comment."""
    submit(client, article)
    # The comments take five: paginator count, threads, replies, the count shown, the count waiting.
    with django_assert_max_num_queries(12) as first:
        page(client, article)
    queries = len(first.captured_queries)
    for _ in range(5):
        submit(client, article, body="Top.")
        submit(client, article, body="Reply.", parent=str(Comment.objects.filter(parent=None).last().id))
    with django_assert_num_queries(queries):
        page(client, article)


def test_long_threads_are_paged(client: Any, article: str, monkeypatch: Any) -> None:
    """A long discussion is split into pages of top-level comments, with links between them."""
    monkeypatch.setattr(comment_selectors, "COMMENTS_PER_PAGE", 2)
    for n in range(3):
        submit(client, article, body=f"Comment number {n}.")
    first = page(client, article)
    assert "Comment number 0." in first and "Comment number 2." not in first and "Comments (3)" in text(first)
    second = page(client, article, "?comments=2")
    assert "Comment number 2." in second and "Earlier comments" in second
