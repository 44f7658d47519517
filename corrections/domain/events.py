"""Event classes: frozen dataclasses with a type name and a schema version.

Every event of every stream is registered here by name so that the store can
turn a row back into an object. When an event's schema changes, bump
``schema`` and register an upcaster from the old version.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

REGISTRY: dict[str, type[Event]] = {}
# (type, from_schema) -> function turning data of that schema into the next one.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}

E = TypeVar("E", bound="type[Event]")
EventT = TypeVar("EventT", bound="Event")

#: Events that change the article's text. Only these can make an
#: ``expected_version`` stale; comments and reports never do.
TEXT_CHANGING: set[str] = set()


def event(cls: E) -> E:
    """Register an event class under its type name."""
    REGISTRY[cls.__name__] = cls
    if cls.changes_text:
        TEXT_CHANGING.add(cls.__name__)
    return cls


def upcaster(type_name: str, from_schema: int) -> Callable[[Callable], Callable]:
    def register(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable:
        UPCASTERS[(type_name, from_schema)] = fn
        return fn

    return register


@dataclass(frozen=True)
class Event:
    schema: ClassVar[int] = 1
    changes_text: ClassVar[bool] = False

    @property
    def type(self) -> str:
        return type(self).__name__

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Event:
        return cls(**data)


def decode(type_name: str, schema: int, data: dict[str, Any]) -> Event:
    """Turn a stored (type, schema, data) back into an event, upcasting old schemas."""
    cls = REGISTRY[type_name]
    while schema < cls.schema:
        data = UPCASTERS[(type_name, schema)](dict(data))
        schema += 1
    return cls.from_data(data)


@dataclass(frozen=True)
class Recorded:
    """An event as the store holds it: its place in the stream, when, and by whom."""

    stream_id: str
    version: int
    event: Event
    recorded_at: datetime
    meta: dict[str, Any] = field(default_factory=dict)
    position: int | None = None

    @property
    def type(self) -> str:
        return self.event.type

    def event_as(self, kind: builtins.type[EventT]) -> EventT:
        """The event as ``kind``, for code that handles only that type (a TypeError for any other)."""
        if not isinstance(self.event, kind):
            raise TypeError(f"Expected {kind.__name__}, got {self.type}.")
        return self.event


# --- Article events -------------------------------------------------------------


@event
@dataclass(frozen=True)
class ArticlePublished(Event):
    """``first_published`` (ISO 8601): when the newsroom's site says it published the article, if it came from there."""

    changes_text: ClassVar[bool] = True
    slug: str
    title: str
    body: str
    byline: str = ""
    first_published: str | None = None

    def to_data(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        if data["first_published"] is None:
            del data["first_published"]  # an article published here: its data as it always was
        return data


@event
@dataclass(frozen=True)
class ArticleRevised(Event):
    """A revision; with no ``note`` it is an unannounced edit and history says so.

    ``origin`` says how it arrived: ``editor`` (made in Newsdesk, through the API
    or the admin) or ``site`` (read from the newsroom's own site by ingest).
    """

    schema: ClassVar[int] = 2
    changes_text: ClassVar[bool] = True
    title: str | None = None
    body: str | None = None
    note: str = ""
    origin: str = "editor"


@upcaster("ArticleRevised", 1)
def _revised_origin(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 had no origin: every revision then was made in Newsdesk by an editor."""
    return {**data, "origin": "editor"}


ORIGINS = ("editor", "site")


@dataclass(frozen=True)
class TextChange:
    """One change a correction makes: the quoted text, where it was, and what replaces it."""

    exact: str
    replacement: str
    start: int
    prefix: str = ""
    suffix: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.exact)


CORRECTION_KINDS = ("correction", "clarification", "update", "editors_note")


@event
@dataclass(frozen=True)
class CorrectionIssued(Event):
    changes_text: ClassVar[bool] = True
    kind: str
    note: str
    changes: tuple[TextChange, ...] = ()
    suggestion_id: str | None = None

    def to_data(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["changes"] = [dataclasses.asdict(c) for c in self.changes]
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CorrectionIssued:
        changes = tuple(TextChange(**c) for c in data.get("changes", ()))
        return cls(**{**data, "changes": changes})


@event
@dataclass(frozen=True)
class ArticleRetracted(Event):
    changes_text: ClassVar[bool] = True
    note: str


# --- Unannounced edits (revisions from the site without a note) -------------------


@event
@dataclass(frozen=True)
class RevisionNoteAdded(Event):
    """A public note attached after the fact to an unannounced revision (``revision`` is its version)."""

    revision: int
    note: str


@event
@dataclass(frozen=True)
class RevisionNoteWaived(Event):
    """An editor decided that an unannounced revision needs no public note (a typo, style)."""

    revision: int
    reason: str = ""
