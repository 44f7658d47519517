"""Text anchoring: resolve a W3C TextQuoteSelector (plus an optional position hint) to one span.

A browser's selection does not always keep the text's white space as it is
stored (line breaks become spaces, runs collapse), so matching is done on a
white-space-folded copy of the text with a map back to the original offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SelectionAmbiguous, SelectionNotFound

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _fold(text: str) -> tuple[str, list[int]]:
    """Collapse each run of white space to one space; return the folded text and each char's origin."""
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for match in _SPACE.finditer(text):
        for i in range(pos, match.start()):
            out.append(text[i])
            origin.append(i)
        out.append(" ")
        origin.append(match.start())
        pos = match.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        origin.append(i)
    origin.append(len(text))  # one past the end, for spans that reach it
    return "".join(out), origin


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def resolve(text: str, exact: str, prefix: str = "", suffix: str = "", start: int | None = None) -> Span:
    """Find the one span of ``text`` the selector means, or say clearly why there is none."""
    folded, origin = _fold(text)
    needle = _SPACE.sub(" ", exact).strip()
    if not needle:
        raise SelectionNotFound("The selected text is empty.")
    hits: list[int] = []
    i = folded.find(needle)
    while i != -1:
        hits.append(i)
        i = folded.find(needle, i + 1)
    if not hits:
        raise SelectionNotFound(
            "The selected text was not found in this version of the article. "
            "It may have been changed already; please select it again."
        )

    def span(hit: int) -> Span:
        return Span(origin[hit], origin[hit + len(needle) - 1] + 1)

    if len(hits) == 1:
        return span(hits[0])

    if start is not None:
        for hit in hits:
            if span(hit).start == start:
                return span(hit)

    fprefix = _SPACE.sub(" ", prefix)
    fsuffix = _SPACE.sub(" ", suffix)
    scores = [
        _common_suffix(folded[:hit], fprefix) + _common_prefix(folded[hit + len(needle) :], fsuffix) for hit in hits
    ]
    best = max(scores)
    leaders = [hit for hit, score in zip(hits, scores, strict=True) if score == best]
    if len(leaders) == 1 and best > 0:
        return span(leaders[0])
    if start is not None:
        # After a revision positions shift; the nearest occurrence is the reader's.
        return span(min(leaders, key=lambda hit: abs(span(hit).start - start)))
    raise SelectionAmbiguous(
        f"The selected text appears {len(hits)} times in the article; "
        "select a few more words so we can tell which one you mean.",
        occurrences=len(hits),
    )
