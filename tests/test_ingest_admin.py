"""Editors manage sources and answer unannounced edits in the admin; every save and action goes through services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corrections.models import Article, PublicNote, Source, TrackedPage, UnannouncedEdit
from corrections.services import sources as source_services

from .newsroom import Newsroom, newsroom_fixture  # noqa: F401
from .review_support import make_editor

pytestmark = pytest.mark.django_db

SOURCES = "/admin/corrections/source/"
EDITS = "/admin/corrections/unannouncededit/"


@pytest.fixture
def desk() -> Client:
    client = Client()
    client.force_login(make_editor("web-editor"))
    return client


def add(desk: Client, **fields: Any) -> Any:
    data = {"name": "", "kind": "feed", "url": "", "selector": "", "interval_minutes": 15, "active": "on", **fields}
    return desk.post(f"{SOURCES}add/", data, follow=True)


def test_an_editor_adds_a_feed_in_the_admin(desk: Client, newsroom: Newsroom) -> None:
    """The add form creates the source through the service, and the list shows its health."""
    response = add(desk, name="Gazette feed", url=newsroom.url("/feed.xml"), selector=".story-body")
    assert response.status_code == 200
    source = Source.objects.get()
    assert (source.name, source.selector, source.created_by.username) == ("Gazette feed", ".story-body", "web-editor")
    assert "Not polled yet" in desk.get(SOURCES).content.decode()


def test_a_webhook_secret_is_shown_once_in_the_admin(desk: Client) -> None:
    """Adding a webhook source shows its secret in a message once; its page never shows it."""
    page = add(desk, kind="webhook", name="Ghost").content.decode()
    source = Source.objects.get()
    assert source.secret in page and "/webhook/" in page
    assert source.secret not in desk.get(f"{SOURCES}{source.pk}/change/").content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://news.example/feed"}, "Only http and https"),
        ({"url": "https://x.example/", "selector": "p[["}, "not a CSS selector"),
    ],
)
def test_a_source_that_cannot_work_is_refused_in_the_form(desk: Client, fields: dict[str, str], message: str) -> None:
    """The form shows why, in words, and saves nothing."""
    page = add(desk, **fields).content.decode()
    assert message in page
    assert not Source.objects.exists()


def test_poll_now_brings_articles_in(desk: Client, newsroom: Newsroom, django_capture_on_commit_callbacks: Any) -> None:
    """The 'Poll selected sources now' action polls at once in eager mode; the list then counts the articles."""
    source = source_services.source_create(kind="feed", url=newsroom.url("/feed.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(SOURCES, {"action": "poll_now", "_selected_action": [source.pk]}, follow=True)
    assert Article.objects.count() == 2
    page = desk.get(SOURCES).content.decode()
    assert "OK" in page


def test_an_editor_pauses_a_source(desk: Client) -> None:
    """Pause is an action; deleting is not offered (the articles and their history stay)."""
    source = source_services.source_create(kind="sitemap", url="https://news.example/sitemap.xml")
    desk.post(SOURCES, {"action": "pause", "_selected_action": [source.pk]}, follow=True)
    source.refresh_from_db()
    assert source.active is False
    assert desk.get(f"{SOURCES}{source.pk}/delete/").status_code == 403


@pytest.fixture
def silent_edit(newsroom: Newsroom) -> UnannouncedEdit:
    source = source_services.source_create(kind="feed", url=newsroom.url("/feed.xml"), selector=".story-body")
    source_services.source_poll(source_id=source.pk)
    story = newsroom.stories["harbour-bridge"]
    story.edit([p.replace("Jon Smith", "John Smith") for p in story.paragraphs])
    earlier = timezone.now() - timedelta(hours=2)
    TrackedPage.objects.update(first_seen_at=earlier - timedelta(hours=2), last_checked_at=earlier)
    source_services.source_poll(source_id=source.pk)
    return UnannouncedEdit.objects.get()


def test_the_queue_opens_on_open_edits_with_their_diff(desk: Client, silent_edit: UnannouncedEdit) -> None:
    """The queue lists open edits; an edit's page shows what the site changed, word by word."""
    listing = desk.get(EDITS, follow=True)
    assert listing.redirect_chain[-1][0].endswith("?status__exact=open")
    assert "Harbour bridge to be rebuilt" in listing.content.decode()
    page = desk.get(f"{EDITS}{silent_edit.pk}/change/").content.decode()
    assert "<del>Jon</del>" in page and "<ins>John</ins>" in page


def test_an_editor_attaches_a_public_note(desk: Client, silent_edit: UnannouncedEdit) -> None:
    """The note action asks for the note first, then publishes it."""
    ask = desk.post(EDITS, {"action": "note_selected", "_selected_action": [silent_edit.pk]})
    assert "Attach a public note" in ask.content.decode()
    note = "An earlier version misspelled the mayor's name."
    data = {"action": "note_selected", "_selected_action": [silent_edit.pk], "apply": "yes", "note": note}
    done = desk.post(EDITS, data, follow=True)
    assert "1 edit noted." in done.content.decode()
    assert PublicNote.objects.get().note == note
    silent_edit.refresh_from_db()
    assert silent_edit.status == "noted"


def test_an_editor_marks_an_edit_as_needing_no_note(desk: Client, silent_edit: UnannouncedEdit) -> None:
    """'No note needed' records the decision; a second answer is skipped with the reason."""
    data = {"action": "waive_selected", "_selected_action": [silent_edit.pk], "apply": "yes", "reason": "typo"}
    desk.post(EDITS, data, follow=True)
    silent_edit.refresh_from_db()
    assert (silent_edit.status, silent_edit.resolution) == ("waived", "typo")
    again = desk.post(EDITS, {**data, "action": "note_selected", "note": "Late."}, follow=True).content.decode()
    assert "1 skipped" in again and "already answered" in again


def test_staff_without_the_desk_permission_see_neither_screen(silent_edit: UnannouncedEdit) -> None:
    """Only editors see sources and the queue."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_user("intern", "i@example.com", "pw", is_staff=True))
    assert client.get(SOURCES).status_code == 403
    assert client.get(EDITS, follow=True).status_code == 403
