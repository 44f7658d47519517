"""Readers suggest corrections: submission, anchoring, duplicates, abuse limits, status by token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from corrections import services, store
from corrections.domain.suggestions import SuggestionRejected
from corrections.models import Article, Event, Suggestion, SuggestionTicket
from corrections.selectors.suggestions import suggestion_related
from tests.conftest import ARTICLE_BODY

pytestmark = pytest.mark.django_db

META = {"actor": {"kind": "editor", "id": 1, "username": "desk"}}


def url(slug: str) -> str:
    return f"/api/v1/articles/{slug}/suggestions/"


def suggest(api: Any, slug: str, **fields: Any) -> Any:
    return api.post(url(slug), {"suggestion": "John Smith", **fields}, format="json")


def revise(slug: str, body: str) -> None:
    version = Article.objects.get(slug=slug).version
    services.article_revise(slug=slug, expected_version=version, body=body, note="Updated.", meta=META)


def test_reader_suggests_a_fix_and_gets_a_ticket(api: Any, article: str) -> None:
    """A reader selects a misspelled name and proposes the fix; the answer holds a secret status link."""
    response = suggest(api, article, exact="Jon Smith", prefix="The mayor, ", suffix=", said", category="typo")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "new"
    assert len(body["token"]) >= 40
    assert body["status_url"] == f"http://testserver/suggestions/{body['token']}/"
    item = Suggestion.objects.get(id=body["id"])
    assert (item.exact, item.suggestion, item.reporter_count, item.outdated) == ("Jon Smith", "John Smith", 1, False)
    assert ARTICLE_BODY[item.start : item.end] == "Jon Smith"
    assert item.against_version == 1
    event = Event.objects.get(type="SuggestionReceived")
    assert event.data["suggestion_id"] == body["id"] and event.data["start"] == item.start
    assert event.meta["actor"] == {"kind": "reader"}


def test_a_suggestion_does_not_block_an_editor(api: Any, editor_api: Any, article: str) -> None:
    """A suggestion appends at the head: an editor's revision from the version before still goes through."""
    version = Article.objects.get(slug=article).version
    assert suggest(api, article, exact="Jon Smith").status_code == 201
    response = editor_api.post(
        f"/api/v1/articles/{article}/revisions/", {"body": "New text.", "expected_version": version}, format="json"
    )
    assert response.status_code == 201


def test_text_that_is_not_there_is_422(api: Any, article: str) -> None:
    """A selection that is not in the article gets a 422 a reader understands, and writes nothing."""
    response = suggest(api, article, exact="Joan Smyth")
    assert response.status_code == 422
    assert response.json()["error"] == "selection_not_found"
    assert "not found" in response.json()["detail"]
    assert not Event.objects.filter(type="SuggestionReceived").exists()
    assert not SuggestionTicket.objects.exists()


def test_unknown_article_is_404(api: Any, db: Any) -> None:
    """Suggesting on an article that does not exist is a 404."""
    assert suggest(api, "no-such-story", exact="Jon Smith").status_code == 404


def test_ambiguous_text_without_context_is_422(api: Any, article: str) -> None:
    """A word that occurs twice, with nothing to tell which, is refused as ambiguous."""
    response = suggest(api, article, exact="bridge", suggestion="crossing")
    assert response.status_code == 422
    assert response.json()["error"] == "selection_ambiguous"
    assert response.json()["occurrences"] == 2


def test_a_selection_with_other_quote_marks_and_dashes_is_found(api: Any, publish: Any) -> None:
    """The page showed curly quotes and a dash; the reader's browser sent straight ones: the report is taken."""
    slug = publish(slug="quotes", body="The mayor said: “We’ll rebuild it — in two years.” Nobody believed him.")
    response = suggest(api, slug, exact='"We\'ll rebuild it - in two years."', suggestion="We will rebuild it.")
    assert response.status_code == 201, response.json()
    item = Suggestion.objects.get(id=response.json()["id"])
    assert (item.exact, item.current_exact, item.anchor_state) == ("“We’ll rebuild it — in two years.”",) * 2 + (
        "intact",
    )


