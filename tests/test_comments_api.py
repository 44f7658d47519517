"""Readers comment on articles over the API; editors moderate the comments."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from corrections import store
from corrections.api.comments import CommentThrottle
from corrections.models import Article, Comment, CommentAuthor, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_throttle(monkeypatch: Any) -> None:
    """These tests post many comments from one client; the throttle has its own tests below."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


def comments_url(slug: str) -> str:
    return f"/api/v1/articles/{slug}/comments/"


def post(client: Any, slug: str, body: str = "Good news for cyclists.", **fields: Any) -> Any:
    data = {"body": body, "name": "Ann", **fields}
    return client.post(comments_url(slug), data, format="json")


def posted(client: Any, slug: str, body: str = "Good news for cyclists.", **fields: Any) -> dict[str, Any]:
    response = post(client, slug, body, **fields)
    assert response.status_code == 201, response.content
    return response.json()


def thread(client: Any, slug: str) -> list[dict[str, Any]]:
    response = client.get(comments_url(slug))
    assert response.status_code == 200
    return response.json()["results"]


def hide(editor_api: Any, comment_id: str, reason: str = "Personal attack.") -> Any:
    return editor_api.post(f"/api/v1/review/comments/{comment_id}/hide/", {"reason": reason}, format="json")


# --- Posting ---------------------------------------------------------------------------


def test_an_article_starts_with_no_comments(api: Any, article: str) -> None:
    """Anyone can read an article's comments; a new article has none."""
    body = api.get(comments_url(article)).json()
    assert body["count"] == 0 and body["results"] == []


def test_a_reader_comments_with_a_name_and_everyone_sees_it(api: Any, article: str) -> None:
    """A reader posts a comment anonymously with a name: 201, and it shows in the thread at once."""
    comment = posted(api, article, "Good news for cyclists.", name="Ann")
    assert comment["status"] == "visible" and comment["author_name"] == "Ann"
    assert "posted" in comment["detail"]
    [shown] = thread(APIClient(), article)
    assert (shown["id"], shown["author_name"], shown["body"], shown["replies"]) == (
        comment["id"],
        "Ann",
        "Good news for cyclists.",
        [],
    )
    event = store.to_recorded(Event.objects.get(type="CommentPosted"))
    assert event.version == 2 and event.event.body == "Good news for cyclists."
    assert event.meta["actor"] == {"kind": "reader"}
    assert Article.objects.get(slug=article).version == 2


def test_the_email_is_kept_out_of_the_log(api: Any, article: str) -> None:
    """A reader's e-mail is stored apart from the event log (so it can be erased) and never shown."""
    comment = posted(api, article, email="ann@example.com")
    assert CommentAuthor.objects.get(comment_id=comment["id"]).email == "ann@example.com"
    event = Event.objects.get(type="CommentPosted")
    assert "ann@example.com" not in str(event.data) + str(event.meta)
    assert "ann@example.com" not in api.get(comments_url(article)).content.decode()
    assert "ann@example.com" not in api.get(f"/api/v1/articles/{article}/events/").content.decode()


def test_without_an_email_nothing_is_stored_about_the_author(api: Any, article: str) -> None:
    """A reader who gives no e-mail leaves no contact details at all."""
    posted(api, article)
    assert not CommentAuthor.objects.exists()


def test_an_anonymous_comment_needs_a_name(api: Any, article: str) -> None:
    """Without a login and without a name the comment is refused with 400 and nothing is written."""
    response = post(api, article, name="  ")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid" and "name" in response.json()["fields"]
    assert not Event.objects.filter(type="CommentPosted").exists()


def test_a_logged_in_reader_comments_under_their_account(article: str) -> None:
    """A logged-in reader needs no name: the account's name is used, and they stay a reader in the log."""
    user = get_user_model().objects.create_user("ann", "", "pw-12345!", first_name="Ann", last_name="Lee")
    client = APIClient()
    client.force_authenticate(user)
    comment = posted(client, article, name="")
    assert comment["author_name"] == "Ann Lee"
    assert Comment.objects.get(id=comment["id"]).author_user == user
    event = store.to_recorded(Event.objects.get(type="CommentPosted"))
    assert event.meta["actor"]["kind"] == "reader"
    assert event.event.author_user_id == user.pk
    public = api_events(APIClient(), article)
    assert "author_user_id" not in public[-1]["data"]


