"""Article commands: take the folded state and a request, return new events or raise a domain error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from . import anchoring
from .errors import ArticleRetractedError, InvalidCommand, NotFound, StaleVersion
from .events import (
    CORRECTION_KINDS,
    ORIGINS,
    ArticlePublished,
    ArticleRetracted,
    ArticleRevised,
    CorrectionIssued,
    TextChange,
)
from .state import RETRACTED, ArticleState


@dataclass(frozen=True)
class ChangeRequest:
    """A text change as an editor asks for it: a quote to find and its replacement."""

    exact: str
    replacement: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None


# --- Guards ---------------------------------------------------------------------


def ensure_exists(state: ArticleState) -> None:
    if not state.exists:
        raise NotFound("No article with that slug.")


def ensure_not_retracted(state: ArticleState) -> None:
    if state.status == RETRACTED:
        raise ArticleRetractedError("This article has been retracted; it can no longer be changed.")


def ensure_fresh(state: ArticleState, expected_version: int) -> None:
    """Refuse an edit made on a text that has changed since the editor saw it."""
    if expected_version > state.version:
        raise StaleVersion(
            f"Version {expected_version} does not exist yet; the article is at version {state.version}.",
            current_version=state.version,
        )
    if expected_version < state.text_version:
        raise StaleVersion(
            f"The article has changed since version {expected_version}; "
            f"it is now at version {state.version}. Reload it and apply your change again.",
            current_version=state.version,
        )


# --- Commands -------------------------------------------------------------------


def publish(
    *, slug: str, title: str, body: str, byline: str = "", first_published: str | None = None
) -> list[ArticlePublished]:
    if not title.strip():
        raise InvalidCommand("An article needs a title.")
    if not body.strip():
        raise InvalidCommand("An article needs a body.")
    return [ArticlePublished(slug=slug, title=title, body=body, byline=byline, first_published=first_published)]


def revise(
    state: ArticleState,
    *,
    expected_version: int,
    title: str | None = None,
    body: str | None = None,
    note: str = "",
    origin: str = "editor",
) -> list[ArticleRevised]:
    ensure_exists(state)
    ensure_not_retracted(state)
    ensure_fresh(state, expected_version)
    if title is not None and not title.strip():
        raise InvalidCommand("The title cannot be empty.")
    if body is not None and not body.strip():
        raise InvalidCommand("The body cannot be empty.")
    title = None if title == state.title else title
    body = None if body == state.body else body
    if title is None and body is None and not note:
        raise InvalidCommand("This revision changes nothing: give a new title, a new body or a note.")
    if origin not in ORIGINS:
        raise InvalidCommand(f"Unknown origin “{origin}”; use one of: {', '.join(ORIGINS)}.")
    return [ArticleRevised(title=title, body=body, note=note, origin=origin)]


def resolve_changes(body: str, changes: Sequence[ChangeRequest]) -> tuple[TextChange, ...]:
    """Anchor each requested change in ``body``; refuse overlapping changes."""
    resolved = []
    for request in changes:
        span = anchoring.resolve(body, request.exact, request.prefix, request.suffix, request.start)
        resolved.append(
            TextChange(
                exact=body[span.start : span.end],
                replacement=request.replacement,
                start=span.start,
                prefix=body[max(0, span.start - 32) : span.start],
                suffix=body[span.end : span.end + 32],
            )
        )
    resolved.sort(key=lambda c: c.start)
    for before, after in pairwise(resolved):
        if after.start < before.end:
            raise InvalidCommand(f"Two changes overlap at “{after.exact}”; combine them into one.")
    return tuple(resolved)


def issue_correction(
    state: ArticleState,
    *,
    expected_version: int,
    kind: str,
    note: str,
    changes: Sequence[ChangeRequest] = (),
    suggestion_id: str | None = None,
) -> list[CorrectionIssued]:
    ensure_exists(state)
    ensure_not_retracted(state)
    ensure_fresh(state, expected_version)
    if kind not in CORRECTION_KINDS:
        raise InvalidCommand(f"Unknown kind “{kind}”; use one of: {', '.join(CORRECTION_KINDS)}.")
    if not note.strip() and kind != "correction":
        raise InvalidCommand(f"A public note is required for a {kind.replace('_', ' ')}.")
    if not note.strip() and not changes:
        raise InvalidCommand("A correction needs a public note or a text change.")
    resolved = resolve_changes(state.body, changes)
    return [CorrectionIssued(kind=kind, note=note.strip(), changes=resolved, suggestion_id=suggestion_id)]


def retract(state: ArticleState, *, expected_version: int, note: str) -> list[ArticleRetracted]:
    ensure_exists(state)
    ensure_not_retracted(state)
    ensure_fresh(state, expected_version)
    if not note.strip():
        raise InvalidCommand("A retraction needs a public note explaining why.")
    return [ArticleRetracted(note=note.strip())]
