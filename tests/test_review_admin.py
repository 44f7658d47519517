"""Editors work the queue in the Django admin; the event log there is read-only for everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from corrections import store
from corrections.models import Article, Event, PublicNote, Suggestion
from corrections.services import actor_meta, article_revise

from .review_support import make_editor, report, version_of

pytestmark = pytest.mark.django_db

QUEUE = "/admin/corrections/suggestion/"


@pytest.fixture
def desk(db: Any) -> Any:
    return make_editor("desk")


@pytest.fixture
def browser(client: Client, desk: Any) -> Client:
    """The Django test client, logged in as an editor (staff, in the Editors group, not a superuser)."""
    client.force_login(desk)
    return client


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- The queue ---------------------------------------------------------------------------------


def test_a_long_queue_pages_in_urgency_order_and_the_filters_name_only_what_they_need(
    browser: Client, publish: Any, article: str, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    """Page after page in the worklist's order (keys sorted first, rows read after), whatever the page size;
    the article filter shows only the chosen article, the assignee filter the desk's editors."""
    from corrections.admin.suggestions import SuggestionAdmin
    from corrections.selectors import review as review_selectors

    monkeypatch.setattr(SuggestionAdmin, "list_per_page", 3)
    items = [report(article, word, f"{word}s") for word in ("Jon", "Smith", "£12", "million", "council")]
    items.append(report(article, "voted", "decided", category="factual"))
    items.append(report(publish("other"), "harbour", "harbor", category="legal"))
    expected = [str(pk) for pk in review_selectors.worklist().values_list("pk", flat=True)]
    assert sorted(expected) == sorted(items)
    shown = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(14):
            response = browser.get(f"{QUEUE}?p={number}")
        shown += [str(item.pk) for item in response.context["cl"].result_list]
    assert shown == expected  # the legal report first, then the factual one, then the typos oldest first

    html = page(browser.get(QUEUE))
    assert ">other<" not in html.split('id="changelist-filter"')[1]  # no article is offered until one is chosen
    other = Article.objects.get(slug="other")
    filtered = page(browser.get(f"{QUEUE}?article__id__exact={other.id}"))
    assert "harbour" in filtered and "Jon" not in filtered
    editors = html.split('id="changelist-filter"')[1]
    assert "assignee__id__exact=" in editors and ">desk<" in editors
    for bad in (
        "?article__id__exact=not-a-uuid",
        "?assignee__id__exact=x",
        "?assignee__id__exact=²",
        "?assignee__id__exact=" + "9" * 30,
    ):
        response = browser.get(QUEUE + bad)
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), bad


def test_editor_sees_the_queue_with_counts_filters_and_search(browser: Client, publish: Any, article: str) -> None:
    """The changelist lists items with counts by status, filters by status and category, and searches the text."""
    typo = report(article, "Jon Smith", "John Smith")
    fact = report(article, "£12 million", "£14 million", category="factual")
    other = report(publish("other"), "harbour", "harbor")
    Suggestion.objects.filter(id=other).update(status="rejected")  # read models are test fixtures here
    html = page(browser.get(QUEUE))
    assert "Jon Smith" in html and "£12 million" in html and "Desk metrics" in html
    assert 'data-status="new">new <span class="count">2</span>' in html
    assert 'data-status="rejected">rejected <span class="count">1</span>' in html
    assert "2 open" in html

    def listed(query: str) -> set[str]:
        response = browser.get(QUEUE + query)
        assert response.status_code == 200
        return {str(item.pk) for item in response.context["cl"].result_list}

    assert listed("?status__exact=new") == {typo, fact}
    assert listed("?category__exact=factual") == {fact}
    assert listed("?q=Smith") == {typo}
    assert listed(f"?article__id__exact={Article.objects.get(slug='other').id}&queue=all") == {other}
    assert listed("") == {typo, fact}  # the queue opens on open items
    assert listed("?queue=resolved") == {other} and listed("?status__exact=rejected") == {other}


def test_people_who_are_not_editors_cannot_open_the_queue(client: Client, article: str) -> None:
    """Staff without the Editors group get 403; anonymous visitors are sent to the login page."""
    report(article, "Jon Smith", "John Smith")
    assert client.get(QUEUE).status_code == 302
    staff = get_user_model().objects.create_user("intern", "i@example.com", "pw-pw-pw-pw", is_staff=True)
    client.force_login(staff)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}metrics/").status_code == 403


def test_nothing_in_the_queue_can_be_added_changed_or_deleted_through_forms(browser: Client, article: str) -> None:
    item = report(article, "Jon Smith", "John Smith")
    assert browser.get(f"{QUEUE}add/").status_code == 403
    assert browser.get(f"{QUEUE}{item}/delete/").status_code == 403
    actions = [choice[0] for choice in browser.get(QUEUE).context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"assign_to_me", "mark_duplicates_of_oldest", "reject_selected"} <= set(actions)


