"""Following a reader's span through a revision, by the diff of the old and the new text.

The server holds both texts of every revision, so it need not search the new
text for the quote again (and find another copy of it): a span whose
characters the diff leaves untouched moves with the text exactly. Only a span
whose own characters changed needs judgement:

- ``intact``: the same text (perhaps moved, perhaps with other quotes, dashes or spaces);
- ``edited``: the passage survives with changes (``probably_resolved`` when the
  reader's proposed text now stands there);
- ``deleted``: the passage is gone; the report is outdated and needs a look.

The diff is computed sentence by sentence, then word by word inside changed
sentences, then character by character inside changed words, each level with a
size bound, so it is deterministic (a rebuild reproduces it) and its cost
stays bounded on long texts.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from . import fuzzy
from .typography import fold, folded

INTACT = "intact"
EDITED = "edited"
DELETED = "deleted"
STATES = (INTACT, EDITED, DELETED)

#: Below this similarity (0–1, edit distance on the folded text) what stands in the span's place is
#: another passage, not the reader's passage edited.
MIN_EDITED_SIMILARITY = 0.5
#: Characters of context on each side used to recognise a passage that moved.
CONTEXT = 32
#: Characters on each side that must stand unchanged for a replaced span to count as edited in place.
LOCAL = 16

_SENTENCE_END = re.compile(r"\n+|(?<=[.!?…])[\"'”’»)\]]*[ \t]+")
_WORD = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")
# Largest token-count products diffed at each level; a larger block stays one replacement.
_WORD_LIMIT = 400_000
_CHAR_LIMIT = 60_000
#: Changed words are compared character by character only when they are this alike,
#: so that two different words are not aligned on the letters they happen to share.
_CHAR_REFINE_RATIO = 0.5

Opcode = tuple[str, int, int, int, int]  # (tag, i1, i2, j1, j2) as difflib's, tag "equal" or "replace"


@dataclass(frozen=True)
class Followed:
    """Where a span stands after a revision, and what happened to it."""

    state: str
    start: int
    end: int
    exact: str  # the span's text now ('' once deleted)
    probably_resolved: bool = False
    how: str = "diff"  # "diff": mapped through the diff; "moved": found again where text was inserted


def _sentences(text: str) -> list[str]:
    out, pos = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > pos:
            out.append(text[pos : match.end()])
            pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _emit(out: list[Opcode], tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
    """Append an opcode, merging it with the last one of the same kind ("replace" covers insert and delete)."""
    if i1 == i2 and j1 == j2:
        return
    tag = "equal" if tag == "equal" else "replace"
    if out and out[-1][0] == tag:
        last = out[-1]
        out[-1] = (tag, last[1], i2, last[3], j2)
    else:
        out.append((tag, i1, i2, j1, j2))


def _offsets(tokens: Sequence[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _diff(a: str, b: str, a0: int, b0: int, level: int, out: list[Opcode]) -> None:
    """Diff ``a`` against ``b`` (which start at ``a0``/``b0``) at ``level`` and below, appending opcodes."""
    if not a or not b or level > 2:
        _emit(out, "replace", a0, a0 + len(a), b0, b0 + len(b))
        return
    if level == 0:
        ta, tb = _sentences(a), _sentences(b)
    elif level == 1:
        ta, tb = _WORD.findall(a), _WORD.findall(b)
    else:
        ta, tb = list(a), list(b)
    limit = _WORD_LIMIT if level < 2 else _CHAR_LIMIT
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    if len(ta) * len(tb) > limit or (level == 2 and matcher.ratio() < _CHAR_REFINE_RATIO):
        _emit(out, "replace", a0, a0 + len(a), b0, b0 + len(b))
        return
    oa, ob = _offsets(ta), _offsets(tb)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            _diff(a[oa[i1] : oa[i2]], b[ob[j1] : ob[j2]], a0 + oa[i1], b0 + ob[j1], level + 1, out)
        else:
            _emit(out, tag, a0 + oa[i1], a0 + oa[i2], b0 + ob[j1], b0 + ob[j2])


def text_opcodes(old: str, new: str) -> list[Opcode]:
    """The edit from ``old`` to ``new``: alternating "equal" and "replace" runs covering both texts."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    out: list[Opcode] = []
    _emit(out, "equal", 0, head, 0, head)
    _diff(old[head : len(old) - tail], new[head : len(new) - tail], head, head, 0, out)
    _emit(out, "equal", len(old) - tail, len(old), len(new) - tail, len(new))
    return out