def test_a_missing_selection_is_explained_to_the_reader(api: Any, article: str) -> None:
    """Text that is not in the article is a 422 with a sentence the reader understands, and nothing is written."""
    before = Event.objects.count()
    response = suggest(api, article, exact="a bridge too far")
    assert response.status_code == 422
    assert response.json()["error"] == "selection_not_found"
    assert "select it again" in response.json()["detail"]
    assert Event.objects.count() == before


def test_context_picks_the_right_occurrence(api: Any, article: str) -> None:
    """The words around the selection decide which of two occurrences the reader meant."""
    response = suggest(api, article, exact="bridge", prefix="campaigned for a new ", suggestion="crossing")
    assert response.status_code == 201
    item = Suggestion.objects.get(id=response.json()["id"])
    assert item.start == ARTICLE_BODY.rindex("bridge")


def test_position_hint_picks_the_right_occurrence(api: Any, article: str) -> None:
    """Without context, the reader's position hint decides."""
    first = ARTICLE_BODY.index("bridge")
    response = suggest(api, article, exact="bridge", start=first, end=first + 6, suggestion="crossing")
    assert response.status_code == 201
    assert Suggestion.objects.get(id=response.json()["id"]).start == first


def test_white_space_as_the_browser_renders_it_still_matches(api: Any, article: str) -> None:
    """A selection across paragraphs (line breaks folded by the browser) still resolves."""
    response = suggest(api, article, exact="old harbour bridge. The mayor", suggestion="old harbour bridge. Mayor")
    assert response.status_code == 201
    item = Suggestion.objects.get(id=response.json()["id"])
    assert item.exact == "old harbour bridge.\n\nThe mayor"


def test_suggestion_against_an_older_version_is_reanchored(api: Any, article: str) -> None:
    """A reader who saw version 1 still reaches the text after a revision moved it."""
    revise(article, "UPDATED: " + ARTICLE_BODY)
    response = suggest(api, article, exact="Jon Smith", version=1, start=ARTICLE_BODY.index("Jon"))
    assert response.status_code == 201
    item = Suggestion.objects.get(id=response.json()["id"])
    current = Article.objects.get(slug=article).body
    assert (item.against_version, item.outdated) == (1, False)
    assert current[item.start : item.end] == "Jon Smith"


def test_the_version_the_reader_saw_decides(api: Any, article: str) -> None:
    """Text that is only in the current version is not found in the version the reader says they saw."""
    revise(article, ARTICLE_BODY + "\n\nA new paragraph.")
    assert suggest(api, article, exact="A new paragraph", version=1, suggestion="x").status_code == 422
    assert suggest(api, article, exact="A new paragraph", version=2, suggestion="x").status_code == 201
    assert suggest(api, article, exact="Jon Smith", version=99).status_code == 422


def test_open_suggestions_follow_revisions(api: Any, article: str) -> None:
    """When editors revise the text, an open suggestion moves with its text."""
    item_id = suggest(api, article, exact="Jon Smith").json()["id"]
    revise(article, "Breaking. " + ARTICLE_BODY)
    item = Suggestion.objects.get(id=item_id)
    assert item.start == ARTICLE_BODY.index("Jon Smith") + len("Breaking. ")
    assert not item.outdated


def test_suggestion_is_outdated_when_its_text_is_gone(api: Any, article: str) -> None:
    """When a revision removes the selected passage, editors see the suggestion as outdated."""
    item_id = suggest(api, article, exact="Jon Smith").json()["id"]
    sentence = "The mayor, Jon Smith, said the work would take two years and cost £12 million.\n\n"
    revise(article, ARTICLE_BODY.replace(sentence, ""))
    item = Suggestion.objects.get(id=item_id)
    assert (item.outdated, item.anchor_state) == (True, "deleted")
    # A reader who still saw version 1 can report it: it is recorded, but as outdated.
    late = suggest(api, article, exact="Jon Smith", version=1, suggestion="J. Smith")
    assert late.status_code == 201
    assert Suggestion.objects.get(id=late.json()["id"]).outdated
    assert api.get(f"/api/v1/suggestions/{late.json()['token']}/").json()["outdated"] is True


