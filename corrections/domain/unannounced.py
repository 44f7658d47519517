"""The desk's answer to an unannounced edit: a public note after the fact, or none needed."""

from __future__ import annotations

from .commands import ensure_exists
from .errors import InvalidCommand
from .events import RevisionNoteAdded, RevisionNoteWaived
from .state import ArticleState

NOTE_MAX = 2_000


def add_revision_note(state: ArticleState, *, revision: int, note: str) -> list[RevisionNoteAdded]:
    ensure_exists(state)
    note = note.strip()
    if not note:
        raise InvalidCommand("Write the public note that readers will see beside this edit.")
    if len(note) > NOTE_MAX:
        raise InvalidCommand(f"A public note can be at most {NOTE_MAX} characters.")
    if not 1 < revision <= state.version:
        raise InvalidCommand(f"Version {revision} is not a revision of this article.")
    return [RevisionNoteAdded(revision=revision, note=note)]


def waive_revision_note(state: ArticleState, *, revision: int, reason: str = "") -> list[RevisionNoteWaived]:
    ensure_exists(state)
    if not 1 < revision <= state.version:
        raise InvalidCommand(f"Version {revision} is not a revision of this article.")
    return [RevisionNoteWaived(revision=revision, reason=reason.strip()[:NOTE_MAX])]
