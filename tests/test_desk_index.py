"""The admin's front page opens with the desk's open work: suggestions, comments to moderate, failures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from corrections.services import actor_meta
from corrections.services.comments import article_set_moderation, comment_flag, comment_post
from corrections.services.review import suggestion_assign
from tests.review_support import make_editor, report

pytestmark = pytest.mark.django_db


def count(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}">(\d+)<', html)
    assert match, element_id
    return int(match.group(1))


def test_front_page_counts_open_work(client: Client, article: str) -> None:
    """Open, unassigned and my suggestions, pre-moderated comments waiting, and flagged comments are counted."""
    editor = make_editor("desk")
    client.force_login(editor)
    mine = report(article, "Jon Smith", "John Smith")
    report(article, "harbour", "Harbour")
    suggestion_assign(suggestion_id=mine, editor=editor, meta=actor_meta())
    posted = comment_post(slug=article, body="Fine.", author_name="Ann", meta=actor_meta(kind="reader"))
    comment_flag(comment_id=posted.event.comment_id, reason="Rude", meta=actor_meta(kind="reader"))  # type: ignore[attr-defined]
    article_set_moderation(slug=article, mode="pre", meta=actor_meta())
    comment_post(slug=article, body="Waiting.", author_name="Bo", meta=actor_meta(kind="reader"))
    html = client.get("/admin/").content.decode()
    assert count(html, "open-suggestions") == 2
    assert "1 not yet assigned" in html and "1 assigned to you" in html
    assert count(html, "pending-comments") == 1 and count(html, "flagged-comments") == 1
    assert "/admin/corrections/comment/?status__exact=pending" in html


def test_staff_without_the_desk_see_no_counts(client: Client, article: Any) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("intern", "i@e.org", "pw-pw-pw-pw", is_staff=True))
    assert "Open work" not in client.get("/admin/").content.decode()


def test_the_event_list_names_articles_and_summarises_data(client: Client, article: str) -> None:
    """Rows show the article's title (linked) and 'field: value' text instead of a UUID and raw JSON."""
    client.force_login(make_editor("desk"))
    report(article, "Jon Smith", "John Smith")
    html = client.get("/admin/corrections/event/").content.decode()
    assert ">Harbour bridge to be rebuilt</a>" in html
    assert "exact: Jon Smith" in html and "category: typo" in html  # in the order the database keeps the keys
