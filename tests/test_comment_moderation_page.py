"""Moderation in one place: a comment's page shows its thread and flag reasons, with approve, hide and restore."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from corrections import services
from corrections.models import Comment, Event
from corrections.services import comments as comment_services

pytestmark = pytest.mark.django_db

LIST = "/admin/corrections/comment/"
READER = {"actor": {"kind": "reader"}}


@pytest.fixture
def desk(editor: Any) -> Client:
    editor.is_staff = True
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


def post(slug: str, body: str, parent: Comment | None = None) -> Comment:
    recorded = comment_services.comment_post(
        slug=slug,
        body=body,
        author_name="Ann",
        parent_id=str(parent.id) if parent else None,
        meta=services.actor_meta(kind="reader"),
    )
    return Comment.objects.get(id=recorded.event.comment_id)  # type: ignore[attr-defined]


def test_the_list_shows_flag_reasons_and_moderation_counts(desk: Client, article: str, settings: Any) -> None:
    """Readers' reasons appear beside the flag count; pending and flagged comments have their own counts."""
    rude = post(article, "Rude words.")
    comment_services.comment_flag(comment_id=str(rude.id), reason="Insults a reader.", meta=READER)
    settings.COMMENT_MODERATION = "pre"
    post(article, "Waiting.")
    html = desk.get(LIST).content.decode()
    assert "1: Insults a reader." in html
    assert ">1 awaiting approval<" in html and ">1 flagged<" in html
    assert "icon-no.svg" not in html  # 'not a reply' is a dash, not a red cross


def test_the_comment_page_shows_the_thread_and_reasons(desk: Client, article: str) -> None:
    root = post(article, "The first word.")
    reply = post(article, "A reply that was flagged.", parent=root)
    comment_services.comment_flag(comment_id=str(reply.id), reason="Spam link.", meta=READER)
    html = desk.get(f"{LIST}{reply.id}/change/").content.decode()
    assert "The first word." in html and "A reply that was flagged." in html
    assert "<li>Spam link.</li>" in html
    assert 'id="approve-form"' in html and 'id="hide-form"' in html and 'id="restore-form"' not in html


def test_hide_then_restore_from_the_comment_page(desk: Client, client: Client, article: str) -> None:
    """Hide needs a reason; a hidden comment can be restored and shows on the article again."""
    comment = post(article, "Borderline remark.")
    page = f"{LIST}{comment.id}/change/"
    response = desk.post(f"{LIST}{comment.id}/hide/", {"reason": ""}, follow=True)
    assert "reason" in response.content.decode().lower() and Comment.objects.get(id=comment.id).status == "visible"
    desk.post(f"{LIST}{comment.id}/hide/", {"reason": "Off topic."})
    assert Comment.objects.get(id=comment.id).status == "hidden"
    assert "Borderline remark." not in client.get(f"/articles/{article}/").content.decode()
    html = desk.get(page).content.decode()
    assert 'id="restore-form"' in html and "Hidden because: Off topic." in html
    response = desk.post(f"{LIST}{comment.id}/restore/", {"reason": "Appeal upheld."}, follow=True)
    assert "Restored." in response.content.decode()
    assert Comment.objects.get(id=comment.id).status == "visible"
    assert "Borderline remark." in client.get(f"/articles/{article}/").content.decode()
    assert Event.objects.filter(type="CommentRestored").count() == 1


def test_approve_a_pending_comment_from_its_page(desk: Client, article: str, settings: Any) -> None:
    settings.COMMENT_MODERATION = "pre"
    comment = post(article, "Please approve.")
    desk.post(f"{LIST}{comment.id}/approve/")
    assert Comment.objects.get(id=comment.id).status == "visible"


def test_bulk_restore(desk: Client, article: str) -> None:
    hidden = [post(article, "One."), post(article, "Two.")]
    for comment in hidden:
        comment_services.comment_hide(comment_id=str(comment.id), reason="Spam.", meta=READER)
    shown = post(article, "Three.")
    data = {"action": "restore_selected", ACTION_CHECKBOX_NAME: [str(c.id) for c in [*hidden, shown]]}
    response = desk.post(LIST, data, follow=True)
    assert "2 comments restored. 1 skipped" in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible"}
