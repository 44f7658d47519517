"""The editors' review of reader suggestions: guards and commands. Pure Python, no Django.

A queue item moves new → assigned → accepted | rejected | duplicate. Accepting
turns the reader's change (or the editor's edit of it) into a ``CorrectionIssued``
on the same stream, re-anchored against the article's current text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import anchoring, commands
from .errors import Conflict, InvalidCommand, SelectionNotFound
from .events import Event
from .remap import DELETED, EDITED
from .state import ArticleState
from .suggestions import (
    ACCEPTED,
    ASSIGNED,
    DUPLICATE,
    OPEN_STATUSES,
    REJECTED,
    SuggestionAccepted,
    SuggestionAssigned,
    SuggestionMarkedDuplicate,
    SuggestionRejected,
)

RESOLVED_STATUSES = (ACCEPTED, REJECTED, DUPLICATE)

#: Where a sentence ends: after . ! ? (optionally closed by a quote or bracket) and white space, or a blank line.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*\n")


class AlreadyResolved(Conflict):
    """The item was accepted, rejected or marked a duplicate already (HTTP 409)."""

    code = "already_resolved"


@dataclass(frozen=True)
class SuggestionState:
    """What the review commands need to know about one queue item."""

    id: str
    article_id: str
    status: str
    category: str
    exact: str  # the reader's selection, as it stood in the text they saw
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    suggestion: str = ""
    assignee_id: int | None = None
    duplicate_of: str | None = None
    # Where the passage stands in the current text (see ``domain.reanchoring``).
    end: int | None = None
    current_exact: str | None = None
    anchor_state: str = "intact"
    probably_resolved: bool = False


# --- Guards ---------------------------------------------------------------------


def ensure_open(item: SuggestionState) -> None:
    """Only new or assigned items can be assigned, accepted, rejected or marked a duplicate."""
    if item.status not in OPEN_STATUSES:
        raise AlreadyResolved(
            f"This suggestion has already been resolved ({item.status}); it can no longer be changed.",
            status=item.status,
        )


def default_kind(category: str) -> str:
    """The kind of correction an accepted report becomes unless the editor chooses another."""
    return "clarification" if category == "clarification" else "correction"


def note_required(category: str, kind: str) -> bool:
    """A typo may be fixed silently; a factual correction (or anything else) carries a public note."""
    return not (category == "typo" and kind == "correction")


# --- Commands -------------------------------------------------------------------


def assign(item: SuggestionState, *, assignee_id: int, assignee: str) -> list[SuggestionAssigned]:
    ensure_open(item)
    if item.status == ASSIGNED and item.assignee_id == assignee_id:
        raise InvalidCommand(f"This suggestion is already assigned to {assignee}.")
    return [SuggestionAssigned(suggestion_id=item.id, assignee_id=assignee_id, assignee=assignee)]


def accept(
    article: ArticleState,
    item: SuggestionState,
    *,
    expected_version: int,
    replacement: str | None = None,
    kind: str | None = None,
    note: str = "",
    reply: str = "",
) -> list[Event]:
    """``SuggestionAccepted`` then the ``CorrectionIssued`` that makes the change, for one append."""
    ensure_open(item)
    if item.article_id != article.id:
        raise InvalidCommand("This suggestion belongs to another article.")
    commands.ensure_exists(article)
    commands.ensure_not_retracted(article)
    commands.ensure_fresh(article, expected_version)
    kind = kind or default_kind(item.category)
    note = note.strip()
    if not item.exact:
        # A request about the whole article quotes no words to replace: what the desk does is the note.
        if not note:
            raise InvalidCommand(
                "A public note is required: this request is about the whole article, so say what was corrected.",
                field="note",
            )
        return [
            SuggestionAccepted(suggestion_id=item.id, reply=reply.strip()),
            *commands.issue_correction(
                article, expected_version=expected_version, kind=kind, note=note, changes=[], suggestion_id=item.id
            ),
        ]
    if not note and note_required(item.category, kind):
        what = "factual correction" if item.category == "factual" else kind.replace("_", " ")
        raise InvalidCommand(
            f"A public note is required for a {what}; only a typo can be fixed without one.",
            field="note",
        )
    if replacement is None and item.anchor_state == EDITED and not item.probably_resolved:
        raise InvalidCommand(
            "The passage has changed since the reader reported it; check it and give the replacement yourself.",
            field="replacement",
        )
    if replacement is None:
        if not item.suggestion:
            raise InvalidCommand(
                "The reader proposed no replacement text: give one (an empty replacement deletes the selection).",
                field="replacement",
            )
        replacement = item.suggestion
    span = _current_span(article, item)
    current = article.body[span.start : span.end]
    changes = []
    if replacement != current:
        changes.append(
            commands.ChangeRequest(
                exact=current,
                replacement=replacement,
                prefix=article.body[max(0, span.start - 32) : span.start],
                suffix=article.body[span.end : span.end + 32],
                start=span.start,
            )
        )
    if not changes and not note and item.probably_resolved:
        # A revision already made the reader's fix (and is in the history): accepting only closes the item.
        return [SuggestionAccepted(suggestion_id=item.id, reply=reply.strip())]
    correction = commands.issue_correction(
        article,
        expected_version=expected_version,
        kind=kind,
        note=note,
        changes=changes,
        suggestion_id=item.id,
    )
    return [SuggestionAccepted(suggestion_id=item.id, reply=reply.strip()), *correction]


def _current_span(article: ArticleState, item: SuggestionState) -> anchoring.Span:
    """Where the passage stands now: kept up to date by ``SuggestionReanchored`` at every revision."""
    if item.anchor_state == DELETED:
        raise SelectionNotFound(
            "The passage this suggestion points at is no longer in the article; edit the article instead."
        )
    if item.start is not None and item.end is not None and item.current_exact is not None:
        if article.body[item.start : item.end] == item.current_exact:
            return anchoring.Span(item.start, item.end)
    # An item recorded before anchors were kept: find the selection again.
    return anchoring.resolve(article.body, item.exact, item.prefix, item.suffix, item.start)


def reject(item: SuggestionState, *, reason: str, reply: str = "") -> list[SuggestionRejected]:
    ensure_open(item)
    if not reason.strip():
        raise InvalidCommand("Give a reason for rejecting this suggestion.", field="reason")
    return [SuggestionRejected(suggestion_id=item.id, reason=reason.strip(), reply=reply.strip())]


def mark_duplicate(
    item: SuggestionState, original: SuggestionState | None, *, of: str
) -> list[SuggestionMarkedDuplicate]:
    """Close ``item`` as a duplicate of ``original`` (the item with id ``of``; None if there is none)."""
    ensure_open(item)
    if of == item.id:
        raise InvalidCommand("A suggestion cannot be a duplicate of itself.", field="of")
    if original is None or original.article_id != item.article_id:
        raise InvalidCommand("There is no suggestion with that id on this article.", field="of")
    if original.status == DUPLICATE:
        raise InvalidCommand(
            f"That suggestion is itself a duplicate of {original.duplicate_of}; mark this one a duplicate of that.",
            field="of",
            original=original.duplicate_of,
        )
    return [SuggestionMarkedDuplicate(suggestion_id=item.id, of=of)]


# --- Reading aids -----------------------------------------------------------------


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence (or sentences) holding ``text[start:end]``, its end punctuation included."""
    sentence_start = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        sentence_start = match.end()
    # From the span's last character, so a selection that ends with the full stop ends its sentence there.
    found = _SENTENCE_END.search(text, max(start, end - 1))
    sentence_end = found.start() + len(found.group().rstrip()) if found else len(text)
    return sentence_start, max(sentence_end, end)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two half-open spans share at least one character (or are the same empty point)."""
    return (a[0] < b[1] and b[0] < a[1]) or a == b
