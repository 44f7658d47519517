"""Editors moderate comments in the admin: filter, approve, hide with a reason; nothing is edited or deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from corrections import services, store
from corrections.models import Comment, Event
from corrections.services import comments as comment_services

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/corrections/comment/"


@pytest.fixture
def desk(editor: Any) -> Client:
    """An editor logged into the admin."""
    editor.is_staff = True
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


def comment(slug: str, body: str = "A comment.", name: str = "Ann") -> Comment:
    recorded = comment_services.comment_post(
        slug=slug, body=body, author_name=name, meta=services.actor_meta(kind="reader")
    )
    return Comment.objects.get(id=recorded.event.comment_id)  # type: ignore[attr-defined]


def act(client: Client, action: str, *comments: Comment, **extra: Any) -> Any:
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(c.id) for c in comments], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_editors_list_and_filter_comments(desk: Client, article: str, settings: Any) -> None:
    """The list shows each comment with its article and status, filtered by status, flagged and article, searchable."""
    shown = comment(article, "Fine words.")
    settings.COMMENT_MODERATION = "pre"
    waiting = comment(article, "Waiting words.")
    comment_services.comment_flag(comment_id=str(shown.id), reason="Rude.", meta={"actor": {"kind": "reader"}})
    page = desk.get(CHANGELIST).content.decode()
    assert "Fine words." in page and "Waiting words." in page
    assert "Waiting words." not in desk.get(f"{CHANGELIST}?status__exact=visible").content.decode()
    flagged = desk.get(f"{CHANGELIST}?flagged=yes").content.decode()
    assert "Fine words." in flagged and "Waiting words." not in flagged
    found = desk.get(f"{CHANGELIST}?q=waiting").content.decode()
    assert "Waiting words." in found and "Fine words." not in found
    assert "Fine words." in desk.get(f"{CHANGELIST}?article__id__exact={shown.article_id}").content.decode()
    assert waiting.status == "pending"


def test_an_editor_approves_pending_comments(desk: Client, article: str, settings: Any) -> None:
    """The approve action shows pending comments through the service, which appends CommentApproved."""
    settings.COMMENT_MODERATION = "pre"
    first, second = comment(article, "One."), comment(article, "Two.")
    response = act(desk, "approve_selected", first, second)
    assert "2 comments approved." in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible"}
    approved = Event.objects.filter(type="CommentApproved")
    assert approved.count() == 2 and store.to_recorded(approved.first()).meta["actor"]["username"] == "desk"


def test_approving_a_comment_that_needs_nothing_is_skipped_with_the_reason(desk: Client, article: str) -> None:
    """Approving a visible, unflagged comment is skipped and the editor is told why."""
    fine = comment(article)
    response = act(desk, "approve_selected", fine)
    assert "0 comments approved. 1 skipped: This comment is already visible" in response.content.decode()
    assert not Event.objects.filter(type="CommentApproved").exists()


def test_an_editor_hides_comments_with_a_reason(desk: Client, client: Any, article: str) -> None:
    """Hiding asks for a reason first; then the comments leave the page and the reason is logged."""
    nasty = comment(article, "Something nasty.")
    page = act(desk, "hide_selected", nasty).content.decode()
    assert "Hide comments" in page and "Something nasty." in page and 'name="reason"' in page
    assert Comment.objects.get().status == "visible"
    page = act(desk, "hide_selected", nasty, apply="yes", reason="").content.decode()
    assert "This field is required." in page and Comment.objects.get().status == "visible"
    page = act(desk, "hide_selected", nasty, apply="yes", reason="Personal attack.").content.decode()
    assert "1 comment hidden." in page
    hidden = Comment.objects.get()
    assert (hidden.status, hidden.hidden_reason) == ("hidden", "Personal attack.")
    assert Event.objects.get(type="CommentHidden").data == {"comment_id": str(nasty.id), "reason": "Personal attack."}
    assert "Something nasty." not in client.get(f"/articles/{article}/").content.decode()


def test_comments_cannot_be_added_edited_or_deleted_in_the_admin(desk: Client, article: str) -> None:
    """The text is the reader's and the log is append-only: the admin shows a comment, it never changes it."""
    shown = comment(article, "Keep me.")
    assert desk.get(f"{CHANGELIST}add/").status_code == 403
    detail = desk.get(f"{CHANGELIST}{shown.id}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Keep me." in html and 'name="body"' not in html
    assert desk.get(f"{CHANGELIST}{shown.id}/delete/").status_code == 403
    assert "delete_selected" not in desk.get(CHANGELIST).content.decode()
    act(desk, "delete_selected", shown)
    assert Comment.objects.filter(id=shown.id).exists()


def test_a_viewer_without_the_desk_permission_cannot_moderate(article: str, settings: Any) -> None:
    """Staff who may only look at comments get no moderation actions."""
    viewer = get_user_model().objects.create_user("viewer", "viewer@example.com", "pw-123456!", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client = Client()
    client.force_login(viewer)
    settings.COMMENT_MODERATION = "pre"
    waiting = comment(article, "Waiting.")
    page = client.get(CHANGELIST).content.decode()
    assert "Waiting." in page and "approve_selected" not in page
    act(client, "approve_selected", waiting)
    assert Comment.objects.get().status == "pending"