def test_the_honeypot_catches_robots(api: Any, article: str) -> None:
    """A filled-in hidden 'website' field marks a robot: 400, nothing written."""
    response = post(api, article, website="http://spam.example")
    assert response.status_code == 400
    assert "website" in response.json()["fields"]
    assert not Event.objects.filter(type="CommentPosted").exists()


@pytest.mark.parametrize(
    ("body", "why"),
    [("", "blank"), ("   \n ", "blank"), ("x" * 5001, "5000")],
)
def test_empty_or_overlong_comments_are_refused(api: Any, article: str, body: str, why: str) -> None:
    """A blank or overlong comment gets 400 saying why, and nothing is written."""
    response = post(api, article, body)
    assert response.status_code == 400
    assert why in response.json()["detail"]
    assert not Event.objects.filter(type="CommentPosted").exists()


def test_an_unknown_article_is_404(api: Any, db: Any) -> None:
    """Reading or posting comments on an unknown article gets a JSON 404."""
    assert api.get(comments_url("nope")).status_code == 404
    response = post(api, "nope")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_comments_close_when_the_article_is_retracted(api: Any, editor_api: Any, article: str) -> None:
    """On a retracted article a comment gets 422 with a clear message; earlier comments stay readable."""
    posted(api, article, "Before.")
    response = editor_api.post(
        f"/api/v1/articles/{article}/retraction/", {"note": "Withdrawn.", "expected_version": 2}, format="json"
    )
    assert response.status_code == 201
    response = post(api, article, "After.")
    assert response.status_code == 422
    assert response.json() == {
        "error": "article_retracted",
        "detail": "Comments are closed: this article has been retracted.",
    }
    assert [c["body"] for c in thread(api, article)] == ["Before."]


def test_comments_never_block_an_editor(api: Any, editor_api: Any, article: str) -> None:
    """Comments posted while an editor works do not make the editor's version stale."""
    posted(api, article)
    posted(api, article)
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/", {"title": "New title", "expected_version": 1}, format="json"
    )
    assert response.status_code == 201 and response.json() == {"version": 4}


# --- Threads ---------------------------------------------------------------------------


def test_replies_nest_under_their_top_level_comment(api: Any, article: str) -> None:
    """A reply, and a reply to a reply, show under the top-level comment, oldest first, naming whom they answer."""
    top = posted(api, article, "Top.", name="Ann")
    reply = posted(api, article, "Reply.", name="Ben", parent=top["id"])
    answer = posted(api, article, "Reply to Ben.", name="Cy", parent=reply["id"])
    other = posted(api, article, "Second thread.", name="Dee")
    results = thread(api, article)
    assert [c["id"] for c in results] == [top["id"], other["id"]]
    replies = results[0]["replies"]
    assert [(r["id"], r["parent"], r["in_reply_to"]) for r in replies] == [
        (reply["id"], top["id"], None),
        (answer["id"], reply["id"], "Ben"),
    ]
    assert Comment.objects.get(id=answer["id"]).thread_id == Comment.objects.get(id=top["id"]).id


def test_the_thread_costs_the_same_queries_however_long(api: Any, article: str, django_assert_num_queries: Any) -> None:
    """Listing a page of threads takes a fixed number of queries, not one per comment."""

    def grow(threads: int) -> None:
        for _ in range(threads):
            top = posted(api, article, "Top.")
            posted(api, article, "Reply.", parent=top["id"])
            posted(api, article, "Reply.", parent=top["id"])

    grow(1)
    with django_assert_num_queries(4):
        assert len(api.get(comments_url(article)).json()["results"]) == 1
    grow(6)
    with django_assert_num_queries(4):
        body = api.get(comments_url(article)).json()
    assert body["count"] == 7 and all(len(t["replies"]) == 2 for t in body["results"])


