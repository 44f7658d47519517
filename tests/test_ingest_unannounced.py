"""Silent edits caught: a site revision without a desk correction waits in a queue until the desk answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from corrections import integrity, services
from corrections.domain.events import ArticleRevised, decode
from corrections.models import Article, Event, PublicNote, Source, TrackedPage, UnannouncedEdit
from corrections.services import sources as source_services

from .newsroom import Newsroom, newsroom_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(newsroom: Newsroom) -> Source:
    source = source_services.source_create(kind="feed", url=newsroom.url("/feed.xml"), selector=".story-body")
    source_services.source_poll(source_id=source.pk)
    return source


def site_edit(newsroom: Newsroom, source: Source, old: str, new: str) -> None:
    story = newsroom.stories["harbour-bridge"]
    story.edit([p.replace(old, new) for p in story.paragraphs])
    earlier = timezone.now() - timedelta(hours=2)
    TrackedPage.objects.update(first_seen_at=earlier - timedelta(hours=2), last_checked_at=earlier)
    source_services.source_poll(source_id=source.pk)


def test_the_queue_shows_the_edit_with_its_diff(editor_api: Any, newsroom: Newsroom, source: Source) -> None:
    """Editors see each unannounced edit with what the site changed."""
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    [row] = editor_api.get("/api/v1/review/unannounced/").json()["results"]
    assert (row["article"], row["version"], row["status"]) == ("harbour-bridge", 2, "open")
    diff = editor_api.get(f"/api/v1/review/unannounced/{row['id']}/").json()["diff"]
    assert {"op": "delete", "text": "Jon"} in diff["ops"] and {"op": "insert", "text": "John"} in diff["ops"]


def test_a_note_after_the_fact_is_public(editor_api: Any, api: Any, newsroom: Newsroom, source: Source) -> None:
    """An editor attaches a public note; readers see it among the corrections and in the history."""
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    edit = UnannouncedEdit.objects.get()
    note = "An earlier version misspelled the mayor's name."
    response = editor_api.post(f"/api/v1/review/unannounced/{edit.id}/note/", {"note": note}, format="json")
    assert response.status_code == 201, response.json()
    edit.refresh_from_db()
    assert (edit.status, edit.resolution) == ("noted", note)
    article = api.get("/api/v1/articles/harbour-bridge/").json()
    assert [c["note"] for c in article["corrections"]] == [note]
    history = api.get("/articles/harbour-bridge/history/").content.decode()
    assert "Note added afterwards" in history and "misspelled the mayor" in history
    assert editor_api.get("/api/v1/review/unannounced/").json()["results"] == []


def test_an_edit_can_be_marked_as_needing_no_note(
    editor_api: Any, api: Any, newsroom: Newsroom, source: Source
) -> None:
    """A typo fixed on the site can be marked as needing no note; the history still says it was unannounced."""
    site_edit(newsroom, source, "campaigned", "campaigned hard")
    edit = UnannouncedEdit.objects.get()
    response = editor_api.post(f"/api/v1/review/unannounced/{edit.id}/waive/", {"reason": "style"}, format="json")
    assert response.status_code == 201
    edit.refresh_from_db()
    assert edit.status == "waived"
    assert not PublicNote.objects.exists()
    assert "Unannounced edit" in api.get("/articles/harbour-bridge/history/").content.decode()
    again = editor_api.post(f"/api/v1/review/unannounced/{edit.id}/note/", {"note": "Late note."}, format="json")
    assert again.status_code == 422 and "already answered" in again.json()["detail"]


def test_readers_cannot_see_or_answer_the_queue(api: Any, newsroom: Newsroom, source: Source) -> None:
    """The queue is for editors only."""
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    edit = UnannouncedEdit.objects.get()
    assert api.get("/api/v1/review/unannounced/").status_code in (401, 403)
    assert api.post(f"/api/v1/review/unannounced/{edit.id}/waive/", {}, format="json").status_code in (401, 403)


def test_a_site_that_catches_up_with_a_desk_correction_appends_nothing(newsroom: Newsroom, source: Source) -> None:
    """A correction issued in Newsdesk and then made on the site is not a second, unannounced edit."""
    article = Article.objects.get(slug="harbour-bridge")
    services.correction_issue(
        slug=article.slug,
        expected_version=article.version,
        kind="correction",
        note="The mayor's name was misspelled.",
        changes=[services_change("Jon Smith", "John Smith")],
        meta=services.actor_meta(kind="system"),
    )
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    assert Event.objects.filter(stream_id=article.id).count() == 2
    assert not UnannouncedEdit.objects.exists()


def services_change(exact: str, replacement: str) -> Any:
    from corrections.domain.commands import ChangeRequest

    return ChangeRequest(exact=exact, replacement=replacement)


def test_the_queue_is_rebuilt_from_the_log(newsroom: Newsroom, source: Source) -> None:
    """rebuild_projections reproduces the queue and the notes added after the fact."""
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    site_edit(newsroom, source, "2019", "2018")
    first, _second = UnannouncedEdit.objects.order_by("version")
    from corrections.services.unannounced import unannounced_note_add

    unannounced_note_add(edit_id=first.id, note="Name corrected.", meta=services.actor_meta(kind="system"))
    before = list(UnannouncedEdit.objects.order_by("version").values_list("version", "status", "resolution"))
    notes = list(PublicNote.objects.values_list("version", "note"))
    call_command("rebuild_projections", verbosity=0)
    assert list(UnannouncedEdit.objects.order_by("version").values_list("version", "status", "resolution")) == before
    assert list(PublicNote.objects.values_list("version", "note")) == notes
    assert before == [(2, "noted", "Name corrected."), (3, "open", "")]


def test_old_revisions_read_as_made_by_an_editor(article: str) -> None:
    """A revision stored before origins existed (schema 1) reads as an editor's."""
    event = decode("ArticleRevised", 1, {"title": None, "body": "New.", "note": ""})
    assert isinstance(event, ArticleRevised) and event.origin == "editor"
    assert integrity.verify()[1] is None


