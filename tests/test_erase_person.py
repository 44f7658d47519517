"""A reader or an account can be erased everywhere, and the log still verifies and rebuilds without them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from corrections.api.comments import CommentThrottle
from corrections.domain.privacy import ERASED
from corrections.models import Comment, Event, Notification, Suggestion, SuggestionTicket
from corrections.services import actor_meta
from corrections.services.erasure import person_erase

from .review_support import version_of

EMAIL = "zelda.quux@example.org"
NAME = "Zelda Quux"
WORDS = "Zelda's unmistakable remark"
NOTE = "Zelda's private note to the desk"


@pytest.fixture(autouse=True)
def _site(settings: Any, monkeypatch: Any) -> None:
    settings.DESK_EMAIL = ["desk@paper.example"]
    settings.NOTIFY_DESK_IMMEDIATELY = True
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


def dump() -> str:
    """Every row of every table, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    return [secret for secret in (EMAIL, NAME, "Zelda", WORDS, NOTE) if secret.lower() in text.lower()]


def comment(client: APIClient, slug: str, body: str, **fields: Any) -> str:
    response = client.post(f"/api/v1/articles/{slug}/comments/", {"body": body, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def zelda_everywhere(api: APIClient, editor_api: APIClient, slug: str, django_capture_on_commit_callbacks: Any) -> str:
    """Zelda comments, is replied to, reports a mistake and seconds another; the desk answers. Returns her comment."""
    with django_capture_on_commit_callbacks(execute=True):
        mine = comment(api, slug, WORDS, name=NAME, email=EMAIL)
        comment(api, slug, "A reply to her.", name="Bob", parent_id=mine)
        first = api.post(
            f"/api/v1/articles/{slug}/suggestions/",
            {"exact": "Jon Smith", "suggestion": "John Smith", "comment": NOTE, "name": NAME, "email": EMAIL},
            format="json",
        )
        assert first.status_code == 201, first.content
        api.post(
            f"/api/v1/articles/{slug}/suggestions/", {"exact": "Jon Smith", "suggestion": "John Smith"}, format="json"
        )
        api.post(
            f"/api/v1/articles/{slug}/suggestions/",
            {"exact": "two years", "suggestion": "three years", "comment": NOTE + " again", "email": EMAIL},
            format="json",
        )
        item = first.json()["id"]
        accepted = editor_api.post(
            f"/api/v1/review/suggestions/{item}/accept/", {"expected_version": version_of(slug)}, format="json"
        )
        assert accepted.status_code == 200, accepted.content
    return mine


def test_an_erased_reader_is_nowhere_in_the_database(
    api: APIClient, editor_api: APIClient, article: str, django_capture_on_commit_callbacks: Any
) -> None:
    """After erase_person --email, no table holds their address, name or words; the log verifies."""
    mine = zelda_everywhere(api, editor_api, article, django_capture_on_commit_callbacks)
    assert set(leaks(dump())) == {EMAIL, NAME, "Zelda", WORDS, NOTE}
    assert Notification.objects.exists()
    call_command("erase_person", email=EMAIL.upper(), stdout=open("/dev/null", "w"))
    assert leaks(dump()) == []
    call_command("verify_log", stdout=open("/dev/null", "w"))
    call_command("rebuild_projections", "--no-progress", stdout=open("/dev/null", "w"))
    assert leaks(dump()) == []
    shown = Comment.objects.get(id=mine)
    assert (shown.author_name, shown.body) == (ERASED, ERASED)
    page = api.get(f"/articles/{article}/").content.decode()
    assert "removed at the author" in page and "Zelda" not in page
    assert "Zelda" not in api.get(f"/api/v1/articles/{article}/events/?page_size=100").content.decode()


def test_the_erasure_is_an_event_with_nothing_personal(
    api: APIClient, editor_api: APIClient, article: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The log records that an erasure happened, which events and what kinds of data, not whose."""
    zelda_everywhere(api, editor_api, article, django_capture_on_commit_callbacks)
    person_erase(email=EMAIL, requested_by="the person", meta=actor_meta(kind="system"))
    row = Event.objects.get(type="PersonalDataErased")
    assert row.data["requested_by"] == "the person" and leaks(str(row.data) + str(row.meta)) == []
    assert {"comment text", "name", "private comment to the desk", "e-mail address"} <= set(row.data["kinds"])
    assert len(row.data["versions"]) == 3  # her comment and her two reports
    assert not SuggestionTicket.objects.filter(email__iexact=EMAIL).exists()
    assert Suggestion.objects.filter(comment=ERASED).count() == 2


def test_a_rebuild_after_an_erasure_matches_the_inline_read_models(
    api: APIClient, editor_api: APIClient, article: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The read models the erasure fixed are exactly what a replay of the log produces."""
    zelda_everywhere(api, editor_api, article, django_capture_on_commit_callbacks)
    person_erase(email=EMAIL, meta=actor_meta(kind="system"))
    before = sorted(Comment.objects.values_list("id", "author_name", "body", "author_user_id", "status"))
    items = sorted(Suggestion.objects.values_list("id", "comment", "assignee_id", "status"))
    call_command("rebuild_projections", "--no-progress", stdout=open("/dev/null", "w"))
    assert sorted(Comment.objects.values_list("id", "author_name", "body", "author_user_id", "status")) == before
    assert sorted(Suggestion.objects.values_list("id", "comment", "assignee_id", "status")) == items


def test_an_erased_account_is_nowhere_in_the_database(
    api: APIClient, editor_api: APIClient, editor: Any, article: str
) -> None:
    """erase_person --user removes an account's names, e-mail, comments and its place in events' meta."""
    user = get_user_model().objects.create_user("zquux", EMAIL, "pw-12345!", first_name="Zelda", last_name="Quux")
    client = APIClient()
    client.force_authenticate(user)
    comment(client, article, WORDS)
    item = client.post(
        f"/api/v1/articles/{article}/suggestions/",
        {"exact": "Jon Smith", "suggestion": "John Smith", "comment": NOTE},
        format="json",
    ).json()["id"]
    editor_api.post(f"/api/v1/review/suggestions/{item}/assign/", {"editor": "desk"}, format="json")
    assert "zquux" in dump()
    call_command("erase_person", user="zquux", stdout=open("/dev/null", "w"))
    text = dump()
    assert leaks(text) == [] and "zquux" not in text
    assert "desk" in str(Suggestion.objects.get(id=item).assignee)  # someone else's data stays
    call_command("verify_log", stdout=open("/dev/null", "w"))
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


def test_erasing_nobody_is_refused(db: Any) -> None:
    """Without an address or an account the command says what it needs."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--email"):
        call_command("erase_person")
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_person", user="nobody")


def test_an_editor_erases_a_comments_author_from_the_admin(
    api: APIClient, editor_api: APIClient, editor: Any, article: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The comment admin's erase action asks for confirmation, then erases the author everywhere."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.test import Client

    mine = zelda_everywhere(api, editor_api, article, django_capture_on_commit_callbacks)
    editor.is_staff = True
    editor.save()
    desk = Client()
    desk.force_login(editor)
    data = {"action": "erase_authors", ACTION_CHECKBOX_NAME: [mine]}
    asked = desk.post("/admin/corrections/comment/", data)
    assert asked.status_code == 200 and "Erase for good" in asked.content.decode()
    done = desk.post(
        "/admin/corrections/comment/",
        {**data, "apply": "yes", "requested_by": "the person", "confirm": "on"},
        follow=True,
    )
    assert "Erased the personal data" in done.content.decode()
    assert leaks(dump()) == []
    call_command("verify_log", stdout=open("/dev/null", "w"))
    log = desk.get(f"/admin/corrections/article/{Comment.objects.get(id=mine).article_id}/change/").content.decode()
    assert "removed at the author" in log and "$pd" not in log