def test_a_suggestion_whose_words_were_fixed_is_edited_and_probably_resolved(api: Any, article: str) -> None:
    """When editors make the reader's very fix, the item is edited and probably resolved, not outdated."""
    item_id = suggest(api, article, exact="Jon Smith").json()["id"]
    revise(article, ARTICLE_BODY.replace("Jon Smith", "John Smith"))
    item = Suggestion.objects.get(id=item_id)
    assert (item.anchor_state, item.probably_resolved, item.outdated) == ("edited", True, False)
    assert ARTICLE_BODY.replace("Jon Smith", "John Smith")[item.start : item.end] == item.current_exact == "John Smith"
    # A reader who still saw version 1 is followed to the same words; their fix differs, so it is not resolved.
    late = suggest(api, article, exact="Jon Smith", version=1, suggestion="J. Smith").json()
    late_item = Suggestion.objects.get(id=late["id"])
    assert (late_item.anchor_state, late_item.probably_resolved, late_item.start) == ("edited", False, item.start)


def test_duplicates_become_one_item_with_a_reporter_count(api: Any, article: str) -> None:
    """Three readers report the same span with the same fix: one queue item, three reporters, three tickets."""
    first = suggest(api, article, exact="Jon Smith").json()
    second = suggest(api, article, exact="Jon Smith", prefix="mayor, ", suggestion="John  Smith ").json()
    third = suggest(api, article, exact="Jon Smith", version=1).json()
    assert first["id"] == second["id"] == third["id"]
    assert len({first["token"], second["token"], third["token"]}) == 3
    assert Suggestion.objects.count() == 1
    assert Suggestion.objects.get().reporter_count == 3
    assert Event.objects.filter(type="SuggestionSeconded").count() == 2
    assert "added to theirs" in second["detail"]


def test_a_different_fix_for_the_same_span_is_its_own_item(api: Any, article: str) -> None:
    """Another fix for the same words is a separate item, shown to editors as related."""
    a = suggest(api, article, exact="Jon Smith").json()["id"]
    b = suggest(api, article, exact="Jon Smith", suggestion="Jonathan Smith").json()["id"]
    assert a != b
    assert [str(row.id) for row in suggestion_related(Suggestion.objects.get(id=a))] == [b]


def test_overlapping_spans_are_related(api: Any, article: str) -> None:
    """Reports on overlapping spans are related; a report elsewhere in the text is not."""
    name = suggest(api, article, exact="Jon Smith").json()["id"]
    phrase = suggest(api, article, exact="mayor, Jon", suggestion="mayor, John").json()["id"]
    elsewhere = suggest(api, article, exact="since 2019", suggestion="since 2018").json()["id"]
    assert [str(row.id) for row in suggestion_related(Suggestion.objects.get(id=name))] == [phrase]
    assert [str(row.id) for row in suggestion_related(Suggestion.objects.get(id=phrase))] == [name]
    assert not suggestion_related(Suggestion.objects.get(id=elsewhere)).exists()


def test_honeypot_is_refused(api: Any, article: str) -> None:
    """A submission that fills the hidden honeypot field is refused and writes nothing."""
    response = suggest(api, article, exact="Jon Smith", website="http://spam.example")
    assert response.status_code == 400
    assert "website" in response.json()["fields"]
    assert not Event.objects.filter(type="SuggestionReceived").exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"exact": "x" * 1001}, "exact"),
        ({"comment": "x" * 2001}, "comment"),
        ({"suggestion": "y" * 2001}, "suggestion"),
        ({"prefix": "p" * 201}, "prefix"),
        ({"email": "not-an-address"}, "email"),
        ({"category": "gossip"}, "category"),
        ({"comment": "nul\x00byte"}, "comment"),
        ({"start": -1}, "start"),
    ],
)
def test_limits_are_enforced(api: Any, article: str, fields: dict[str, Any], bad: str) -> None:
    """Over-long, malformed or non-plain-text fields get a 400 naming the field."""
    response = suggest(api, article, **{"exact": "Jon Smith", **fields})
    assert response.status_code == 400
    assert bad in response.json()["fields"]


def test_a_report_must_say_something(api: Any, article: str) -> None:
    """Without a fix or a comment, or with a fix equal to the text, the reader is asked for more."""
    empty = api.post(url(article), {"exact": "Jon Smith"}, format="json")
    assert empty.status_code == 422 and empty.json()["field"] == "suggestion"
    same = suggest(api, article, exact="Jon Smith", suggestion="Jon Smith")
    assert same.status_code == 422
    assert suggest(api, article, exact="Jon Smith", suggestion="", comment="Is this the right name?").status_code == 201


