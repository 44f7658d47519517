"""Shared fixtures: API clients for readers and editors, a published article, service checks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corrections import services, store
from corrections.roles import editors_group

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

ARTICLE_BODY = (
    "The council voted on Tuesday to rebuild the old harbour bridge.\n\n"
    "The mayor, Jon Smith, said the work would take two years and cost £12 million.\n\n"
    "Residents have campaigned for a new bridge since 2019."
)


def require(available: bool, why: str) -> None:
    """Skip when a service is missing on a laptop; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but {why}")
    pytest.skip(why)


def require_postgres() -> None:
    """PostgreSQL-only tests skip on SQLite; CI's PostgreSQL pass (NEWSDESK_CI_POSTGRES=1) must run them."""
    if connection.vendor == "postgresql":
        return
    why = "it needs PostgreSQL (set DATABASE_URL=postgres://…)"
    if os.environ.get("NEWSDESK_CI_POSTGRES") == "1":
        pytest.fail(f"CI's PostgreSQL pass must run this test, but {why}")
    pytest.skip(why)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def editor(db: Any) -> Any:
    user = get_user_model().objects.create_user("desk", "desk@example.com", "s3cret-pass!")
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_api(editor: Any) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=editor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def publish(db: Any) -> Callable[..., str]:
    def make(
        slug: str = "harbour-bridge", title: str = "Harbour bridge to be rebuilt", body: str = ARTICLE_BODY
    ) -> str:
        services.article_publish(slug=slug, title=title, body=body, meta=services.actor_meta(kind="system"))
        return slug

    return make


@pytest.fixture
def article(publish: Callable[..., str]) -> str:
    return publish()


@pytest.fixture
def live_db(transactional_db: Any) -> Iterator[None]:
    """Real commits (for threads and other processes); the append-only log is emptied afterwards.

    The triggers refuse the DELETE and TRUNCATE that Django's flush issues, so they
    are dropped here for the clean-up and re-created by the post_migrate hook that
    runs after the flush.
    """
    yield
    store.drop_triggers()
    from corrections.models import Event

    Event.objects.all()._raw_delete(Event.objects.db)


@pytest.fixture(autouse=True)
def _no_remembered_heads() -> None:
    """Each test starts with no stream head remembered from another test's commits (``store.locked(recent=...)``)."""
    store.forget()


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
