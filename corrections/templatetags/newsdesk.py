"""Template helpers for article pages."""

from __future__ import annotations

from django import template

from ..labels import note_label

register = template.Library()

register.filter("note_label", note_label)


@register.filter
def paragraphs(body: str) -> list[str]:
    """Split a plain-text body into paragraphs on blank lines (the template escapes each one)."""
    return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]


@register.filter
def elide(ops: list, keep: int = 80) -> list[dict[str, str]]:
    """Shorten long unchanged runs of a diff to their edges, so a change stands out."""
    out = []
    for index, op in enumerate(ops):
        text = op.text
        if op.op == "equal" and len(text) > 2 * keep:
            head = text[:keep] if index > 0 else ""
            tail = text[-keep:] if index < len(ops) - 1 else ""
            text = f"{head} … {tail}".strip()
        out.append({"op": op.op, "text": text})
    return out