def test_a_reply_must_answer_a_visible_comment_of_this_article(
    api: Any, editor_api: Any, publish: Any, article: str
) -> None:
    """Replying to an unknown comment, one on another article or a hidden one is refused with 422."""
    other = publish(slug="other-story")
    elsewhere = posted(api, other)
    gone = posted(api, article)
    assert hide(editor_api, gone["id"]).status_code == 200
    before = Event.objects.count()
    for parent, message in [
        ("7d4f8c3e-0000-4000-8000-000000000000", "no comment"),
        (elsewhere["id"], "no comment"),
        (gone["id"], "hidden or awaiting approval"),
    ]:
        response = post(api, article, parent=parent)
        assert response.status_code == 422, response.content
        assert message in response.json()["detail"]
    assert post(api, article, parent="not-a-uuid").status_code == 400
    assert Event.objects.count() == before


def test_hiding_a_top_level_comment_hides_its_thread(api: Any, editor_api: Any, article: str) -> None:
    """Replies only make sense under their comment: when it is hidden, its thread leaves the page too."""
    top = posted(api, article, "Top.")
    posted(api, article, "Reply.", parent=top["id"])
    keep = posted(api, article, "Another.")
    hide(editor_api, top["id"])
    body = api.get(comments_url(article)).json()
    assert [c["id"] for c in body["results"]] == [keep["id"]]


# --- Moderation ------------------------------------------------------------------------


