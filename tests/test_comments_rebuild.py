"""A rebuild from the log reproduces the comments exactly as the inline projections hold them."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corrections import services
from corrections.domain.errors import DomainError
from corrections.models import Article, Comment
from corrections.services import comments as comment_services

from .test_rebuild_projections import snapshot

pytestmark = pytest.mark.django_db

META = {"actor": {"kind": "editor", "id": 1, "username": "desk"}}
SERIAL = itertools.count()

step = st.one_of(
    st.tuples(st.just("post"), st.integers(0, 1), st.integers(0, 30)),
    st.tuples(st.just("reply"), st.integers(0, 1), st.integers(0, 30)),
    st.tuples(st.just("flag"), st.integers(0, 1), st.integers(0, 30)),
    st.tuples(st.just("approve"), st.integers(0, 1), st.integers(0, 30)),
    st.tuples(st.just("hide"), st.integers(0, 1), st.integers(0, 30)),
    st.tuples(st.just("moderate"), st.integers(0, 1), st.sampled_from(["pre", "post", "default"])),
    st.tuples(st.just("retract"), st.integers(0, 1), st.just(0)),
)


def pick(slug: str, index: int) -> str | None:
    ids = list(Comment.objects.filter(article__slug=slug).order_by("version").values_list("id", flat=True))
    return str(ids[index % len(ids)]) if ids else None


def run(action: str, slug: str, arg: Any) -> None:
    if action == "post":
        comment_services.comment_post(slug=slug, body=f"Comment {arg}.", author_name="Ann", meta=META)
    elif action == "reply":
        parent = pick(slug, arg)
        if parent:
            comment_services.comment_post(slug=slug, body="A reply.", author_name="Ben", parent_id=parent, meta=META)
    elif action == "moderate":
        comment_services.article_set_moderation(slug=slug, mode=arg, meta=META)
    elif action == "retract":
        version = Article.objects.get(slug=slug).version
        services.article_retract(slug=slug, expected_version=version, note="Withdrawn.", meta=META)
    else:
        comment_id = pick(slug, arg)
        if comment_id is None:
            return
        if action == "flag":
            comment_services.comment_flag(comment_id=comment_id, reason="Rude.", meta=META)
        elif action == "approve":
            comment_services.comment_approve(comment_id=comment_id, meta=META)
        else:
            comment_services.comment_hide(comment_id=comment_id, reason="Abuse.", meta=META)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=5, max_size=40))
def test_rebuild_reproduces_comments(steps: list[tuple]) -> None:
    """Generated comment histories (threads, flags, approvals, hiding, modes, retraction) rebuild identically."""
    slugs = []
    for _ in range(2):
        slug = f"talk-{next(SERIAL)}"
        services.article_publish(slug=slug, title="Talk", body="Words to discuss.", meta=META)
        comment_services.comment_post(slug=slug, body="First.", author_name="Ann", email="ann@example.com", meta=META)
        slugs.append(slug)
    for action, which, arg in steps:
        try:
            run(action, slugs[which], arg)
        except DomainError:
            pass  # refused (e.g. hiding twice, comments closed): nothing written
    inline = snapshot()
    call_command("rebuild_projections", "--no-progress")
    assert snapshot() == inline


def test_rebuild_forgets_a_deleted_account(article: str) -> None:
    """A commenter's deleted account is not resurrected by a rebuild: the comment keeps only the name."""
    user = get_user_model().objects.create_user("gone", "gone@example.com", "pw-123456!")
    comment_services.comment_post(slug=article, body="Hello.", user=user, meta=META)
    user.delete()
    inline = snapshot()
    assert inline["Comment"][0]["author_user"] is None
    call_command("rebuild_projections", "--no-progress")
    assert snapshot() == inline
    assert Comment.objects.get().author_name == "gone"
