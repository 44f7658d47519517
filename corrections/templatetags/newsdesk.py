"""Template helpers for article pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..labels import note_label

register = template.Library()

register.filter("note_label", note_label)


#: The most serious notice first: a retraction, then factual corrections, then the rest.
SERIOUSNESS = ("retraction", "correction", "clarification", "editors_note", "update", "revision")

#: What the label by the headline says, for the most serious notice an article carries.
STATUS_LABELS = {
    "retraction": _("Retracted"),
    "correction": _("Corrected"),
    "clarification": _("Clarified"),
    "editors_note": _("Editor’s note"),
    "update": _("Updated"),
    "revision": _("Updated"),
}


def _rank(kind: str) -> int:
    return SERIOUSNESS.index(kind) if kind in SERIOUSNESS else len(SERIOUSNESS)


@register.filter
def by_seriousness(notes: Iterable[Any]) -> list[Any]:
    """Notices in order of seriousness (a retraction, then corrections…), the newest first within a kind."""
    return sorted(notes, key=lambda note: (_rank(note.kind), -note.version))


@register.filter
def status_label(kind: str) -> str:
    """'Corrected', 'Clarified', 'Updated'…: what an article carrying a notice of this kind is."""
    return str(STATUS_LABELS.get(kind, STATUS_LABELS["update"]))


@register.filter
def paragraphs(body: str) -> list[str]:
    """Split a plain-text body into paragraphs on blank lines (the template escapes each one)."""
    return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]


_SPACE = re.compile(r"\s")


def _head(text: str, keep: int) -> str:
    """The first words of ``text`` (about ``keep`` characters), cut where a word ends."""
    cut = max((m.start() for m in _SPACE.finditer(text, 0, keep + 1) if m.start() > 0), default=keep)
    return text[:cut]


def _tail(text: str, keep: int) -> str:
    """The last words of ``text`` (about ``keep`` characters), cut where a word starts."""
    match = _SPACE.search(text, len(text) - keep - 1)
    return text[match.end() :] if match and match.end() < len(text) else text[-keep:]


@register.filter
def elide(ops: list, keep: int = 80) -> list[dict[str, str]]:
    """Shorten long unchanged runs of a diff to their edges, so a change stands out.

    The cut falls between words and the white space next to a change is kept, so
    the words on either side of a change never run together.
    """
    out = []
    for index, op in enumerate(ops):
        text = op.text
        if op.op == "equal" and len(text) > 2 * keep:
            first, last = index == 0, index == len(ops) - 1
            head = "" if first else _head(text, keep)
            tail = "" if last else _tail(text, keep)
            text = head + (" …" if head else "…") + (" " + tail if tail else "")
        out.append({"op": op.op, "text": text})
    return out


@register.simple_tag
def corrections_policy_url() -> str:
    """The newsroom's published corrections policy (``CORRECTIONS_POLICY_URL``); empty if it has none."""
    return getattr(settings, "CORRECTIONS_POLICY_URL", "")


@register.simple_tag
def write_form() -> Any:
    """An empty 'write to us' form for the article page (the form page itself passes a bound one)."""
    from ..forms import WriteForm

    return WriteForm()
