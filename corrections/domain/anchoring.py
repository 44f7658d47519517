"""Text anchoring: resolve a W3C TextQuoteSelector (plus an optional position hint) to one span.

A browser's selection does not always keep the text's white space as it is
stored (line breaks become spaces, runs collapse), and quotes, dashes and
special spaces differ between the page a reader saw and the stored text, so
matching is done on a folded copy of the text (``typography.fold``) with a map
back to the original offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SelectionAmbiguous, SelectionNotFound
from .typography import fold, folded


@dataclass(frozen=True)
class Span:
    start: int
    end: int


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
    folding = fold(text)
    haystack = folding.text
    needle = folded(exact).strip()
    if not needle:
        raise SelectionNotFound("The selected text is empty.")
    hits: list[int] = []
    i = haystack.find(needle)
    while i != -1:
        hits.append(i)
        i = haystack.find(needle, i + 1)
    if not hits:
        raise SelectionNotFound(
            "The selected text was not found in this version of the article. "
            "It may have been changed already; please select it again."
        )

    def span(hit: int) -> Span:
        return Span(*folding.span(hit, hit + len(needle)))

    if len(hits) == 1:
        return span(hits[0])

    if start is not None:
        for hit in hits:
            if span(hit).start == start:
                return span(hit)

    fprefix = folded(prefix)
    fsuffix = folded(suffix)
    scores = [
        _common_suffix(haystack[max(0, hit - len(fprefix)) : hit], fprefix)
        + _common_prefix(haystack[hit + len(needle) : hit + len(needle) + len(fsuffix)], fsuffix)
        for hit in hits
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