# --- One item ------------------------------------------------------------------------------------


def test_detail_highlights_the_selection_in_its_sentence_and_shows_the_diff(browser: Client, article: str) -> None:
    item = report(article, "Jon Smith", "John Smith")
    overlapping = report(article, "mayor, Jon", "mayor, Jonathan")
    html = page(browser.get(f"{QUEUE}{item}/change/"))
    assert "The mayor, <mark>Jon Smith</mark>, said the work would take two years and cost £12 million." in html
    assert "<del>Jon</del><ins>John</ins>" in html
    assert 'id="accept-form"' in html and 'id="reject-form"' in html and 'id="assign-form"' in html
    assert f"{QUEUE}{overlapping}/change/" in html  # related, overlapping
    assert html.count('name="expected_version"') == 1


def test_editor_accepts_from_the_detail_page(browser: Client, desk: Any, article: str) -> None:
    """The accept form corrects the article through the service, with the editor in the events' meta."""
    item = report(article, "Jon Smith", "John Smith")
    response = browser.post(
        f"{QUEUE}{item}/change/",
        {
            "action": "accept",
            "replacement": "John Smith",
            "kind": "correction",
            "note": "",
            "reply": "",
            "expected_version": version_of(article),
        },
        follow=True,
    )
    assert any("Accepted" in m for m in messages_of(response))
    assert "The mayor, John Smith, said" in Article.objects.get(slug=article).body
    assert Suggestion.objects.get(id=item).status == "accepted"
    event = store.to_recorded(Event.objects.get(type="SuggestionAccepted"))
    assert event.meta["actor"]["username"] == "desk"
    assert 'id="accept-form"' not in page(browser.get(f"{QUEUE}{item}/change/"))  # resolved: no more forms


def test_a_stale_accept_in_the_admin_shows_the_conflict_and_writes_nothing(
    browser: Client, desk: Any, article: str
) -> None:
    """If the article changed since the page was loaded, the editor is told and the form is offered again."""
    item = report(article, "Jon Smith", "John Smith")
    seen = version_of(article)
    article_revise(slug=article, expected_version=seen, title="New title", meta=actor_meta(desk))
    before = Event.objects.count()
    response = browser.post(
        f"{QUEUE}{item}/change/",
        {"action": "accept", "replacement": "John Smith", "kind": "correction", "expected_version": seen},
    )
    html = page(response)
    assert "has changed since version" in html
    assert f'name="expected_version" value="{seen + 1}"' in html
    assert Event.objects.count() == before and Suggestion.objects.get(id=item).status == "new"


def test_a_factual_accept_without_a_note_is_refused_in_the_admin(browser: Client, article: str) -> None:
    item = report(article, "£12 million", "£14 million", category="factual")
    html = page(
        browser.post(
            f"{QUEUE}{item}/change/",
            {"action": "accept", "replacement": "£14 million", "kind": "correction", "expected_version": 2},
        )
    )
    assert "A public note is required" in html
    assert not PublicNote.objects.exists() and Suggestion.objects.get(id=item).status == "new"


def test_editor_rejects_marks_duplicate_and_assigns_from_the_detail_page(
    browser: Client, desk: Any, article: str
) -> None:
    first = report(article, "Jon Smith", "John Smith")
    second = report(article, "Jon", "John")
    third = report(article, "harbour", "harbor")
    browser.post(f"{QUEUE}{first}/change/", {"action": "assign", "editor": "desk"})
    browser.post(f"{QUEUE}{second}/change/", {"action": "duplicate", "of": first})
    browser.post(f"{QUEUE}{third}/change/", {"action": "reject", "reason": "British spelling.", "reply": "We use it."})
    rows = {str(s.id): s for s in Suggestion.objects.all()}
    assert (rows[first].status, rows[first].assignee, rows[first].reporter_count) == ("assigned", desk, 2)
    assert (rows[second].status, str(rows[second].duplicate_of_id)) == ("duplicate", first)
    assert (rows[third].status, rows[third].reply) == ("rejected", "We use it.")
    assert Event.objects.get(type="SuggestionRejected").data["reason"] == "British spelling."
    # A refused form re-renders with the reason, and writes nothing.
    html = page(browser.post(f"{QUEUE}{first}/change/", {"action": "reject", "reason": ""}))
    assert "This field is required." in html and Suggestion.objects.get(id=first).status == "assigned"


