"""The queue is a worklist: open items by urgency, marks at a glance, and after a decision the next item."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from corrections.models import Suggestion
from corrections.services import actor_meta, article_revise
from tests.review_support import make_editor, report, version_of

pytestmark = pytest.mark.django_db

QUEUE = "/admin/corrections/suggestion/"


@pytest.fixture
def desk(client: Client) -> Client:
    client.force_login(make_editor("desk"))
    return client


def accept(desk: Client, item: str, slug: str, **fields: Any) -> Any:
    data = {"replacement": "", "kind": "correction", "note": "", "reply": "", "expected_version": version_of(slug)}
    return desk.post(f"{QUEUE}{item}/accept/", {**data, **fields})


def test_queue_lists_open_items_most_urgent_first_with_marks(desk: Client, article: str) -> None:
    """A factual report leads; conflicting fixes and whole-article requests are marked; resolved items are filtered."""
    typo = report(article, "Jon Smith", "John Smith")
    other = report(article, "Jon", "Jonathan")
    factual = report(article, "£12 million", "£15 million", category="factual", comment="Budget.")
    from corrections.services.suggestions import suggestion_submit

    whole = suggestion_submit(slug=article, exact="", comment="You left out the vote.", meta=actor_meta()).suggestion_id
    Suggestion.objects.filter(id=other).update(status="rejected")
    response = desk.get(QUEUE)
    rows = [str(item.pk) for item in response.context["cl"].result_list]
    assert rows[0] == factual and set(rows) == {factual, typo, whole}
    html = response.content.decode()
    assert "badge-whole" in html and "You left out the vote." in html
    assert "badge-conflict" not in html  # the conflicting report was rejected
    Suggestion.objects.filter(id=other).update(status="new")
    assert desk.get(QUEUE).content.decode().count("badge-conflict") == 2


def test_accepting_lands_on_the_next_open_item(desk: Client, article: str) -> None:
    """After a decision the editor is taken to the most urgent open item; after the last, to the queue."""
    first = report(article, "Jon Smith", "John Smith")
    second = report(article, "harbour", "Harbour")
    response = accept(desk, first, article, replacement="John Smith")
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}{second}/change/"
    response = desk.post(f"{QUEUE}{second}/reject/", {"reason": "House style.", "reply": ""}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "The queue is clear" in response.content.decode()


def test_the_review_page_links_the_next_item_with_a_shortcut(desk: Client, article: str) -> None:
    first = report(article, "Jon Smith", "John Smith")
    second = report(article, "£12 million", "£15 million", category="factual", comment="x")
    html = desk.get(f"{QUEUE}{first}/change/").content.decode()
    assert f'href="{QUEUE}{second}/change/" id="next-item" aria-keyshortcuts="n"' in html
    assert "admin-review.js" in html


def test_an_outdated_item_offers_no_accept(desk: Client, article: str) -> None:
    """When the words are gone from the article the page explains and offers reject and duplicate only."""
    item = report(article, "Jon Smith", "John Smith")
    article_revise(slug=article, expected_version=version_of(article), body="All new text.", meta=actor_meta())
    html = desk.get(f"{QUEUE}{item}/change/").content.decode()
    assert 'id="accept-form"' not in html and 'id="no-accept"' in html and 'id="reject-form"' in html


def test_a_refused_accept_says_why_once_on_the_field(desk: Client, article: str) -> None:
    """'A public note is required' appears once, next to the note field, which is marked invalid."""
    item = report(article, "£12 million", "£14 million", category="factual")
    response = accept(desk, item, article, replacement="£14 million")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("A public note is required") == 1
    assert 'name="note" cols="60" rows="2" aria-invalid="true"' in html
    assert Suggestion.objects.get(id=item).status == "new"


def test_a_request_about_the_whole_article_is_reviewed_with_its_message(desk: Client, article: str) -> None:
    from corrections.services.suggestions import suggestion_submit

    item = suggestion_submit(slug=article, exact="", comment="You left out the vote.", meta=actor_meta()).suggestion_id
    html = desk.get(f"{QUEUE}{item}/change/").content.decode()
    assert 'id="whole-article"' in html and "You left out the vote." in html and 'id="accept-form"' in html
    assert 'id="outdated"' not in html
    response = accept(desk, item, article, note="We have added the result of the vote.", kind="clarification")
    assert response.status_code == 302 and Suggestion.objects.get(id=item).status == "accepted"
