"""Reader suggestions and the editors' review of them: events on the article's stream.

Personal data (the reader's name and e-mail) and the reader's secret status
token never go into an event: they live in the erasable ``SuggestionTicket``
table, referenced by the suggestion's id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .anchoring import Span, resolve
from .errors import InvalidCommand, SelectionAmbiguous, SelectionNotFound
from .events import Event, event
from .text import has_control_characters, is_blank  # noqa: F401  (re-exported for the API)

CATEGORIES = ("typo", "factual", "legal", "clarification", "other")

#: How urgent a report is by its kind: a legal or factual error before an unclear phrase or a typo.
CATEGORY_WEIGHT = {"legal": 60, "factual": 50, "clarification": 30, "other": 20, "typo": 10}
#: Each further reader who reports the same thing adds this much, up to this many readers.
READER_WEIGHT = 5
READERS_COUNTED = 6

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
    """A reader reported a mistake: a quote of the text as they saw it, and their fix.

    With no quote (``exact`` empty) it is a request about the whole article, or something
    it left out ("write to us"): it has no anchor, and ``comment`` says what is wrong.
    """

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
class SuggestionReanchored(Event):
    """The text changed under an open report: where its passage stands now, and what happened to it.

    ``state`` is ``intact`` (the same text, perhaps moved), ``edited`` (changed;
    ``probably_resolved`` when the reader's fix now stands there) or ``deleted``
    (gone: the report is outdated). ``exact``, ``prefix`` and ``suffix`` are the
    passage and its context in the new text; the reader's own selector stays in
    ``SuggestionReceived``.
    """

    suggestion_id: str
    state: str
    start: int
    end: int
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    probably_resolved: bool = False
    how: str = "diff"  # "diff": mapped through the revision's diff; "moved": found where text was inserted


@event
@dataclass(frozen=True)
class SuggestionSeconded(Event):
    """Another reader reported the same span with the same fix: one queue item, one more reporter."""

    suggestion_id: str
    comment: str = ""  # that reader's own note to the editors, kept with the item's history


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


# --- Rules for a reader's submission (pure functions) ----------------------------

#: Length limits: a selection is a phrase or a sentence, not the whole article.
MAX_EXACT = 1000
MAX_CONTEXT = 200  # prefix and suffix each; the widget sends about 32 characters
MAX_SUGGESTION = 2000
MAX_COMMENT = 2000
MAX_NAME = 100

_SPACE = re.compile(r"\s+")


def normalize_fix(text: str) -> str:
    """The fix as compared for duplicates: white space folded, ends trimmed, case kept."""
    return _SPACE.sub(" ", text).strip()


def fix_digest(text: str) -> str:
    """Two open reports on the same span whose fixes have the same digest are one queue item.

    The queue stores and indexes the digest, not the fix itself: fixes can be long.
    """
    return hashlib.sha256(normalize_fix(text).encode()).hexdigest()


def check_submission(*, exact: str, suggestion: str, comment: str, category: str) -> None:
    """Refuse a report that cannot be acted on, with a message the reader understands."""
    if category not in CATEGORIES:
        raise InvalidCommand(f"Unknown category “{category}”; use one of {', '.join(CATEGORIES)}.", field="category")
    if not exact.strip():
        if not comment.strip() and not suggestion.strip():
            raise InvalidCommand("Tell us what is wrong or missing in the article.", field="comment")
        return
    if not suggestion.strip() and not comment.strip():
        raise InvalidCommand("Tell us what is wrong: propose a fix or add a comment.", field="suggestion")
    if not comment.strip() and normalize_fix(suggestion) == normalize_fix(exact):
        raise InvalidCommand("Your fix is the same as the selected text.", field="suggestion")


def priority(category: str, reporters: int) -> int:
    """A queue item's standing priority: its kind, then how many readers reported it (age is added when listed)."""
    return CATEGORY_WEIGHT.get(category, CATEGORY_WEIGHT["other"]) + READER_WEIGHT * (
        min(max(reporters, 1), READERS_COUNTED) - 1
    )


def overlaps(a: Span | tuple[int, int], b: Span | tuple[int, int]) -> bool:
    """Do two half-open spans share at least one character?"""
    a_start, a_end = (a.start, a.end) if isinstance(a, Span) else a
    b_start, b_end = (b.start, b.end) if isinstance(b, Span) else b
    return a_start < b_end and b_start < a_end


def reanchor(text: str, *, exact: str, prefix: str = "", suffix: str = "", hint: int | None = None) -> Span | None:
    """Where a selection made on an older version is in ``text`` now; None if it is gone (outdated).

    The quote and its context decide first: after a revision an old offset may
    point at another occurrence. Only when they cannot tell, ``hint`` (where the
    selection was before) picks the nearest one, so re-anchoring is never ambiguous.
    """
    try:
        return resolve(text, exact, prefix, suffix)
    except SelectionNotFound:
        return None
    except SelectionAmbiguous:
        return resolve(text, exact, prefix, suffix, 0 if hint is None else hint)
