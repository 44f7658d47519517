"""Reader suggestions and the editors' review of them: events on the article's stream.

Personal data (the reader's name and e-mail) and the reader's secret status
token never go into an event: they live in the erasable ``SuggestionTicket``
table, referenced by the suggestion's id.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event, event

CATEGORIES = ("typo", "factual", "clarification", "other")

NEW = "new"
ASSIGNED = "assigned"
ACCEPTED = "accepted"
REJECTED = "rejected"
DUPLICATE = "duplicate"
OPEN_STATUSES = (NEW, ASSIGNED)
STATUSES = (NEW, ASSIGNED, ACCEPTED, REJECTED, DUPLICATE)


@event
@dataclass(frozen=True)
class SuggestionReceived(Event):
    """A reader reported a mistake: a quote of the text as they saw it, and their fix."""

    suggestion_id: str
    exact: str
    start: int  # where the quote resolved in the text of ``against_version``
    against_version: int
    prefix: str = ""
    suffix: str = ""
    suggestion: str = ""  # the proposed replacement text
    comment: str = ""
    category: str = "typo"


@event
@dataclass(frozen=True)
class SuggestionSeconded(Event):
    """Another reader reported the same span with the same fix: one queue item, one more reporter."""

    suggestion_id: str


@event
@dataclass(frozen=True)
class SuggestionAssigned(Event):
    suggestion_id: str
    assignee_id: int
    assignee: str = ""  # the editor's username, for the admin and the log


@event
@dataclass(frozen=True)
class SuggestionAccepted(Event):
    """Accepted: a ``CorrectionIssued`` follows in the same append."""

    suggestion_id: str
    reply: str = ""


@event
@dataclass(frozen=True)
class SuggestionRejected(Event):
    suggestion_id: str
    reason: str
    reply: str = ""


@event
@dataclass(frozen=True)
class SuggestionMarkedDuplicate(Event):
    suggestion_id: str
    of: str