def test_retracted_article_takes_no_suggestions(api: Any, article: str) -> None:
    """A retracted article no longer takes corrections."""
    version = Article.objects.get(slug=article).version
    services.article_retract(slug=article, expected_version=version, note="Withdrawn.", meta=META)
    response = suggest(api, article, exact="Jon Smith")
    assert response.status_code == 422 and response.json()["error"] == "article_retracted"


def test_submissions_are_throttled_per_client(api: Any, article: str) -> None:
    """Past SUGGESTION_RATE a client gets 429 with Retry-After; another client is not affected."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "suggestions": "2/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        assert suggest(api, article, exact="Jon Smith").status_code == 201
        assert suggest(api, article, exact="since 2019", suggestion="since 2018").status_code == 201
        third = suggest(api, article, exact="Tuesday", suggestion="Wednesday")
        assert third.status_code == 429
        assert int(third["Retry-After"]) > 0
        assert third.json()["error"] == "throttled"
        other = api.post(
            url(article), {"exact": "Tuesday", "suggestion": "Monday"}, format="json", REMOTE_ADDR="10.0.0.9"
        )
        assert other.status_code == 201
    assert Suggestion.objects.count() == 3


def test_a_forged_forwarded_for_header_does_not_dodge_the_throttle(api: Any, article: str) -> None:
    """With no proxy configured, X-Forwarded-For is ignored: a new header on each request is still one client."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "suggestions": "1/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        first = api.post(
            url(article),
            {"exact": "Jon Smith", "suggestion": "John Smith"},
            format="json",
            HTTP_X_FORWARDED_FOR="1.1.1.1",
        )
        second = api.post(
            url(article), {"exact": "Tuesday", "suggestion": "Monday"}, format="json", HTTP_X_FORWARDED_FOR="2.2.2.2"
        )
    assert (first.status_code, second.status_code) == (201, 429)


def test_reader_follows_the_status_by_token(api: Any, article: str) -> None:
    """The token shows the status, the quote and fix, the article and, later, the editor's public reply."""
    created = suggest(api, article, exact="Jon Smith").json()
    status = api.get(f"/api/v1/suggestions/{created['token']}/")
    assert status.status_code == 200
    body = status.json()
    assert (body["status"], body["exact"], body["suggestion"], body["reply"]) == ("new", "Jon Smith", "John Smith", "")
    assert body["article"] == {"slug": article, "title": "Harbour bridge to be rebuilt"}
    row = Article.objects.get(slug=article)
    reply = "Thank you: his name is indeed spelled Jon."
    rejected = SuggestionRejected(suggestion_id=created["id"], reason="correct", reply=reply)
    store.append(row.id, [rejected], expected_version=row.version, meta=META)
    body = api.get(f"/api/v1/suggestions/{created['token']}/").json()
    assert (body["status"], body["reply"]) == ("rejected", reply)


def test_no_listing_and_no_lookup_by_id(api: Any, article: str) -> None:
    """The token is the only way in: an id or a made-up token gets 404, and there is no listing."""
    created = suggest(api, article, exact="Jon Smith").json()
    assert api.get(f"/api/v1/suggestions/{created['id']}/").status_code == 404
    assert api.get("/api/v1/suggestions/not-a-real-token/").status_code == 404
    assert api.get("/api/v1/suggestions/").status_code == 404
    assert api.get(url(article)).status_code == 405