def test_each_review_form_posts_to_its_own_admin_view(browser: Client, article: str, client: Client) -> None:
    """The review page's forms post to one view per action; a reader cannot use them."""
    item = report(article, "Jon Smith", "John Smith")
    html = page(browser.get(f"{QUEUE}{item}/change/"))
    for action in ("accept", "reject", "duplicate", "assign"):
        if action != "duplicate":  # offered only when the article has another suggestion
            assert f'action="{QUEUE}{item}/{action}/"' in html
    assert browser.get(f"{QUEUE}{item}/reject/").status_code == 302  # nothing happens on a GET
    response = browser.post(f"{QUEUE}{item}/reject/", {"reason": "House style.", "reply": ""}, follow=True)
    assert "Rejected." in messages_of(response)
    assert Suggestion.objects.get(id=item).status == "rejected"
    reader = get_user_model().objects.create_user("reader", password="x", is_staff=True)
    client.force_login(reader)
    assert client.post(f"{QUEUE}{item}/assign/", {"editor": "desk"}).status_code == 403


# --- Bulk actions ------------------------------------------------------------------------------------


def test_bulk_assign_to_me(browser: Client, desk: Any, article: str) -> None:
    items = [report(article, "Jon Smith", "John Smith"), report(article, "harbour", "harbor")]
    closed = report(article, "Tuesday", "Monday")
    Suggestion.objects.filter(id=closed).update(status="rejected")
    response = browser.post(
        QUEUE + "?queue=all", {"action": "assign_to_me", "_selected_action": [*items, closed], "index": 0}, follow=True
    )
    assert "2 suggestions assigned to you. 1 skipped" in " ".join(messages_of(response))
    assert set(Suggestion.objects.filter(assignee=desk).values_list("status", flat=True)) == {"assigned"}
    assert Suggestion.objects.filter(assignee=desk).count() == 2


def test_bulk_mark_duplicates_of_the_oldest(browser: Client, publish: Any, article: str) -> None:
    oldest = report(article, "Jon Smith", "John Smith")
    repeats = [report(article, "Jon", "John"), report(article, "Smith", "Smithe")]
    browser.post(QUEUE, {"action": "mark_duplicates_of_oldest", "_selected_action": [oldest, *repeats], "index": 0})
    assert set(Suggestion.objects.filter(status="duplicate").values_list("id", flat=True).order_by()) == {
        Suggestion.objects.get(id=r).id for r in repeats
    }
    assert Suggestion.objects.get(id=oldest).reporter_count == 3
    # Items on different articles cannot be duplicates of each other.
    elsewhere = report(publish("other"), "Jon Smith", "John Smith")
    fresh = report(article, "harbour", "harbor")
    response = browser.post(
        QUEUE, {"action": "mark_duplicates_of_oldest", "_selected_action": [fresh, elsewhere], "index": 0}, follow=True
    )
    assert "same article" in " ".join(messages_of(response))
    assert Suggestion.objects.get(id=elsewhere).status == "new"


def test_bulk_reject_asks_for_a_reason_first(browser: Client, article: str) -> None:
    """Rejecting several items shows a confirmation page asking for the reason, then rejects them all."""
    items = [report(article, "harbour", "harbor"), report(article, "Tuesday", "tuesday")]
    html = page(browser.post(QUEUE, {"action": "reject_selected", "_selected_action": items, "index": 0}))
    assert 'name="reason"' in html and "harbour" in html
    assert not Suggestion.objects.filter(status="rejected").exists()
    browser.post(
        QUEUE,
        {"action": "reject_selected", "_selected_action": items, "apply": "yes", "reason": "House style.", "reply": ""},
    )
    assert Suggestion.objects.filter(status="rejected").count() == 2
    assert list(Event.objects.filter(type="SuggestionRejected").values_list("data__reason", flat=True)) == [
        "House style.",
        "House style.",
    ]


# --- Articles, their logs and diffs ----------------------------------------------------------------------


