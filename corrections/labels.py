"""How a public note's kind reads to people: one wording for pages, feeds and structured data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOTE_LABELS = {
    "correction": _("Correction"),
    "clarification": _("Clarification"),
    "update": _("Update"),
    "editors_note": _("Editor's note"),
    "revision": _("Update"),
    "retraction": _("Retraction"),
}


def note_label(kind: str) -> str:
    label = NOTE_LABELS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ").capitalize()