def test_status_page_shows_reader_input_as_text(api: Any, client: Any, article: str) -> None:
    """The reader's status page shows the status and their fix, escaped, never as markup."""
    created = suggest(api, article, exact="Jon Smith", suggestion="<script>alert(1)</script>").json()
    page = client.get(f"/suggestions/{created['token']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Received: waiting for an editor." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'content="noindex"' in html
    assert client.get("/suggestions/nope/").status_code == 404


def test_name_and_email_never_reach_the_log(api: Any, article: str) -> None:
    """A reader's name and e-mail live only on their ticket, in no event's data or meta."""
    created = suggest(api, article, exact="Jon Smith", name="Ada Reader", email="ada@example.com").json()
    suggest(api, article, exact="Jon Smith", name="Bob Reader", email="bob@example.com")
    for row in Event.objects.all():
        text = json.dumps([row.data, row.meta])
        assert "example.com" not in text and "Reader" not in text
    ticket = SuggestionTicket.objects.get(token=created["token"])
    assert (ticket.name, ticket.email, str(ticket.suggestion_id)) == ("Ada Reader", "ada@example.com", created["id"])


def test_public_log_hides_the_private_comment(api: Any, article: str) -> None:
    """The public event log shows what was reported, not the reader's comment to the editors."""
    suggest(api, article, exact="Jon Smith", comment="My neighbour is the mayor.")
    events = api.get(f"/api/v1/articles/{article}/events/").json()
    rows = events["results"] if isinstance(events, dict) else events
    received = next(row for row in rows if row["type"] == "SuggestionReceived")
    assert received["data"]["exact"] == "Jon Smith"
    assert "comment" not in received["data"]
    assert "neighbour" not in json.dumps(events)


def test_a_second_readers_comment_reaches_the_editors_but_not_the_public(
    api: Any, editor_api: Any, article: str
) -> None:
    """When a report joins an existing item, that reader's comment is kept in the item's history for editors only."""
    first = suggest(api, article, exact="Jon Smith", comment="First reader.").json()
    suggest(api, article, exact="Jon Smith", comment="I was at the meeting: it is John.")
    history = editor_api.get(f"/api/v1/review/suggestions/{first['id']}/").json()["history"]
    assert [e["data"].get("comment") for e in history if e["type"] == "SuggestionSeconded"] == [
        "I was at the meeting: it is John."
    ]
    assert "the meeting" not in json.dumps(api.get(f"/api/v1/articles/{article}/events/").json())


@override_settings(CORS_ALLOWED_ORIGINS=["https://news.example.com"])
def test_configured_origin_gets_cors_headers(api: Any, article: str) -> None:
    """The widget on a configured news site may call the API from the browser; other origins may not."""
    preflight = api.options(
        url(article),
        HTTP_ORIGIN="https://news.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://news.example.com"
    assert "content-type" in preflight["Access-Control-Allow-Headers"]
    posted = api.post(
        url(article),
        {"exact": "Jon Smith", "suggestion": "John Smith"},
        format="json",
        HTTP_ORIGIN="https://news.example.com",
    )
    assert posted.status_code == 201
    assert posted["Access-Control-Allow-Origin"] == "https://news.example.com"
    other = api.post(
        url(article), {"exact": "Jon Smith", "suggestion": "John"}, format="json", HTTP_ORIGIN="https://evil.example"
    )
    assert "Access-Control-Allow-Origin" not in other


def test_article_page_includes_the_widget(client: Any, article: str) -> None:
    """The article page loads widget.js, configured for the article, with the Ctrl+Enter hint."""
    html = client.get(f"/articles/{article}/").content.decode()
    assert "To suggest a correction, highlight the text and press Ctrl+Enter" in html
    assert "corrections/widget.js" in html
    assert f'data-article-slug="{article}"' in html and 'data-container="#article-body"' in html


def test_rebuild_reproduces_the_queue(api: Any, article: str) -> None:
    """Replaying the log rebuilds the suggestion queue exactly: counts, re-anchored offsets, anchor states."""
    from django.core.management import call_command
    from django.forms.models import model_to_dict

    suggest(api, article, exact="Jon Smith")
    suggest(api, article, exact="Jon Smith")
    suggest(api, article, exact="since 2019", suggestion="since 2018")
    suggest(api, article, exact="bridge", prefix="old harbour ", suggestion="crossing")
    revise(article, "Breaking. " + ARTICLE_BODY.replace("since 2019", "for years"))
    suggest(api, article, exact="Tuesday", version=1, suggestion="Monday")

    def rows() -> list[dict[str, Any]]:
        return sorted(
            (model_to_dict(row) | {"id": str(row.id)} for row in Suggestion.objects.all()), key=lambda row: row["exact"]
        )

    before = rows()
    assert [(row["reporter_count"], row["outdated"], row["anchor_state"]) for row in before] == [
        (2, False, "intact"),
        (1, False, "intact"),
        (1, False, "intact"),
        (1, False, "edited"),  # "since 2019" became "for years" in place
    ]
    call_command("rebuild_projections", "--no-progress")
    assert rows() == before
