"""The fuzzy fallback: find a quote that may have changed a little, or refuse to guess.

Used only where the diff of the two texts cannot decide (a passage that moved
and was edited on the way, a report against a text the server cannot diff).
The quote must match within an edit-distance budget, its prefix and suffix
must agree when it is not an exact match, and a candidate is refused when
another one scores nearly as well: a weak or tied match becomes "needs a
look", never a silent jump to another passage. Even a single exact hit is not
accepted blindly when the quote is short and neither side of its context agrees
(one side may differ: a passage that moved keeps the context inside its paragraph).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from .typography import Folded, fold, folded

#: At most this share of the quote's (folded) characters may differ.
MAX_ERROR = 0.25
#: Shorter quotes must match exactly: a few letters edited make another word.
MIN_FUZZY_LENGTH = 12
#: Longer quotes are matched exactly only (the budget would make the search slow and the match vague).
MAX_FUZZY_LENGTH = 400
#: An exact hit this long is specific enough to accept whatever its context.
LONG_QUOTE = 40
#: A whole paragraph this close (share of characters edited) needs no context: it moved with its edit.
CLOSE = 0.2
#: Least context similarity (0–1) for an inexact match, and for a short exact one.
MIN_CONTEXT = 0.5
#: The runner-up must score at least this much lower, or the choice is a guess.
MARGIN = 0.1
CONTEXT = 32
_MAX_HITS_PER_PIECE = 200
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_PARAGRAPH_END = re.compile(r"(?:\A|\n\s*\n)[ \t]*\Z")
_PARAGRAPH_START = re.compile(r"[ \t]*(?:\Z|\n\s*\n)")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    distance: int  # edit distance between the folded quote and the folded match
    context: float | None  # how well prefix and suffix agree, on average (None: no context given)
    best_side: float | None  # how well the better of the two agrees (a moved passage keeps one side)
    score: float


def _best_ends(pattern: str, text: str) -> tuple[int, int]:
    """Least edit distance of ``pattern`` to any substring of ``text``, and the first end where it is reached.

    Myers' bit-parallel algorithm (1999), with Python integers as bit vectors:
    one pass over ``text``, a handful of integer operations per character.
    """
    m = len(pattern)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    pv, mv, score = mask, 0, m
    best = (m, 0)
    for j, ch in enumerate(text, 1):
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        if score < best[0]:
            best = (score, j)
    return best


def _align(quote: str, window: str) -> tuple[int, int, int]:
    """The substring of ``window`` closest to ``quote``: (distance, start, end)."""
    distance, end = _best_ends(quote, window)
    # The same search run backwards from that end finds where the closest substring starts.
    _, length = _best_ends(quote[::-1], window[:end][::-1])
    return distance, end - length, end


def _diagonals(haystack: str, quote: str, budget: int) -> list[int]:
    """Where the quote may start: by pigeonhole, a match within ``budget`` edits holds one piece exactly."""
    pieces = max(1, min(budget + 1, len(quote) // 4))
    bounds = [p * len(quote) // pieces for p in range(pieces + 1)]
    found: set[int] = set()
    for p in range(pieces):
        piece = quote[bounds[p] : bounds[p + 1]]
        i, hits = haystack.find(piece), 0
        while i != -1 and hits < _MAX_HITS_PER_PIECE:
            found.add(i - bounds[p])
            hits += 1
            i = haystack.find(piece, i + 1)
    return sorted(found)


def _context(folding: Folded, start: int, end: int, prefix: str, suffix: str) -> list[float]:
    scores = []
    if prefix:
        scores.append(Levenshtein.normalized_similarity(prefix, folding.text[max(0, start - len(prefix)) : start]))
    if suffix:
        scores.append(Levenshtein.normalized_similarity(suffix, folding.text[end : end + len(suffix)]))
    return scores


def candidates(
    text: str, quote: str, prefix: str = "", suffix: str = "", within: Sequence[tuple[int, int]] | None = None
) -> list[Match]:
    """Non-overlapping matches within the budget, best first (``within``: allowed original ranges)."""
    folding = fold(text)
    needle = folded(quote).strip()
    if not needle:
        return []
    m = len(needle)
    budget = int(m * MAX_ERROR) if MIN_FUZZY_LENGTH <= m <= MAX_FUZZY_LENGTH else 0
    fprefix, fsuffix = folded(prefix)[-CONTEXT:], folded(suffix)[:CONTEXT]
    allowed = sorted(within) if within is not None else None

    def inside(start: int, end: int) -> bool:
        # Mostly inside: a diff may slide an insertion's edges along text that repeats.
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in allowed) if allowed is not None else 0
        return allowed is None or covered * 2 >= end - start

    def near(start: int, end: int) -> bool:
        return allowed is None or any(a < end and start < b for a, b in allowed)

    groups: list[list[int]] = []
    for diagonal in _diagonals(folding.text, needle, budget):
        if groups and diagonal - groups[-1][-1] <= budget and diagonal - groups[-1][0] <= 2 * budget:
            groups[-1].append(diagonal)
        else:
            groups.append([diagonal])
    found: list[Match] = []
    for group in groups:
        lo = max(0, group[0] - budget)
        hi = min(len(folding.text), group[-1] + m + budget)
        if lo >= hi or not near(*folding.span(lo, hi)):
            continue
        if budget:
            distance, a, b = _align(needle, folding.text[lo:hi])
            fs, fe = lo + a, lo + b
        else:
            distance, fs, fe = 0, group[0], group[0] + m
        if distance > budget or not inside(*folding.span(fs, fe)):
            continue
        sides = _context(folding, fs, fe, fprefix, fsuffix)
        context = sum(sides) / len(sides) if sides else None
        quote_score = 1 - distance / m
        score = quote_score if context is None else 0.7 * quote_score + 0.3 * context
        found.append(Match(*folding.span(fs, fe), distance, context, max(sides, default=None), score))
    found.sort(key=lambda match: (-match.score, match.start))
    kept: list[Match] = []
    for match in found:
        if all(match.end <= other.start or other.end <= match.start for other in kept):
            kept.append(match)
    return kept


def find(
    text: str, quote: str, prefix: str = "", suffix: str = "", within: Sequence[tuple[int, int]] | None = None
) -> Match | None:
    """The one passage of ``text`` that is clearly the quote, or None when there is none or it is a guess."""
    found = candidates(text, quote, prefix, suffix, within)
    # The quote's own text, where it stands, outranks any near miss: near misses count only without it.
    exact = [match for match in found if match.distance == 0]
    found = exact or found
    if not found:
        return None
    best = found[0]
    if len(found) > 1 and found[1].score > best.score - MARGIN:
        return None
    agrees = best.best_side is None or best.best_side >= MIN_CONTEXT
    long = len(folded(quote).strip()) >= LONG_QUOTE
    # A whole paragraph has no context of its own: once moved, a close match is enough.
    paragraph = _PARAGRAPH_END.search(prefix) is not None and _PARAGRAPH_START.match(suffix) is not None
    if best.distance > 0 and not agrees and not (paragraph and best.distance <= len(folded(quote)) * CLOSE):
        return None
    if best.distance == 0 and not agrees and not long:
        return None
    return best


def _map_through(ops: Sequence[tuple[str, int, int, int, int]], pos: int) -> int:
    for tag, i1, i2, j1, _ in ops:
        if i1 <= pos < i2 or (pos == i2 and tag == "equal"):
            return j1 + (pos - i1) if tag == "equal" else j1
    return ops[-1][4] if ops else 0


def _word_beside(text: str, match: Match, *, before: bool, after: bool) -> Match | None:
    if before:
        end = match.start
        while end > 0 and text[end - 1] in " \t":
            end -= 1
        start = end
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    elif after:
        start = match.end
        while start < len(text) and text[start] in " \t":
            start += 1
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
    else:
        return None
    return Match(start, end, match.distance, None, None, match.score) if start < end else None


def find_with_context(
    text: str, quote: str, prefix: str = "", suffix: str = "", within: Sequence[tuple[int, int]] | None = None
) -> Match | None:
    """Find the quote together with the context of its own paragraph, so that an edited quote is still found.

    A moved passage keeps the words around the quote inside its paragraph; with
    them the needle is long enough for a word inside the quote to have changed.
    """
    lead = _PARAGRAPH_BREAK.split(prefix)[-1]
    tail = _PARAGRAPH_BREAK.split(suffix)[0]
    core = quote.strip()
    if not (lead.strip() or tail.strip()) or not core:
        return None
    found = candidates(text, lead + core + tail, within=within)
    if not found or (len(found) > 1 and found[1].score > found[0].score - MARGIN):
        return None
    best = found[0]
    needle = fold(lead + core + tail)
    window = fold(text[best.start : best.end])
    ops = [
        (o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Levenshtein.opcodes(needle.text, window.text)
    ]
    qs = bisect_left(needle.starts, len(lead))
    qe = bisect_left(needle.starts, len(lead) + len(core))
    ws, we = _map_through(ops, qs), _map_through(ops, qe)
    if we <= ws:
        # The closest match left the quote's own words out (all of them were replaced): at the edge of
        # its paragraph they are the word just before the matched context, or just after it.
        at_start, at_end = not lead.strip() and ws == 0, not tail.strip() and ws >= len(window.text)
        return _word_beside(text, best, before=at_start, after=at_end)
    start, end = window.span(ws, we)
    return Match(best.start + start, best.start + end, best.distance, None, None, best.score)