def test_the_public_log_says_where_a_revision_came_from(
    api: Any, editor_api: Any, newsroom: Newsroom, source: Source
) -> None:
    """The public event log shows a site revision's origin and the desk's answer, not its internal reason."""
    site_edit(newsroom, source, "Jon Smith", "John Smith")
    edit = UnannouncedEdit.objects.get()
    editor_api.post(f"/api/v1/review/unannounced/{edit.id}/waive/", {"reason": "internal: style"}, format="json")
    events = api.get("/api/v1/articles/harbour-bridge/events/").json()["results"]
    assert [(e["type"], e["meta"]["actor"]["kind"]) for e in events] == [
        ("ArticlePublished", "site"),
        ("ArticleRevised", "site"),
        ("RevisionNoteWaived", "editor"),
    ]
    assert events[1]["data"]["origin"] == "site"
    assert "internal" not in str(events) and "source" not in str(events[1]["meta"])


def test_a_site_publication_time_is_kept_and_desk_articles_are_unchanged() -> None:
    """The site's publication time folds into the article; an article published here keeps its data as it was."""
    from datetime import UTC, datetime

    from corrections.domain.events import ArticlePublished, Recorded
    from corrections.domain.state import ArticleState, apply

    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    site = ArticlePublished(slug="a", title="A", body="B", first_published="2026-11-20T08:00:00+00:00")
    future = ArticlePublished(slug="a", title="A", body="B", first_published="2027-01-01T00:00:00+00:00")
    assert apply(ArticleState(), Recorded("s", 1, site, now)).published_at == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert apply(ArticleState(), Recorded("s", 1, future, now)).published_at == now
    assert "first_published" not in ArticlePublished(slug="a", title="A", body="B").to_data()