def test_under_pre_moderation_comments_wait_for_an_editor(
    api: Any, editor_api: Any, article: str, settings: Any
) -> None:
    """With the site on pre-moderation a comment is pending until an editor approves it."""
    settings.COMMENT_MODERATION = "pre"
    comment = posted(api, article, "Wait for me.")
    assert comment["status"] == "pending" and "approves" in comment["detail"]
    assert thread(api, article) == []
    response = editor_api.post(f"/api/v1/review/comments/{comment['id']}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "visible"
    assert [c["body"] for c in thread(api, article)] == ["Wait for me."]


def test_an_editors_comment_needs_no_approval(editor_api: Any, article: str, settings: Any) -> None:
    """An editor's own comment shows at once, even under pre-moderation, and is logged as the editor's."""
    settings.COMMENT_MODERATION = "pre"
    comment = posted(editor_api, article, "From the desk.", name="")
    assert comment["status"] == "visible" and comment["author_name"] == "desk"
    assert Event.objects.get(type="CommentPosted").meta["actor"]["kind"] == "editor"


def test_an_editor_sets_moderation_per_article(api: Any, editor_api: Any, article: str, settings: Any) -> None:
    """An editor turns on pre-moderation for one article, then returns it to the site default."""
    url = f"/api/v1/review/articles/{article}/moderation/"
    assert editor_api.get(url).json() == {"mode": "default", "effective_mode": "post", "version": 1}
    response = editor_api.post(url, {"mode": "pre"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"mode": "pre", "effective_mode": "pre", "version": 2}
    assert Event.objects.filter(type="ModerationModeSet", data__mode="pre").exists()
    assert posted(api, article)["status"] == "pending"
    assert editor_api.post(url, {"mode": "pre"}, format="json").status_code == 422
    assert editor_api.post(url, {"mode": "sometimes"}, format="json").status_code == 400
    response = editor_api.post(url, {"mode": "default"}, format="json")
    assert response.json()["mode"] == "default" and response.json()["effective_mode"] == "post"
    settings.COMMENT_MODERATION = "pre"
    assert editor_api.get(url).json()["effective_mode"] == "pre"


def test_readers_cannot_moderate(api: Any, article: str) -> None:
    """Only editors can set the mode, list the review queue, approve or hide."""
    comment = posted(api, article)
    assert api.post(f"/api/v1/review/articles/{article}/moderation/", {"mode": "pre"}, format="json").status_code in (
        401,
        403,
    )
    assert api.get("/api/v1/review/comments/").status_code in (401, 403)
    assert api.post(f"/api/v1/review/comments/{comment['id']}/approve/").status_code in (401, 403)
    assert hide(api, comment["id"]).status_code in (401, 403)
    assert Event.objects.count() == 2


def test_a_reader_flags_a_comment_for_the_editors(api: Any, editor_api: Any, article: str) -> None:
    """Flagging answers 201 and puts the comment in the editors' flagged list."""
    comment = posted(api, article)
    response = api.post(f"/api/v1/comments/{comment['id']}/flag/", {"reason": "Rude."}, format="json")
    assert response.status_code == 201 and response.json()["version"] == 3
    another_reader = {"REMOTE_ADDR": "198.51.100.2"}  # one flag per person per comment
    assert api.post(f"/api/v1/comments/{comment['id']}/flag/", {}, format="json", **another_reader).status_code == 201
    [flagged] = editor_api.get("/api/v1/review/comments/?flagged=true").json()["results"]
    assert flagged["id"] == comment["id"] and flagged["flag_count"] == 2
    assert editor_api.get("/api/v1/review/comments/?flagged=false").json()["count"] == 0


def test_editors_read_why_readers_flagged_a_comment(
    api: Any, editor_api: Any, article: str, django_assert_max_num_queries: Any
) -> None:
    """The review list shows the readers' reasons since the last approval, in one query for the whole page."""
    first, second = posted(api, article), posted(api, article, body="Second.")
    for n, (comment, reason) in enumerate(((first, "Rude."), (first, "Off topic."), (second, "Spam."))):
        address = f"198.51.100.{n + 1}"  # one flag per person per comment
        api.post(f"/api/v1/comments/{comment['id']}/flag/", {"reason": reason}, format="json", REMOTE_ADDR=address)
    with django_assert_max_num_queries(8):
        rows = editor_api.get("/api/v1/review/comments/?flagged=true").json()["results"]
    assert {row["id"]: row["flag_reasons"] for row in rows} == {
        first["id"]: ["Rude.", "Off topic."],
        second["id"]: ["Spam."],
    }
    approved = editor_api.post(f"/api/v1/review/comments/{first['id']}/approve/").json()
    assert approved["flag_reasons"] == []


def test_flagging_an_unknown_or_hidden_comment_is_404(api: Any, editor_api: Any, article: str) -> None:
    """A reader cannot flag a comment they cannot see: unknown, malformed or hidden ids get 404."""
    comment = posted(api, article)
    hide(editor_api, comment["id"])
    for comment_id in (comment["id"], "not-a-uuid", "7d4f8c3e-0000-4000-8000-000000000000"):
        response = api.post(f"/api/v1/comments/{comment_id}/flag/", {}, format="json")
        assert response.status_code == 404, comment_id
        assert response.json()["error"] == "not_found"


def test_approving_a_flagged_comment_keeps_it_and_clears_its_flags(api: Any, editor_api: Any, article: str) -> None:
    """An editor keeps a flagged comment: it stays visible and leaves the flagged list."""
    comment = posted(api, article)
    url = f"/api/v1/review/comments/{comment['id']}/approve/"
    assert editor_api.post(url).status_code == 422  # visible and unflagged: nothing to approve
    api.post(f"/api/v1/comments/{comment['id']}/flag/", {}, format="json")
    response = editor_api.post(url)
    assert response.status_code == 200 and response.json()["flag_count"] == 0
    assert editor_api.get("/api/v1/review/comments/?flagged=true").json()["count"] == 0


def test_hiding_needs_a_reason_and_is_final(api: Any, editor_api: Any, article: str) -> None:
    """An editor hides a comment with a reason; it leaves the thread and cannot be approved back."""
    comment = posted(api, article, "Something nasty.")
    response = hide(editor_api, comment["id"], reason=" ")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = hide(editor_api, comment["id"])
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["hidden_reason"]) == ("hidden", "Personal attack.")
    assert thread(api, article) == []
    assert hide(editor_api, comment["id"]).status_code == 422
    response = editor_api.post(f"/api/v1/review/comments/{comment['id']}/approve/")
    assert response.status_code == 422 and "restore it to show it again" in response.json()["detail"]
    assert Event.objects.filter(type="CommentHidden").count() == 1


def test_editors_filter_the_review_list(
    api: Any, editor_api: Any, publish: Any, article: str, settings: Any, django_assert_max_num_queries: Any
) -> None:
    """The review list filters by status, article and flagged, in a fixed number of queries."""
    other = publish(slug="other-story")
    shown = posted(api, article, "Fine.")
    gone = posted(api, article, "Nasty.")
    hide(editor_api, gone["id"])
    settings.COMMENT_MODERATION = "pre"
    waiting = posted(api, other, "Waiting.")

    def ids(query: str) -> list[str]:
        response = editor_api.get(f"/api/v1/review/comments/{query}")
        assert response.status_code == 200
        return [c["id"] for c in response.json()["results"]]

    assert ids("") == [waiting["id"], gone["id"], shown["id"]]
    assert ids("?status=pending") == [waiting["id"]]
    assert ids("?status=hidden") == [gone["id"]]
    assert ids(f"?article={other}") == [waiting["id"]]
    assert ids(f"?article={article}&status=visible") == [shown["id"]]
    assert editor_api.get("/api/v1/review/comments/?status=weird").status_code == 400
    with django_assert_max_num_queries(6):  # one more for the flag reasons of the page
        editor_api.get("/api/v1/review/comments/")


def test_approving_or_hiding_an_unknown_comment_is_404(editor_api: Any, db: Any) -> None:
    """Moderating an unknown or malformed comment id gets a JSON 404."""
    for action in ("approve", "hide"):
        for comment_id in ("nope", "7d4f8c3e-0000-4000-8000-000000000000"):
            url = f"/api/v1/review/comments/{comment_id}/{action}/"
            response = editor_api.post(url, {"reason": "x"}, format="json")
            assert response.status_code == 404 and response.json()["error"] == "not_found"


# --- The public event log --------------------------------------------------------------


def api_events(client: Any, slug: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/articles/{slug}/events/{query}")
    assert response.status_code == 200
    return response.json()["results"]


def test_the_public_log_never_shows_a_hidden_or_pending_comment(
    api: Any, editor_api: Any, article: str, settings: Any
) -> None:
    """The log keeps every event, but shows no text or name of a hidden or pending comment, nor flag reasons."""
    nasty = posted(api, article, "Something nasty.", name="Troll")
    fine = posted(api, article, "Fine words.", name="Ann")
    api.post(f"/api/v1/comments/{fine['id']}/flag/", {"reason": "Insulting flag text"}, format="json")
    hide(editor_api, nasty["id"], reason="Abuse.")
    settings.COMMENT_MODERATION = "pre"
    posted(api, article, "Not yet approved.", name="Waiting")
    log = api.get(f"/api/v1/articles/{article}/events/").content.decode()
    for secret in ("Something nasty.", "Troll", "Not yet approved.", "Waiting", "Insulting flag text"):
        assert secret not in log
    assert "Fine words." in log and "Abuse." in log
    events = api_events(api, article)
    posts = [e["data"] for e in events if e["type"] == "CommentPosted"]
    assert [(p["body"], p["withheld"]) for p in posts] == [("", True), ("Fine words.", False), ("", True)]
    assert "Something nasty." in [
        e.event.body for e in store.read_stream(Article.objects.get(slug=article).id) if e.type == "CommentPosted"
    ]


def test_the_public_log_costs_the_same_queries_however_many_comments(
    api: Any, article: str, django_assert_num_queries: Any
) -> None:
    """Redacting comments takes one query per page of the log, not one per event."""
    posted(api, article)
    # article, its notes, count, page, the vault's personal fields, the comments' statuses
    with django_assert_num_queries(6):
        api_events(api, article)
    for _ in range(8):
        posted(api, article)
    with django_assert_num_queries(6):
        assert len(api_events(api, article)) == 10


# --- Throttling ------------------------------------------------------------------------


def test_anonymous_comments_are_throttled(api: Any, article: str, monkeypatch: Any) -> None:
    """Past the COMMENT_RATE an anonymous client gets 429 with Retry-After, and nothing is written."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "2/minute"})
    posted(api, article)
    posted(api, article)
    response = post(api, article)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "throttled"
    assert Event.objects.filter(type="CommentPosted").count() == 2
    assert api.get(comments_url(article)).status_code == 200  # reading is never throttled


def test_editors_are_not_throttled(editor_api: Any, article: str, monkeypatch: Any) -> None:
    """The comment throttle holds back readers; editors, who moderate, are not held back by it."""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1/minute"})
    for _ in range(3):
        posted(editor_api, article)
