"""How a public note's kind reads to people: one wording for pages, feeds and structured data."""

from __future__ import annotations

NOTE_LABELS = {
    "correction": "Correction",
    "clarification": "Clarification",
    "update": "Update",
    "editors_note": "Editor's note",
    "revision": "Update",
    "retraction": "Retraction",
}


def note_label(kind: str) -> str:
    return NOTE_LABELS.get(kind, kind.replace("_", " ").capitalize())