def test_article_log_lists_every_event_with_links_to_diffs(browser: Client, desk: Any, article: str) -> None:
    item = report(article, "Jon Smith", "John Smith")
    browser.post(
        f"{QUEUE}{item}/change/",
        {
            "action": "accept",
            "replacement": "John Smith",
            "kind": "correction",
            "expected_version": version_of(article),
        },
    )
    article_id = Article.objects.get(slug=article).id
    html = page(browser.get(f"/admin/corrections/article/{article_id}/change/"))
    for event_type in ("ArticlePublished", "SuggestionReceived", "SuggestionAccepted", "CorrectionIssued"):
        assert event_type in html
    assert f"/articles/{article}/history/" in html
    assert f"/admin/corrections/article/{article_id}/diff/?from=1&amp;to=4" in html
    diff = page(browser.get(f"/admin/corrections/article/{article_id}/diff/?from=1&to=4"))
    assert "<del>Jon</del><ins>John</ins>" in diff
    assert browser.get(f"/admin/corrections/article/{article_id}/diff/?from=1&to=99").status_code == 302
    latest = page(browser.get(f"/admin/corrections/article/{article_id}/diff/"))
    assert "version 1 → 4" in latest  # the text version before the latest, not the event just before it
    assert 'id="publish-form"' in page(browser.get("/admin/corrections/article/add/"))  # publishing, via the service
    assert browser.get(f"/admin/corrections/article/{article_id}/delete/").status_code == 403


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_can_edit_or_delete_an_event_in_the_admin(
    client: Client, desk: Any, article: str, superuser: bool
) -> None:
    """The event log is read-only in the admin for editors and superusers alike: no add, change, delete."""
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-pw-pw-pw") if superuser else desk
    client.force_login(user)
    event = Event.objects.get()
    listing = client.get("/admin/corrections/event/")
    assert listing.status_code == 200 and "ArticlePublished" in listing.content.decode()
    assert listing.context["action_form"] is None  # no bulk delete
    assert client.get(f"/admin/corrections/event/{event.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/corrections/event/{event.pk}/change/", {"type": "Forged"}).status_code == 403
    assert client.get(f"/admin/corrections/event/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/corrections/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/corrections/event/add/").status_code == 403
    assert Event.objects.get().type == "ArticlePublished"


def test_event_log_search_finds_an_articles_stream(browser: Client, publish: Any, article: str) -> None:
    publish("other")
    article_id = Article.objects.get(slug=article).id
    response = browser.get(f"/admin/corrections/event/?q={article_id}")
    assert [str(e.stream_id) for e in response.context["cl"].result_list] == [str(article_id)]


def test_the_review_page_shows_what_revisions_did_and_closes_a_fixed_item_in_one_click(
    browser: Client, desk: Any, article: str
) -> None:
    """A passage the editors already fixed shows as edited with its diff, and one click closes the report."""
    item = report(article, "Jon Smith", "John Smith")
    fixed = Article.objects.get(slug=article).body.replace("Jon Smith", "John Smith")
    article_revise(slug=article, expected_version=version_of(article), body=fixed, meta=actor_meta(desk))
    html = page(browser.get(f"{QUEUE}{item}/change/"))
    assert 'id="anchor-state">Edited · <strong>probably resolved</strong>' in html
    assert "<del>Jon</del><ins>John</ins>" in html and 'id="close-resolved-form"' in html
    assert "The passage: edited, probably resolved" in html
    corrections = Event.objects.filter(type="CorrectionIssued").count()
    response = browser.post(
        f"{QUEUE}{item}/close_resolved/", {"expected_version": version_of(article), "reply": "Thanks!"}, follow=True
    )
    assert "Closed: a revision had already made the reader's fix." in messages_of(response)
    assert Suggestion.objects.get(id=item).status == "accepted"
    assert Event.objects.filter(type="CorrectionIssued").count() == corrections


def test_the_queue_filters_by_what_happened_to_the_passage(browser: Client, desk: Any, article: str) -> None:
    """Editors can list only the reports whose passage was edited, deleted or is probably resolved."""
    kept = report(article, "harbour bridge", "harbor bridge")
    fixed = report(article, "Jon Smith", "John Smith")
    gone = report(article, "since 2019", "since 2018")
    body = Article.objects.get(slug=article).body.replace("Jon Smith", "John Smith")
    body = body.replace("\n\nResidents have campaigned for a new bridge since 2019.", "")
    article_revise(slug=article, expected_version=version_of(article), body=body, meta=actor_meta(desk))

    def listed(query: str) -> set[str]:
        return {str(row.pk) for row in browser.get(QUEUE + query).context["cl"].result_list}

    assert listed("?anchor_state__exact=intact") == {kept}
    assert listed("?anchor_state__exact=edited") == {fixed}
    assert listed("?anchor_state__exact=deleted") == {gone}
    assert listed("?probably_resolved__exact=1") == {fixed}


def test_bulk_close_of_items_a_revision_already_fixed(browser: Client, desk: Any, article: str) -> None:
    """The bulk action closes the probably-resolved items among those selected and leaves the others open."""
    fixed = report(article, "Jon Smith", "John Smith")
    other = report(article, "harbour bridge", "harbor bridge")
    body = Article.objects.get(slug=article).body.replace("Jon Smith", "John Smith")
    article_revise(slug=article, expected_version=version_of(article), body=body, meta=actor_meta(desk))
    response = browser.post(
        QUEUE, {"action": "close_probably_resolved", "_selected_action": [fixed, other]}, follow=True
    )
    assert "1 suggestion closed as already fixed. 1 skipped" in " ".join(messages_of(response))
    assert Suggestion.objects.get(id=fixed).status == "accepted" and Suggestion.objects.get(id=other).status == "new"
