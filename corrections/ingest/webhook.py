"""A webhook's JSON body as an ``Entry``: our own payload, or Ghost's ``{"post": {"current": …}}``.

Our payload::

    {"url": "https://news.example/2026/harbour-bridge", "title": "…",
     "body": "plain text, paragraphs apart by a blank line" | "html": "<p>…</p>",
     "published": "2026-11-20T08:00:00Z", "modified": "2026-11-21T09:30:00Z",
     "id": "cms-123", "note": "optional public note for this change"}
"""

from __future__ import annotations

import json
from typing import Any

from .extract import html_to_text, parse_time, plain_title
from .fetch import FetchError, check_url
from .normalise import clean
from .parse import Entry, ParseError

LIMITS = {"url": 1000, "title": 300, "id": 200, "note": 2000}
BODY_MAX = 100_000


def entry_from_payload(raw: bytes) -> tuple[Entry, str]:
    """The page a webhook describes and its optional public note; ParseError saying what is wrong otherwise."""
    try:
        data: Any = json.loads(raw)
    except ValueError as error:
        raise ParseError(f"The body is not JSON: {error}.") from error
    if not isinstance(data, dict):
        raise ParseError("The body must be a JSON object.")
    if isinstance(data.get("post"), dict):
        data = _from_ghost(data["post"])
    fields = {name: data.get(name) for name in ("url", "title", "body", "html", "published", "modified", "id", "note")}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str | int):
            raise ParseError(f"“{name}” must be a string.")
    fields = {name: "" if value is None else str(value) for name, value in fields.items()}
    for name, limit in LIMITS.items():
        if len(fields[name]) > limit:
            raise ParseError(f"“{name}” is longer than {limit} characters.")
    if not fields["url"]:
        raise ParseError("“url” is required: the article's address on the site.")
    try:
        check_url(fields["url"])
    except FetchError as error:
        raise ParseError(f"“url”: {error}") from error
    body = clean(fields["body"]) if fields["body"] else html_to_text(fields["html"])
    if not body:
        raise ParseError("Give the article's text as “body” (plain text) or “html”.")
    if len(body) > BODY_MAX:
        raise ParseError(f"The text is longer than {BODY_MAX} characters.")
    title = plain_title(fields["title"])
    if not title:
        raise ParseError("“title” is required.")
    for name in ("published", "modified"):
        if fields[name] and parse_time(fields[name]) is None:
            raise ParseError(f"“{name}” is not an ISO 8601 time, e.g. 2026-11-21T09:30:00Z.")
    entry = Entry(
        url=fields["url"],
        title=title,
        body=body,
        cms_id=fields["id"],
        published_at=parse_time(fields["published"]),
        modified_at=parse_time(fields["modified"]),
    )
    return entry, fields["note"].strip()


def _from_ghost(post: dict[str, Any]) -> dict[str, Any]:
    """Ghost's ``post.published`` / ``post.published.edited`` webhook body, in our field names."""
    current = post.get("current")
    if not isinstance(current, dict):
        current = {}
    return {
        "url": current.get("url"),
        "title": current.get("title"),
        "html": current.get("html"),
        "published": current.get("published_at"),
        "modified": current.get("updated_at"),
        "id": current.get("id") or current.get("uuid"),
    }
