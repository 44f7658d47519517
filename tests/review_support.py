"""Helpers for the review tests: readers report mistakes, editors get their own accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from corrections.models import Article
from corrections.roles import editors_group
from corrections.services import actor_meta
from corrections.services.suggestions import suggestion_submit


def report(
    slug: str, exact: str, suggestion: str = "", *, category: str = "typo", comment: str = "", prefix: str = ""
) -> str:
    """A reader reports ``exact`` in the article and proposes ``suggestion``; returns the queue item's id."""
    submitted = suggestion_submit(
        slug=slug,
        exact=exact,
        prefix=prefix,
        suggestion=suggestion,
        comment=comment,
        category=category,
        meta=actor_meta(kind="reader"),
    )
    return submitted.suggestion_id


def version_of(slug: str) -> int:
    return Article.objects.get(slug=slug).version


def make_editor(username: str, *, staff: bool = True) -> Any:
    """An editor as load_demo makes one: in the Editors group, allowed into the admin, not a superuser."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "s3cret-pass!", is_staff=staff)
    user.groups.add(editors_group())
    return user
