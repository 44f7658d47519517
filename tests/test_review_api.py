"""Editors work the review queue over the API: list, inspect, assign, accept, reject, close duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corrections import store
from corrections.models import Article, Event, PublicNote, Suggestion
from corrections.services import actor_meta, article_revise

from .review_support import make_editor, report, version_of

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/review/suggestions/"


def url(item: str, action: str = "") -> str:
    return f"{QUEUE}{item}/" + (f"{action}/" if action else "")


def body(slug: str) -> str:
    return Article.objects.get(slug=slug).body


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# --- Who may use the queue -----------------------------------------------------------------


def test_only_editors_see_or_work_the_queue(api: APIClient, article: str) -> None:
    """Anonymous readers and logged-in non-editors get 403 everywhere in the review API, and nothing is written."""
    item = report(article, "Jon Smith", "John Smith")
    reader = get_user_model().objects.create_user("reader", "r@example.com", "pw-pw-pw-pw")
    before = Event.objects.count()
    for client in (api, client_for(reader)):
        assert client.get(QUEUE).status_code == 403
        assert client.get(url(item)).status_code == 403
        assert client.get("/api/v1/review/metrics/").status_code == 403
        for action, data in [
            ("accept", {"expected_version": 2}),
            ("reject", {"reason": "no"}),
            ("duplicate", {"of": item}),
            ("assign", {"editor": "reader"}),
        ]:
            response = client.post(url(item, action), data, format="json")
            assert response.status_code == 403, (action, response.content)
            assert response.json()["error"]
    assert Event.objects.count() == before


# --- The list --------------------------------------------------------------------------------


def test_queue_lists_items_with_filters_ordering_and_pagination(
    editor_api: APIClient, editor: Any, publish: Any
) -> None:
    """Editors filter the queue by status, category, article and assignee, order it and page through it."""
    first, second = publish("first"), publish("second")
    typo = report(first, "Jon Smith", "John Smith")
    fact = report(first, "£12 million", "£14 million", category="factual")
    other = report(second, "harbour", "harbor")
    editor_api.post(url(fact, "assign"), {"editor": editor.username}, format="json")
    editor_api.post(url(other, "reject"), {"reason": "House style is British spelling."}, format="json")

    def ids(query: str) -> set[str]:
        response = editor_api.get(QUEUE + query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {typo, fact, other}
    assert ids("?status=new") == {typo}
    assert ids("?status=new&status=assigned") == {typo, fact}
    assert ids("?open=true") == {typo, fact}
    assert ids("?category=factual") == {fact}
    assert ids(f"?article={second}") == {other}
    assert ids("?assignee=me") == {fact}
    assert ids(f"?assignee={editor.username}") == {fact}
    assert ids(f"?assignee={editor.pk}") == {fact}
    assert ids("?assignee=none") == {typo, other}
    assert editor_api.get(QUEUE + "?status=bogus").status_code == 400

    ordered = editor_api.get(QUEUE + "?ordering=-received_at").json()["results"]
    assert [row["id"] for row in ordered] == [other, fact, typo]
    page = editor_api.get(QUEUE + "?ordering=received_at&page=2&page_size=2").json()
    assert page["count"] == 3 and [row["id"] for row in page["results"]] == [other]

    row = next(r for r in editor_api.get(QUEUE).json()["results"] if r["id"] == fact)
    assert row["article"] == {"slug": first, "title": "Harbour bridge to be rebuilt", "version": version_of(first)}
    assert (row["status"], row["category"], row["assignee"], row["reporter_count"]) == (
        "assigned",
        "factual",
        editor.username,
        1,
    )
    assert (row["exact"], row["suggestion"], row["outdated"]) == ("£12 million", "£14 million", False)


def test_queue_query_count_does_not_grow_with_the_page(
    editor_api: APIClient, editor: Any, publish: Any, django_assert_max_num_queries: Any
) -> None:
    """A page of 20 items with articles and assignees costs the same few queries as a page of 2."""
    for i in range(12):
        slug = publish(f"story-{i}")
        item = report(slug, "Jon Smith", "John Smith")
        if i % 2:
            editor_api.post(url(item, "assign"), {"editor": editor.username}, format="json")
    # token and user, the editor's permissions (2), count, page
    with django_assert_max_num_queries(5):
        small = editor_api.get(QUEUE + "?page_size=2")
    with django_assert_max_num_queries(5):
        large = editor_api.get(QUEUE + "?page_size=20&ordering=-received_at")
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 12


# --- One item --------------------------------------------------------------------------------


def test_detail_shows_the_selection_in_its_sentence_with_overlapping_items(editor_api: APIClient, article: str) -> None:
    """An editor sees the sentence around the selection, the change as a diff, and overlapping reports."""
    item = report(article, "Jon Smith", "John Smith")
    overlapping = report(article, "mayor, Jon", "mayor, Jonathan", category="factual")
    elsewhere = report(article, "harbour", "harbor")
    response = editor_api.get(url(item))
    assert response.status_code == 200
    data = response.json()
    assert data["context"]["before"] == "The mayor, "
    assert data["context"]["exact"] == "Jon Smith"
    assert data["context"]["after"] == ", said the work would take two years and cost £12 million."
    assert (
        data["context"]["proposed"] == "The mayor, John Smith, said the work would take two years and cost £12 million."
    )
    assert {"op": "delete", "text": "Jon"} in data["context"]["ops"]
    assert {"op": "insert", "text": "John"} in data["context"]["ops"]
    assert data["reporter_count"] == 1 and data["outdated"] is False
    assert [r["id"] for r in data["related"]] == [overlapping]
    assert elsewhere not in [r["id"] for r in data["related"]]
    assert [h["type"] for h in data["history"]] == ["SuggestionReceived"]


def test_detail_of_an_item_whose_text_is_gone_says_outdated(editor_api: APIClient, editor: Any, article: str) -> None:
    """When an edit removed the selected words, the item shows as outdated, and accepting it is refused (422)."""
    item = report(article, "Jon Smith", "John Smith")
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body=body(article).replace("The mayor, Jon Smith, said", "The mayor said"),
        meta=actor_meta(editor),
    )
    data = editor_api.get(url(item)).json()
    assert data["outdated"] is True and data["context"] is None
    before = Event.objects.count()
    response = editor_api.post(url(item, "accept"), {"expected_version": version_of(article)}, format="json")
    assert response.status_code == 422 and response.json()["error"] == "selection_not_found"
    assert Event.objects.count() == before


def test_unknown_or_malformed_ids_are_json_404s(editor_api: APIClient, article: str) -> None:
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        response = editor_api.get(url(bad))
        assert response.status_code == 404 and response.json()["error"] == "not_found"
        response = editor_api.post(url(bad, "reject"), {"reason": "x"}, format="json")
        assert response.status_code == 404


# --- Accept --------------------------------------------------------------------------------


def test_accepting_a_typo_corrects_the_article_silently_in_one_append(
    editor_api: APIClient, editor: Any, article: str
) -> None:
    """A typo fix needs no public note: the text changes, the item is accepted, and both events land together."""
    item = report(article, "Jon Smith", "John Smith")
    version = version_of(article)
    response = editor_api.post(url(item, "accept"), {"expected_version": version}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["suggestion"]["status"] == "accepted"
    assert response.json()["article_version"] == version + 2
    assert "The mayor, John Smith, said" in body(article)
    accepted, corrected = Event.objects.order_by("-position")[:2][::-1]
    assert (accepted.type, corrected.type) == ("SuggestionAccepted", "CorrectionIssued")
    assert accepted.recorded_at == corrected.recorded_at  # one append, one transaction
    assert corrected.data["suggestion_id"] == item and corrected.data["note"] == ""
    assert store.to_recorded(accepted).meta["actor"] == {"kind": "editor", "id": editor.pk, "username": editor.username}
    assert not PublicNote.objects.exists()
    row = Suggestion.objects.get(id=item)
    assert row.resolved_at is not None and row.version == accepted.version


def test_a_factual_correction_needs_a_public_note(editor_api: APIClient, article: str) -> None:
    """Accepting a factual report without a note is refused (422, nothing written); with one, the note is public."""
    item = report(article, "£12 million", "£14 million", category="factual")
    version = version_of(article)
    before = Event.objects.count()
    response = editor_api.post(url(item, "accept"), {"expected_version": version}, format="json")
    assert response.status_code == 422 and "note" in response.json()["detail"]
    assert Event.objects.count() == before and Suggestion.objects.get(id=item).status == "new"

    note = "An earlier version gave the wrong cost."
    response = editor_api.post(url(item, "accept"), {"expected_version": version, "note": note}, format="json")
    assert response.status_code == 200, response.content
    assert "cost £14 million." in body(article)
    assert list(PublicNote.objects.values_list("kind", "note")) == [("correction", note)]


def test_editor_can_edit_the_replacement_and_choose_the_kind(editor_api: APIClient, article: str) -> None:
    """The editor's own wording goes into the article, with the kind and reply they choose."""
    item = report(article, "Jon Smith", "Jonathan Smith", category="factual")
    response = editor_api.post(
        url(item, "accept"),
        {
            "replacement": "John Smith",
            "kind": "clarification",
            "note": "We have clarified the mayor's name.",
            "reply": "Thanks, fixed.",
            "expected_version": version_of(article),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "The mayor, John Smith, said" in body(article)
    assert PublicNote.objects.get().kind == "clarification"
    assert response.json()["suggestion"]["reply"] == "Thanks, fixed."


def test_accept_against_a_stale_version_is_a_conflict_and_keeps_the_item_open(
    editor_api: APIClient, article: str
) -> None:
    """If the text changed since the editor looked, accepting answers 409 with the current version; nothing lost."""
    item = report(article, "Jon Smith", "John Smith")
    seen = version_of(article)
    editor_api.post(
        f"/api/v1/articles/{article}/revisions/", {"title": "A new title", "expected_version": seen}, format="json"
    )
    before = Event.objects.count()
    response = editor_api.post(url(item, "accept"), {"expected_version": seen}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version" and response.json()["current_version"] == seen + 1
    assert Event.objects.count() == before
    assert Suggestion.objects.get(id=item).status == "new"


def test_reports_in_between_do_not_make_an_accept_stale(editor_api: APIClient, article: str) -> None:
    """Another reader's report after the editor loaded the page does not block accepting."""
    item = report(article, "Jon Smith", "John Smith")
    seen = version_of(article)
    report(article, "harbour", "harbor")
    response = editor_api.post(url(item, "accept"), {"expected_version": seen}, format="json")
    assert response.status_code == 200, response.content


def test_accept_reanchors_the_selection_in_the_current_text(editor_api: APIClient, editor: Any, article: str) -> None:
    """A revision moved the reported words: accepting corrects them where they are now."""
    item = report(article, "Jon Smith", "John Smith")
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body="UPDATED: " + body(article),
        meta=actor_meta(editor),
    )
    response = editor_api.post(url(item, "accept"), {"expected_version": version_of(article)}, format="json")
    assert response.status_code == 200, response.content
    assert body(article).startswith("UPDATED: The council") and "The mayor, John Smith, said" in body(article)


def test_an_accepted_correction_marks_overlapping_reports_edited(editor_api: APIClient, article: str) -> None:
    """After one report is accepted, another one on the same words is edited and needs an explicit replacement."""
    winner = report(article, "Jon Smith", "John Smith")
    loser = report(article, "Jon Smith", "Jonny Smith")
    response = editor_api.post(url(winner, "accept"), {"expected_version": version_of(article)}, format="json")
    assert response.status_code == 200
    item = editor_api.get(url(loser)).json()
    assert (item["anchor_state"], item["outdated"], item["exact"], item["quote"]) == (
        "edited",
        False,
        "John Smith",
        "Jon Smith",
    )
    response = editor_api.post(url(loser, "accept"), {"expected_version": version_of(article)}, format="json")
    assert response.status_code == 422
    assert "changed since" in response.json()["detail"]


def test_a_resolved_item_cannot_be_accepted_rejected_or_reassigned(
    editor_api: APIClient, editor: Any, article: str
) -> None:
    """Once rejected, every further transition answers 409 and writes nothing."""
    item = report(article, "Jon Smith", "John Smith")
    assert editor_api.post(url(item, "reject"), {"reason": "It is spelled Jon."}, format="json").status_code == 200
    before = Event.objects.count()
    for action, data in [
        ("accept", {"expected_version": version_of(article)}),
        ("reject", {"reason": "again"}),
        ("assign", {"editor": editor.username}),
        ("duplicate", {"of": report(article, "harbour", "harbor")}),
    ]:
        response = editor_api.post(url(item, action), data, format="json")
        assert response.status_code == 409, (action, response.content)
        assert response.json()["error"] == "already_resolved" and response.json()["status"] == "rejected"
    assert Event.objects.count() == before + 1  # only the new report above


def test_accept_validates_its_input(editor_api: APIClient, article: str) -> None:
    item = report(article, "Jon Smith", "John Smith")
    assert editor_api.post(url(item, "accept"), {}, format="json").status_code == 400
    response = editor_api.post(url(item, "accept"), {"expected_version": 1, "kind": "rumour"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]
    response = editor_api.post(url(item, "accept"), "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_report_without_a_proposed_fix_needs_the_editors_replacement(editor_api: APIClient, article: str) -> None:
    """A reader who only commented proposed no text: the editor must give one (an empty one would delete)."""
    item = report(article, "old harbour", "", comment="It is not that old.", category="factual")
    version = version_of(article)
    response = editor_api.post(url(item, "accept"), {"expected_version": version, "note": "Fixed."}, format="json")
    assert response.status_code == 422 and response.json()["field"] == "replacement"
    response = editor_api.post(
        url(item, "accept"), {"expected_version": version, "note": "Fixed.", "replacement": "harbour"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert "rebuild the harbour bridge" in body(article)


# --- Reject, duplicate, assign --------------------------------------------------------------


def test_reject_needs_a_reason_and_keeps_the_reply(editor_api: APIClient, article: str) -> None:
    """Rejecting records the reason in the log and the reply on the item; a missing reason is a 400."""
    item = report(article, "harbour", "harbor")
    assert editor_api.post(url(item, "reject"), {"reply": "x"}, format="json").status_code == 400
    response = editor_api.post(
        url(item, "reject"), {"reason": "British spelling.", "reply": "We use British spelling."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["suggestion"]["status"] == "rejected"
    assert response.json()["suggestion"]["reply"] == "We use British spelling."
    event = Event.objects.get(type="SuggestionRejected")
    assert event.data["reason"] == "British spelling."
    history = editor_api.get(url(item)).json()["history"]
    assert [h["type"] for h in history] == ["SuggestionReceived", "SuggestionRejected"]
    assert history[1]["actor"] == "desk"


def test_duplicates_close_into_the_original(editor_api: APIClient, publish: Any, article: str) -> None:
    """A duplicate closes and its reader counts towards the original; itself, unknown or another article's: 422."""
    original = report(article, "Jon Smith", "John Smith")
    repeat = report(article, "Jon", "John")
    foreign = report(publish("other"), "Jon Smith", "John Smith")
    for of in (repeat, "00000000-0000-0000-0000-000000000000", foreign):
        response = editor_api.post(url(repeat, "duplicate"), {"of": of}, format="json")
        assert response.status_code == 422, (of, response.content)
        assert response.json()["field"] == "of"
    assert editor_api.post(url(repeat, "duplicate"), {"of": "nope"}, format="json").status_code == 400

    response = editor_api.post(url(repeat, "duplicate"), {"of": original}, format="json")
    assert response.status_code == 200
    assert response.json()["suggestion"]["status"] == "duplicate"
    assert response.json()["suggestion"]["duplicate_of"] == original
    assert Suggestion.objects.get(id=original).reporter_count == 2
    related = editor_api.get(url(original)).json()["related"]
    assert {"id": repeat, "reason": "duplicate"}.items() <= next(r for r in related if r["id"] == repeat).items()


def test_a_duplicate_of_a_duplicate_points_to_the_original(editor_api: APIClient, article: str) -> None:
    first = report(article, "Jon Smith", "John Smith")
    second = report(article, "Jon", "John")
    third = report(article, "Smith", "Smyth")
    editor_api.post(url(second, "duplicate"), {"of": first}, format="json")
    response = editor_api.post(url(third, "duplicate"), {"of": second}, format="json")
    assert response.status_code == 422 and response.json()["original"] == first


def test_assign_by_username_or_id_to_editors_only(editor_api: APIClient, editor: Any, article: str) -> None:
    """Items are assigned to an editor by username or id; a non-editor or unknown user is refused (422)."""
    item = report(article, "Jon Smith", "John Smith")
    colleague = make_editor("colleague", staff=False)
    get_user_model().objects.create_user("reader", "r@example.com", "pw-pw-pw-pw")
    response = editor_api.post(url(item, "assign"), {"editor": "colleague"}, format="json")
    assert response.status_code == 200
    assert (response.json()["suggestion"]["status"], response.json()["suggestion"]["assignee"]) == (
        "assigned",
        "colleague",
    )
    response = editor_api.post(url(item, "assign"), {"editor": str(editor.pk)}, format="json")
    assert response.json()["suggestion"]["assignee"] == editor.username
    event = store.to_recorded(Event.objects.filter(type="SuggestionAssigned").last())
    assert event.event.to_data() == {"suggestion_id": item, "assignee_id": editor.pk, "assignee": editor.username}
    assert event.meta["actor"]["username"] == editor.username
    assert editor_api.post(url(item, "assign"), {"editor": editor.username}, format="json").status_code == 422
    for who in ("reader", "nobody", "99999"):
        response = editor_api.post(url(item, "assign"), {"editor": who}, format="json")
        assert response.status_code == 422 and response.json()["field"] == "editor", who
    assert colleague.pk


def test_the_schema_documents_the_review_endpoints(client: Any) -> None:
    paths = client.get("/api/schema/?format=json").json()["paths"]
    accept = paths["/api/v1/review/suggestions/{suggestion_id}/accept/"]["post"]
    assert {"200", "403", "409", "422"} <= set(accept["responses"])
    params = {p["name"] for p in paths["/api/v1/review/suggestions/"]["get"]["parameters"]}
    assert {"status", "category", "article", "assignee", "ordering", "page", "page_size"} <= params
    assert "/api/v1/review/metrics/" in paths


def test_the_public_event_log_does_not_show_the_desks_reasons_or_assignees(
    editor_api: APIClient, api: APIClient, editor: Any, article: str
) -> None:
    """Readers see that items were assigned, accepted or rejected, but not the reason, the reply or the editor."""
    first = report(article, "Jon Smith", "John Smith")
    second = report(article, "harbour", "harbor")
    editor_api.post(url(first, "assign"), {"editor": editor.username}, format="json")
    editor_api.post(url(first, "accept"), {"expected_version": version_of(article), "reply": "Thanks"}, format="json")
    editor_api.post(
        url(second, "reject"), {"reason": "Reader is confused.", "reply": "See style guide."}, format="json"
    )
    log = api.get(f"/api/v1/articles/{article}/events/?page_size=100").json()["results"]
    shown = {row["type"]: row["data"] for row in log}
    assert shown["SuggestionAssigned"] == {"suggestion_id": first}
    assert shown["SuggestionAccepted"] == {"suggestion_id": first}
    assert shown["SuggestionRejected"] == {"suggestion_id": second}
    assert editor.username not in str(log) and "confused" not in str(log)


def test_a_probably_resolved_item_is_closed_with_one_accept(editor_api: APIClient, article: str) -> None:
    """When a revision made the reader's fix, one accept closes the item without another correction."""
    item = report(article, "Jon Smith", "John Smith")
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body=body(article).replace("Jon Smith", "John Smith"),
        meta=actor_meta(kind="system"),
    )
    listed = editor_api.get("/api/v1/review/suggestions/", {"anchor_state": "edited"}).json()["results"]
    assert [(i["id"], i["probably_resolved"], i["exact"]) for i in listed] == [(item, True, "John Smith")]
    assert editor_api.get("/api/v1/review/suggestions/", {"anchor_state": "intact"}).json()["results"] == []
    corrections = Event.objects.filter(type="CorrectionIssued").count()
    response = editor_api.post(url(item, "accept"), {"expected_version": version_of(article)}, format="json")
    assert response.status_code == 200, response.content
    assert editor_api.get(url(item)).json()["status"] == "accepted"
    assert Event.objects.filter(type="CorrectionIssued").count() == corrections


def test_the_review_api_shows_where_a_report_went_and_why(editor_api: APIClient, article: str) -> None:
    """A report moves with its text; its history shows the re-anchoring event and the quote's diff when edited."""
    item = report(article, "work would take two years", "work would take three years")
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body="Breaking news.\n\n" + body(article),
        meta=actor_meta(kind="system"),
    )
    moved = editor_api.get(url(item)).json()
    assert (moved["anchor_state"], moved["exact"]) == ("intact", "work would take two years")
    assert body(article)[moved["start"] : moved["end"]] == "work would take two years"
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body=body(article).replace("take two years", "take about two years"),
        meta=actor_meta(kind="system"),
    )
    edited = editor_api.get(url(item)).json()
    assert (edited["anchor_state"], edited["exact"], edited["probably_resolved"]) == (
        "edited",
        "work would take about two years",
        False,
    )
    assert {"op": "insert", "text": "about "} in edited["quote_diff"]
    reanchored = [e for e in edited["history"] if e["type"] == "SuggestionReanchored"]
    assert [e["data"]["state"] for e in reanchored] == ["intact", "edited"]
