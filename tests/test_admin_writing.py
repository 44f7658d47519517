"""Editors publish, revise, correct and retract from the admin: the API's services, a diff before saving."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from corrections.models import Article, Event, PublicNote
from corrections.services import actor_meta, article_revise
from tests.conftest import ARTICLE_BODY
from tests.review_support import make_editor

pytestmark = pytest.mark.django_db

ARTICLES = "/admin/corrections/article/"


@pytest.fixture
def desk(client: Client) -> Client:
    client.force_login(make_editor("desk"))
    return client


def write_url(slug: str) -> str:
    return f"{ARTICLES}{Article.objects.get(slug=slug).pk}/write/"


def preview_then_save(desk: Client, slug: str, **fields: Any) -> Any:
    """Preview the edit (the page shows the diff), then save it with the preview's fingerprint."""
    article = Article.objects.get(slug=slug)
    data = {"action": "revise", "title": article.title, "body": article.body, "note": "", **fields}
    data.setdefault("expected_version", article.version)
    preview = desk.post(write_url(slug), {**data, "_preview": "1"})
    html = preview.content.decode()
    assert 'id="preview-diff"' in html, html
    key = re.search(r'name="preview_key" value="([0-9a-f]+)"', html)
    assert key, "no Save button after the preview"
    return desk.post(write_url(slug), {**data, "_save": "1", "preview_key": key.group(1)})


def test_an_editor_publishes_from_the_admin(desk: Client) -> None:
    """'Add article' is the publish form; it calls the service, and a taken slug is refused on its field."""
    response = desk.post(f"{ARTICLES}add/", {"slug": "new-story", "title": "New story", "body": "Words.\n\nMore."})
    article = Article.objects.get(slug="new-story")
    assert response.status_code == 302 and response["Location"] == f"{ARTICLES}{article.pk}/change/"
    assert Event.objects.get(type="ArticlePublished").meta["actor"]["username"] == "desk"
    again = desk.post(f"{ARTICLES}add/", {"slug": "new-story", "title": "Again", "body": "x"})
    assert again.status_code == 200 and "already taken" in again.content.decode()


def test_the_diff_is_shown_before_anything_is_saved(desk: Client, article: str) -> None:
    body = ARTICLE_BODY.replace("two years", "three years")
    response = desk.post(
        write_url(article),
        {
            "action": "revise",
            "title": "Harbour bridge to be rebuilt",
            "body": body,
            "expected_version": 1,
            "_preview": "1",
        },
    )
    html = response.content.decode()
    assert "<del>two</del><ins>three</ins>" in html and 'id="save"' in html
    assert Event.objects.count() == 1  # nothing written by a preview


def test_saving_something_other_than_the_preview_previews_again(desk: Client, article: str) -> None:
    body = ARTICLE_BODY.replace("two years", "three years")
    data = {"action": "revise", "title": "T", "body": body, "note": "", "expected_version": 1}
    response = desk.post(write_url(article), {**data, "_save": "1", "preview_key": "0" * 64})
    assert 'id="preview-diff"' in response.content.decode() and Event.objects.count() == 1


def test_an_editor_revises_with_or_without_a_note(desk: Client, article: str) -> None:
    response = preview_then_save(desk, article, title="Bridge to be rebuilt")
    assert response.status_code == 302 and Article.objects.get(slug=article).title == "Bridge to be rebuilt"
    assert not PublicNote.objects.exists()
    body = ARTICLE_BODY.replace("two years", "three years")
    preview_then_save(desk, article, body=body, note="The work will take three years.")
    assert PublicNote.objects.get().kind == "revision"


def test_an_editor_issues_a_correction_not_prompted_by_a_reader(desk: Client, client: Client, article: str) -> None:
    """A correction from the admin changes only the edited words and publishes its note."""
    body = ARTICLE_BODY.replace("Jon Smith", "John Smith").replace("since 2019", "since 2018")
    response = preview_then_save(desk, article, action="correction", body=body, note="We misspelled the mayor.")
    assert response.status_code == 302
    row = Article.objects.get(slug=article)
    assert row.body == body and row.notes.get().kind == "correction"
    changes = Event.objects.get(type="CorrectionIssued").data["changes"]
    assert [(c["exact"], c["replacement"]) for c in changes] == [("Jon", "John"), ("2019", "2018")]
    assert "Corrected" in client.get(f"/articles/{article}/").content.decode()


def test_a_correction_needs_its_note_on_the_field(desk: Client, article: str) -> None:
    body = ARTICLE_BODY.replace("two years", "three years")
    response = preview_then_save(desk, article, action="clarification", body=body)
    html = response.content.decode()
    assert response.status_code == 200 and html.count("A public note is required") == 1
    assert Event.objects.count() == 1


def test_a_stale_edit_is_refused_and_offered_again(desk: Client, article: str) -> None:
    """Someone else's revision in between: nothing is overwritten, the form moves to the new version."""
    body = ARTICLE_BODY.replace("two years", "three years")
    article_revise(slug=article, expected_version=1, title="Someone else's title", meta=actor_meta())
    response = preview_then_save(desk, article, body=body, expected_version=1, title="Harbour bridge to be rebuilt")
    html = response.content.decode()
    assert response.status_code == 200 and "changed since version" in html
    assert 'name="expected_version" value="2"' in html
    assert Article.objects.get(slug=article).title == "Someone else's title"


def test_an_editor_retracts_from_the_admin(desk: Client, article: str) -> None:
    response = preview_then_save(desk, article, action="retract", note="The story was wrong.")
    assert response.status_code == 302 and Article.objects.get(slug=article).status == "retracted"


def test_people_who_are_not_editors_cannot_write(client: Client, article: str) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("intern", "i@e.org", "pw-pw-pw-pw", is_staff=True))
    assert client.get(write_url(article)).status_code == 403
    assert client.post(f"{ARTICLES}add/", {"slug": "x", "title": "x", "body": "x"}).status_code == 403
