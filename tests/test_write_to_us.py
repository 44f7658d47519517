"""Readers write to the desk about a whole article (no selection): same API, queue and status page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from corrections.models import Article, Event, Suggestion
from corrections.selectors.review import suggestion_review
from corrections.services import actor_meta, article_revise
from corrections.services.review import suggestion_accept
from tests.review_support import report, version_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/{}/suggestions/"
MESSAGE = "The article does not say that the vote was 7 to 6."


def write(api: Any, slug: str, **fields: Any) -> Any:
    return api.post(URL.format(slug), {"comment": MESSAGE, "category": "clarification", **fields}, format="json")


def test_a_reader_writes_about_the_whole_article_and_gets_a_ticket(api: Any, article: str) -> None:
    """With no selection the request lands in the queue unanchored, and the reader gets a status link."""
    response = write(api, article, email="reader@example.org")
    assert response.status_code == 201, response.json()
    item = Suggestion.objects.get(id=response.json()["id"])
    assert (item.exact, item.comment, item.category, item.outdated) == ("", MESSAGE, "clarification", False)
    assert Event.objects.get(type="SuggestionReceived").data["exact"] == ""


def test_writing_with_nothing_to_say_is_refused(api: Any, article: str) -> None:
    """No selection and no message: 422 on the comment field, in words a reader understands."""
    response = api.post(URL.format(article), {"category": "other"}, format="json")
    assert response.status_code == 422
    assert response.json()["field"] == "comment" and "wrong or missing" in response.json()["detail"]


def test_two_readers_writing_about_the_article_are_two_items(api: Any, article: str) -> None:
    """Requests without an anchor are never merged as duplicates."""
    first, second = write(api, article).json()["id"], write(api, article).json()["id"]
    assert first != second and Suggestion.objects.filter(reporter_count=1).count() == 2


def test_a_revision_does_not_make_a_request_about_the_article_outdated(api: Any, article: str) -> None:
    item_id = write(api, article).json()["id"]
    article_revise(
        slug=article, expected_version=version_of(article), body="New text.", note="Rewritten.", meta=actor_meta()
    )
    assert Suggestion.objects.get(id=item_id).outdated is False
    review = suggestion_review(item_id)
    assert review.outdated is False and review.context is None and review.related == []


def test_the_desk_accepts_it_with_a_public_note(api: Any, article: str) -> None:
    """Accepting a request about the whole article publishes the note; it changes no words."""
    item_id = write(api, article).json()["id"]
    body = Article.objects.get(slug=article).body
    with pytest.raises(Exception, match="public note is required"):
        suggestion_accept(suggestion_id=item_id, expected_version=version_of(article), meta=actor_meta())
    suggestion_accept(
        suggestion_id=item_id,
        expected_version=version_of(article),
        note="We have added the result of the vote.",
        meta=actor_meta(),
    )
    row = Article.objects.get(slug=article)
    assert row.body == body and row.notes.get().note == "We have added the result of the vote."
    assert Suggestion.objects.get(id=item_id).status == "accepted"


def test_status_page_repeats_what_the_reader_sent(api: Any, client: Client, article: str) -> None:
    """The status page shows 'about the whole article' and the reader's own message."""
    token = write(api, article).json()["token"]
    html = client.get(f"/suggestions/{token}/").content.decode()
    assert "What you sent" in html and "The whole article" in html and MESSAGE in html
    assert api.get(f"/api/v1/suggestions/{token}/").json()["comment"] == MESSAGE


def test_status_page_repeats_a_selection_fix_and_message(client: Client, article: str, api: Any) -> None:
    """For a selection, the page repeats the words, the fix and the message the reader wrote."""
    response = api.post(
        URL.format(article), {"exact": "Jon Smith", "suggestion": "John Smith", "comment": "His name."}, format="json"
    )
    html = client.get(f"/suggestions/{response.json()['token']}/").content.decode()
    assert "<q>Jon Smith</q>" in html and "<q>John Smith</q>" in html and "His name." in html


def test_anchored_reports_still_need_their_text(article: str) -> None:
    """A report that quotes text must still find it in the article."""
    with pytest.raises(Exception, match="not found"):
        report(article, "Words that are not there", "x")


def test_without_javascript_a_reader_writes_from_the_article_page(client: Client, article: str) -> None:
    """The article page carries a 'write to us' form; sending it leads to the reader's status page."""
    html = client.get(f"/articles/{article}/").content.decode()
    assert f'action="/articles/{article}/write/"' in html and "Write to us about this article" in html
    response = client.post(f"/articles/{article}/write/", {"comment": MESSAGE, "category": "clarification"})
    assert response.status_code == 302 and response["Location"].startswith("/suggestions/")
    page = client.get(response["Location"]).content.decode()
    assert MESSAGE in page and "The whole article" in page
    assert Suggestion.objects.get().exact == ""


def test_the_form_shows_what_is_missing_on_the_field(client: Client, article: str) -> None:
    """An empty request comes back with the error next to the message field, once."""
    response = client.post(f"/articles/{article}/write/", {"comment": "", "category": "factual"})
    html = response.content.decode()
    assert response.status_code == 400 and html.count("This field is required.") == 1
    assert (
        'id="id_comment_error"' in html
        and 'aria-describedby="id_comment_error"' in html
        and not Suggestion.objects.exists()
    )


def test_the_form_catches_robots(client: Client, article: str) -> None:
    response = client.post(f"/articles/{article}/write/", {"comment": MESSAGE, "category": "other", "website": "x"})
    assert response.status_code == 400 and not Suggestion.objects.exists()


def test_a_retracted_article_offers_no_form(client: Client, article: str) -> None:
    from corrections.services import article_retract

    article_retract(slug=article, expected_version=version_of(article), note="Wrong story.", meta=actor_meta())
    assert "Write to us about this article" not in client.get(f"/articles/{article}/").content.decode()
    response = client.post(f"/articles/{article}/write/", {"comment": MESSAGE, "category": "factual"})
    assert response.status_code == 422 and "retracted" in response.content.decode()


def test_the_form_page_is_404_for_an_unknown_article(client: Client) -> None:
    assert client.get("/articles/nope/write/").status_code == 404


def test_the_desk_email_says_the_request_is_about_the_whole_article(
    api: Any, article: str, settings: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    """The desk's e-mail for a request without a selection says so, with the reader's message."""
    settings.DESK_EMAIL = ["desk@paper.example"]
    settings.NOTIFY_DESK_IMMEDIATELY = True
    with django_capture_on_commit_callbacks(execute=True):
        write(api, article)
    [mail] = mailoutbox
    assert "about the whole article" in mail.body and MESSAGE in mail.body