def _op_at(ops: Sequence[Opcode], starts: Sequence[int], pos: int) -> int:
    """Index of the opcode holding old character ``pos`` (the last one for the end of the text)."""
    return max(0, bisect_right(starts, pos) - 1) if pos < ops[-1][2] else len(ops) - 1


def _map_start(op: Opcode, pos: int) -> int:
    tag, i1, _, j1, j2 = op
    return j1 + (pos - i1) if tag == "equal" else min(j1 + (pos - i1), j2)


def _map_end(op: Opcode, pos: int) -> int:
    tag, i1, i2, j1, j2 = op
    if tag == "equal":
        return j1 + (pos - i1)
    return j2 if pos == i2 else min(j1 + (pos - i1), j2)


def _glued(text: str, pos: int) -> bool:
    """Does ``pos`` fall inside a word (a letter or digit on both sides)?"""
    return 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _occurrences(text: str, quote: str, *, whole_words: bool) -> list[tuple[int, int]]:
    """Every span of ``text`` that reads as ``quote`` (folded), optionally only those not cutting a word."""
    folding = fold(text)
    needle = folded(quote).strip()
    spans = []
    i = folding.text.find(needle) if needle else -1
    while i != -1:
        a, b = folding.span(i, i + len(needle))
        if not whole_words or not (_glued(text, a) or _glued(text, b)):
            spans.append((a, b))
        i = folding.text.find(needle, i + 1)
    return spans


def _same_text_over(old: str, new: str, start: int, end: int, new_start: int, new_end: int) -> tuple[int, int] | None:
    """The one place where the quote's text (folded) stands in ``new`` over the mapped span, if exactly one."""
    words = not (_glued(old, start) or _glued(old, end))
    spans = [(a, b) for a, b in _occurrences(new, old[start:end], whole_words=words) if a <= new_end and new_start <= b]
    return spans[0] if len(spans) == 1 else None


def _replaced_in_place(old: str, new: str, start: int, end: int, new_start: int, new_end: int) -> bool:
    """Were only the span's own words replaced, its surroundings standing as they were on both sides?

    A flagged word swapped for a quite different one is still the reader's passage, edited.
    """
    if new_end - new_start > 3 * (end - start) + 20:
        return False
    before_old, after_old = folded(old[max(0, start - LOCAL) : start]), folded(old[end : end + LOCAL])
    before_new, after_new = folded(new[max(0, new_start - LOCAL) : new_start]), folded(new[new_end : new_end + LOCAL])
    return bool(before_old.strip() or after_old.strip()) and (before_old, after_old) == (before_new, after_new)


def similarity(a: str, b: str) -> float:
    """How alike two passages read (1.0 the same once typography is folded, 0.0 nothing in common)."""
    return Levenshtein.normalized_similarity(folded(a).strip(), folded(b).strip())


def _judge(new: str, start: int, end: int, original: str, proposed: str, how: str) -> Followed:
    exact = new[start:end]
    resolved = bool(proposed.strip()) and folded(exact).strip() == folded(proposed).strip()
    state = INTACT if folded(exact).strip() == folded(original).strip() else EDITED
    return Followed(state, start, end, exact, resolved and state == EDITED, how)


