"""The article as a fold of its events: ``apply(state, recorded) -> state``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import OutOfOrderEvent
from .events import (
    ArticlePublished,
    ArticleRetracted,
    ArticleRevised,
    CorrectionIssued,
    Event,
    Recorded,
    RevisionNoteAdded,
    TextChange,
)

PUBLISHED = "published"
RETRACTED = "retracted"


@dataclass(frozen=True)
class PublicNote:
    """A line of the public correction history."""

    version: int
    kind: str  # correction | clarification | update | editors_note | revision | retraction
    note: str
    issued_at: datetime


@dataclass(frozen=True)
class ArticleState:
    id: str = ""
    slug: str = ""
    title: str = ""
    body: str = ""
    byline: str = ""
    status: str = ""
    version: int = 0
    #: Version of the last event that changed the text: the only thing a stale edit conflicts with.
    text_version: int = 0
    published_at: datetime | None = None
    updated_at: datetime | None = None
    notes: tuple[PublicNote, ...] = ()

    @property
    def exists(self) -> bool:
        return self.version > 0


def apply_changes(body: str, changes: Iterable[TextChange]) -> str:
    """Apply resolved text changes, last first so earlier offsets stay valid."""
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        if body[change.start : change.end] != change.exact:
            raise OutOfOrderEvent(f"Change at {change.start} does not match the text it quotes.")
        body = body[: change.start] + change.replacement + body[change.end :]
    return body


def _published(state: ArticleState, e: ArticlePublished, r: Recorded) -> ArticleState:
    return replace(
        state,
        id=r.stream_id,
        slug=e.slug,
        title=e.title,
        body=e.body,
        byline=e.byline,
        status=PUBLISHED,
        published_at=_first_published(e, r),
    )


def _first_published(e: ArticlePublished, r: Recorded) -> datetime:
    """The site's own publication time when it gave one (never later than we recorded it), else ours."""
    if e.first_published:
        try:
            stated = datetime.fromisoformat(e.first_published)
        except ValueError:
            return r.recorded_at
        if stated.tzinfo is not None:
            return min(stated, r.recorded_at)
    return r.recorded_at


def _revised(state: ArticleState, e: ArticleRevised, r: Recorded) -> ArticleState:
    notes = state.notes
    if e.note:
        notes = (*notes, PublicNote(r.version, "revision", e.note, r.recorded_at))
    return replace(
        state,
        title=e.title if e.title is not None else state.title,
        body=e.body if e.body is not None else state.body,
        notes=notes,
    )


def _corrected(state: ArticleState, e: CorrectionIssued, r: Recorded) -> ArticleState:
    notes = state.notes
    if e.note:
        notes = (*notes, PublicNote(r.version, e.kind, e.note, r.recorded_at))
    return replace(state, body=apply_changes(state.body, e.changes), notes=notes)


def _retracted(state: ArticleState, e: ArticleRetracted, r: Recorded) -> ArticleState:
    return replace(
        state,
        status=RETRACTED,
        notes=(*state.notes, PublicNote(r.version, "retraction", e.note, r.recorded_at)),
    )


def _note_added(state: ArticleState, e: RevisionNoteAdded, r: Recorded) -> ArticleState:
    return replace(state, notes=(*state.notes, PublicNote(r.version, "revision", e.note, r.recorded_at)))


# Each handler takes its own event class; the lookup by type(event) keeps them matched.
HANDLERS: dict[type[Event], Callable[..., ArticleState]] = {
    ArticlePublished: _published,
    ArticleRevised: _revised,
    CorrectionIssued: _corrected,
    ArticleRetracted: _retracted,
    RevisionNoteAdded: _note_added,
}


def apply(state: ArticleState, recorded: Recorded) -> ArticleState:
    """Fold one event into the state. Events that do not touch the text only move the version on."""
    if recorded.version != state.version + 1:
        raise OutOfOrderEvent(f"Expected version {state.version + 1}, got {recorded.version}.")
    handler = HANDLERS.get(type(recorded.event))
    if handler is not None:
        state = handler(state, recorded.event, recorded)
    state = replace(state, version=recorded.version)
    if recorded.event.changes_text:
        state = replace(state, text_version=recorded.version, updated_at=recorded.recorded_at)
    return state


def fold(events: Iterable[Recorded], state: ArticleState | None = None) -> ArticleState:
    state = state or ArticleState()
    for recorded in events:
        state = apply(state, recorded)
    return state


def fold_text(events: Iterable[Recorded], upto: int | None = None, state: ArticleState | None = None) -> ArticleState:
    """Fold only the text-changing events (with gaps where other events stood).

    Comments and reports carry nothing the article's state needs, so the
    article as of any version is the fold of its text-changing events up to
    there. This keeps time travel cheap on articles with long comment threads.
    """
    state = state or ArticleState()
    for recorded in events:
        if upto is not None and recorded.version > upto:
            break
        state = apply(replace(state, version=recorded.version - 1), recorded)
    if upto is not None and state.exists:
        state = replace(state, version=upto)
    return state
