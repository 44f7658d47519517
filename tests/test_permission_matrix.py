"""Who may do what: every endpoint × anonymous, a reader with their ticket, a logged-in user, an editor, a superuser.

One row per URL pattern and method. A test fails when a URL pattern has no row,
so a new endpoint cannot ship without saying who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corrections.services import actor_meta
from corrections.services.comments import comment_post
from corrections.services.suggestions import suggestion_submit

from .review_support import make_editor

ACTORS = ("anonymous", "reader", "user", "editor", "superuser")


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the URL pattern as Django spells it
    url: str  # with {slug}, {comment}, {suggestion}, {token} filled per test
    expected: tuple[int, int, int, int, int]  # anonymous, reader with ticket, user, editor, superuser
    body: dict[str, Any] = field(default_factory=dict)


PUBLIC = (200, 200, 200, 200, 200)
DESK = (403, 403, 403, 200, 200)
DESK_WRITE = (403, 403, 403, 201, 201)
A = "articles/<slug:slug>/"
API = "api/v1/"
SUGGESTION = f"{API}review/suggestions/<segment:suggestion_id>/"
COMMENT = f"{API}review/comments/<segment:comment_id>/"

ROWS = [
    Row("GET", f"{API}articles/", "/api/v1/articles/", PUBLIC),
    Row("POST", f"{API}articles/", "/api/v1/articles/", DESK_WRITE, {"slug": "new", "title": "New", "body": "Text."}),
    Row("GET", f"{API}{A}", "/api/v1/articles/{slug}/", PUBLIC),
    Row(
        "POST", f"{API}{A}revisions/", "/api/v1/articles/{slug}/revisions/", DESK_WRITE,
        {"body": "Revised.", "expected_version": 0},
    ),
    Row(
        "POST", f"{API}{A}corrections/", "/api/v1/articles/{slug}/corrections/", DESK_WRITE,
        {"kind": "clarification", "note": "We clarified.", "expected_version": 0},
    ),
    Row(
        "POST", f"{API}{A}retraction/", "/api/v1/articles/{slug}/retraction/", DESK_WRITE,
        {"note": "Retracted.", "expected_version": 0},
    ),
    Row("GET", f"{API}{A}events/", "/api/v1/articles/{slug}/events/", PUBLIC),
    Row("GET", f"{API}{A}versions/<int:version>/", "/api/v1/articles/{slug}/versions/1/", PUBLIC),
    Row("GET", f"{API}{A}diff/", "/api/v1/articles/{slug}/diff/?from=1&to=2", PUBLIC),
    Row(
        "POST", f"{API}{A}suggestions/", "/api/v1/articles/{slug}/suggestions/", (201,) * 5,
        {"exact": "harbour", "suggestion": "harbor"},
    ),
    # The token is the capability: only the reader who holds it sees their report.
    Row("GET", f"{API}suggestions/<segment:token>/", "/api/v1/suggestions/{token}/", (404, 200, 404, 404, 404)),
    Row("GET", f"{API}{A}comments/", "/api/v1/articles/{slug}/comments/", PUBLIC),
    Row("POST", f"{API}{A}comments/", "/api/v1/articles/{slug}/comments/", (201,) * 5, {"body": "Hi.", "name": "Al"}),
    Row("POST", f"{API}comments/<segment:comment_id>/flag/", "/api/v1/comments/{comment}/flag/", (201,) * 5),
    Row("GET", f"{API}review/comments/", "/api/v1/review/comments/", DESK),
    Row("POST", f"{COMMENT}approve/", "/api/v1/review/comments/{comment}/approve/", (403, 403, 403, 422, 422)),
    Row("POST", f"{COMMENT}hide/", "/api/v1/review/comments/{comment}/hide/", DESK, {"reason": "Off topic."}),
    Row("GET", f"{API}review/{A}moderation/", "/api/v1/review/articles/{slug}/moderation/", DESK),
    Row("POST", f"{API}review/{A}moderation/", "/api/v1/review/articles/{slug}/moderation/", DESK, {"mode": "pre"}),
    Row("GET", f"{API}review/suggestions/", "/api/v1/review/suggestions/", DESK),
    Row("GET", SUGGESTION, "/api/v1/review/suggestions/{suggestion}/", DESK),
    Row(
        "POST", f"{SUGGESTION}accept/", "/api/v1/review/suggestions/{suggestion}/accept/", DESK,
        {"expected_version": 0},
    ),
    Row("POST", f"{SUGGESTION}reject/", "/api/v1/review/suggestions/{suggestion}/reject/", DESK, {"reason": "No."}),
    Row(
        "POST", f"{SUGGESTION}duplicate/", "/api/v1/review/suggestions/{suggestion}/duplicate/",
        (403, 403, 403, 422, 422), {"of": "{suggestion}"},
    ),
    Row("POST", f"{SUGGESTION}assign/", "/api/v1/review/suggestions/{suggestion}/assign/", DESK, {"editor": "desk"}),
    Row("GET", f"{API}review/metrics/", "/api/v1/review/metrics/", DESK),
    Row("GET", "healthz", "/healthz", PUBLIC),
    Row("GET", "readyz", "/readyz", PUBLIC),
    Row("GET", "api/schema/", "/api/schema/", PUBLIC),
    Row("GET", "api/docs/", "/api/docs/", PUBLIC),
    Row("GET", "^api/", "/api/v1/nothing-here/", (404,) * 5),
    Row("GET", "", "/", PUBLIC),
    Row("GET", A, "/articles/{slug}/", PUBLIC),
    Row("GET", f"{A}history/", "/articles/{slug}/history/", PUBLIC),
    Row("GET", "suggestions/<segment:token>/", "/suggestions/{token}/", (404, 200, 404, 404, 404)),
    Row("POST", f"{A}comments/", "/articles/{slug}/comments/", (302,) * 5, {"body": "Hi.", "name": "Al"}),
    Row("POST", f"{A}comments/<segment:comment_id>/flag/", "/articles/{slug}/comments/{comment}/flag/", (302,) * 5),
    Row("GET", "comments/confirm/<segment:token>/", "/comments/confirm/not-a-token/", (404,) * 5),
    Row("GET", "corrections/", "/corrections/", PUBLIC),
    Row("GET", "corrections/feed/", "/corrections/feed/", PUBLIC),
    Row("GET", "corrections/feed/atom/", "/corrections/feed/atom/", PUBLIC),
    Row("GET", f"{A}corrections/feed/", "/articles/{slug}/corrections/feed/", PUBLIC),
    Row("GET", f"{A}corrections/feed/atom/", "/articles/{slug}/corrections/feed/atom/", PUBLIC),
    # The admin: editors are staff; a plain logged-in user is sent to the login page like anyone else.
    Row("GET", "admin/", "/admin/", (302, 302, 302, 200, 200)),
]  # fmt: skip


def routes() -> set[str]:
    """Every URL pattern outside the admin (whose own screens are tested in the admin tests)."""

    def walk(patterns: list[Any], prefix: str = "") -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) != "admin/":
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return set(walk(get_resolver().url_patterns))


def test_every_endpoint_has_a_row_in_the_matrix() -> None:
    """A new URL pattern without a row here fails: say who may use it."""
    missing = routes() - {row.route for row in ROWS}
    assert not missing, f"Add rows to ROWS for: {sorted(missing)}"
    assert not {row.route for row in ROWS} - routes() - {"admin/"}, "ROWS names a pattern that no longer exists"


@pytest.fixture
def world(article: str) -> dict[str, str]:
    """An article with a visible comment and an open suggestion whose reader holds the ticket."""
    comment = comment_post(slug=article, body="A comment.", author_name="Bo", meta=actor_meta(kind="reader"))
    submitted = suggestion_submit(
        slug=article, exact="Jon Smith", suggestion="John Smith", meta=actor_meta(kind="reader")
    )
    make_editor("desk")
    return {
        "slug": article,
        "comment": comment.event.comment_id,  # type: ignore[attr-defined]
        "suggestion": submitted.suggestion_id,
        "real_token": submitted.token,
    }


def client_for(actor: str) -> APIClient:
    client = APIClient()
    users = get_user_model().objects
    if actor == "user":
        client.force_login(users.create_user("plain", "plain@example.com", "pw-12345!"))
    elif actor == "editor":
        client.force_login(users.get(username="desk"))
    elif actor == "superuser":
        client.force_login(users.create_superuser("root", "root@example.com", "pw-12345!"))
    return client


def fill(text: str, world: dict[str, str], actor: str) -> str:
    token = world["real_token"] if actor == "reader" else "not-this-readers-token"
    return text.format(token=token, **{k: v for k, v in world.items() if k != "real_token"})


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.route}")
def test_the_permission_matrix(row: Row, actor: str, world: dict[str, str], settings: Any) -> None:
    """Each actor gets the documented status on each endpoint (and never a 5xx)."""
    from corrections.models import Article

    version = Article.objects.get(slug=world["slug"]).version
    body = {k: (fill(v, world, actor) if isinstance(v, str) else v) for k, v in row.body.items()}
    body = {k: (version if k == "expected_version" else v) for k, v in body.items()}
    client = client_for(actor)
    url = fill(row.url, world, actor)
    if row.method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        response = client.post(url, body, format="json")
    else:
        response = client.post(url, body)
    expected = row.expected[ACTORS.index(actor)]
    assert response.status_code == expected, (actor, url, response.content[:300])


def test_an_editors_token_counts_like_their_session(world: dict[str, str]) -> None:
    """The API token is another way in for the same editor, not a different set of rights."""
    client = APIClient()
    token = Token.objects.create(user=get_user_model().objects.get(username="desk"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/review/suggestions/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused = client.get("/api/v1/review/suggestions/")
    assert refused.status_code == 403 and "Invalid token" in refused.json()["detail"]