def follow(
    old: str,
    new: str,
    start: int,
    end: int,
    *,
    original: str,
    proposed: str = "",
    ops: Sequence[Opcode] | None = None,
) -> Followed:
    """Map ``old[start:end]`` into ``new``; judge it against ``original``, the quote the reader flagged.

    ``ops`` is ``text_opcodes(old, new)``, computed once per revision for all its open reports.
    """
    if ops is None:
        ops = text_opcodes(old, new)
    if not ops:  # both texts empty
        return Followed(DELETED, 0, 0, "")
    starts = [op[1] for op in ops]
    first, last = _op_at(ops, starts, start), _op_at(ops, starts, max(start, end - 1))
    new_start, new_end = _map_start(ops[first], start), _map_end(ops[last], end)
    # An insertion exactly at either end of the span leaves the span's own characters alone,
    # unless it glues onto the span's first or last word (a diff may spell "on" → "Station" so).
    touched = any(op[0] == "replace" and op[1] < end and op[2] > start for op in ops[first : last + 1])
    if not _glued(old, start) and _glued(new, new_start):
        touched = True
        while _glued(new, new_start):
            new_start -= 1
    if not _glued(old, end) and _glued(new, new_end):
        touched = True
        while _glued(new, new_end):
            new_end += 1
    if not touched:
        return _judge(new, new_start, new_end, original, proposed, "diff")
    new_start, new_end = _trim(new, new_start, max(new_start, new_end))
    before = old[start:end]
    # Where a span's characters all went, the place the diff maps it to is arbitrary: judge it there only
    # if at least half of them stayed, or if only the span itself changed between unchanged surroundings.
    retained = sum(max(0, min(end, op[2]) - max(start, op[1])) for op in ops[first : last + 1] if op[0] == "equal")
    anchored = retained * 2 >= end - start
    in_place = _replaced_in_place(old, new, start, end, new_start, new_end)
    same = _same_text_over(old, new, start, end, new_start, new_end) if anchored else None
    if same is not None:
        # Only spaces, quotes or dashes changed, and the diff drew the span's edges elsewhere.
        return _judge(new, *same, original, proposed, "diff")
    here = new[new_start:new_end]
    if here and (
        (anchored and similarity(before, here) >= MIN_EDITED_SIMILARITY)
        or in_place
        or (anchored and proposed.strip() and folded(here).strip() == folded(proposed).strip())
    ):
        return _judge(new, new_start, new_end, original, proposed, "diff")
    # Gone from its place: a passage that moved is deleted there and inserted elsewhere, so look for
    # it only in inserted text (a copy in unchanged text was there before and is another passage).
    inserted = [(op[3], op[4]) for op in ops if op[0] == "replace" and op[4] > op[3]]
    prefix, suffix = old[max(0, start - CONTEXT) : start], old[end : end + CONTEXT]
    # A copy of the quote found as it was counts as the passage moved only if no copy was lost:
    # when the quote stands fewer times in the new text, the copies left are other passages.
    words = not (_glued(old, start) or _glued(old, end))
    kept = len(_occurrences(new, before, whole_words=words)) >= len(_occurrences(old, before, whole_words=words))
    moved = fuzzy.find(new, before, prefix, suffix, within=inserted)
    if moved is None or moved.distance > 0:
        # Edited on the way: the words around it in its own paragraph say better which near match it is.
        moved = fuzzy.find_with_context(new, before, prefix, suffix, within=inserted) or moved
    exact_copy = moved is not None and folded(new[moved.start : moved.end]).strip() == folded(before).strip()
    if moved is not None and exact_copy != kept:
        # Lost a copy but found one as it was: another passage. Lost none but found only a near one:
        # the passage itself is somewhere the diff did not show as inserted, and the near one is another.
        moved = None
    if moved is not None:
        moved_start, moved_end = moved.start, moved.end
        # A quote of whole words stays whole words, wherever the alignment cut.
        while not _glued(old, start) and _glued(new, moved_start):
            moved_start -= 1
        while not _glued(old, end) and _glued(new, moved_end):
            moved_end += 1
        return _judge(new, moved_start, moved_end, original, proposed, "moved")
    point = min(new_start, len(new))
    return Followed(DELETED, point, point, "", False, "diff")
