"""Text anchoring: resolve a W3C TextQuoteSelector (plus an optional position hint) to one span.

A browser's selection does not always keep the text's white space as it is
stored (line breaks become spaces, runs collapse), so matching is done on a
white-space-folded copy of the text with a map back to the original offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from .errors import SelectionAmbiguous, SelectionNotFound

_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class _Origin:
    """Where each character of the folded text came from: its index plus the white space folded before it."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []  # where each folded run sits in the folded text
        self.shifts: list[int] = []  # characters removed up to and including that run
        removed = 0
        for match in _RUN.finditer(text):  # a single white space character folds to one space: no shift
            self.starts.append(match.start() - removed)
            removed += match.end() - match.start() - 1
            self.shifts.append(removed)

    def __getitem__(self, index: int) -> int:
        runs = bisect_left(self.starts, index)
        return index + (self.shifts[runs - 1] if runs else 0)


@lru_cache(maxsize=16)  # re-anchoring an article's open reports folds the same new text for each
def _fold(text: str) -> tuple[str, _Origin]:
    """Collapse each run of white space to one space; return the folded text and each char's origin."""
    return _SPACE.sub(" ", text), _Origin(text)


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
