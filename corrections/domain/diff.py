"""Word-level diffs between two versions of an article's text, at a bounded cost.

``difflib.SequenceMatcher`` costs about len(a) × len(b) comparisons, far more on
repetitive text, so a diff is never run on unbounded input: the common start and
end are cut off first (linear), a small middle gets a word diff, a large one is
compared line by line (paragraphs) and only changed paragraphs small enough for
the remaining budget get a word diff; the rest shows as whole paragraphs deleted
and inserted (``coarse``). The whole diff then costs at most about ``budget``
comparisons, whatever the text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A word keeps its inner apostrophes, points and commas ("don't", "4.2", "12,000"), so a changed
# number or contraction shows as one whole word; other punctuation is a token of its own.
_TOKEN = re.compile(r"\s+|\w+(?:['’.,]\w+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffOp:
    op: str  # equal | insert | delete
    text: str


#: Word comparisons one diff may spend (len(a) × len(b) summed over the blocks diffed word by word).
WORD_BUDGET = 250_000
#: Line comparisons above which two texts are shown as one replacement.
LINE_BUDGET = 1_000_000


@dataclass(frozen=True)
class TextDiff:
    ops: list[DiffOp]
    coarse: bool  # some changes are shown by whole paragraphs rather than word by word


class _Ops:
    def __init__(self) -> None:
        self.ops: list[DiffOp] = []

    def push(self, op: str, text: str) -> None:
        if not text:
            return
        if self.ops and self.ops[-1].op == op:
            self.ops[-1] = DiffOp(op, self.ops[-1].text + text)
        else:
            self.ops.append(DiffOp(op, text))

    def words(self, a: list[str], b: list[str]) -> None:
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                self.push("equal", "".join(a[i1:i2]))
            else:
                self.push("delete", "".join(a[i1:i2]))
                self.push("insert", "".join(b[j1:j2]))


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _trimmed_cost(a: list[str], b: list[str], ends: tuple[int, int]) -> int:
    start, end = ends
    return (len(a) - start - end) * (len(b) - start - end)


def _word_diff(out: _Ops, a: list[str], b: list[str], ends: tuple[int, int]) -> None:
    """Word diff of the middle, after cutting the common start and end (``_common_ends``: linear)."""
    start, end = ends
    out.push("equal", "".join(a[:start]))
    out.words(a[start : len(a) - end], b[start : len(b) - end])
    out.push("equal", "".join(a[len(a) - end :]))


def diff_text(before: str, after: str, *, budget: int = WORD_BUDGET) -> TextDiff:
    """The edit from ``before`` to ``after`` as runs of equal, deleted and inserted text, at a bounded cost."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out = _Ops()
    ends = _common_ends(a, b)
    if _trimmed_cost(a, b, ends) <= budget:
        _word_diff(out, a, b, ends)
        return TextDiff(out.ops, False)
    return TextDiff(out.ops, _by_paragraphs(out, before, after, budget))


_PARAGRAPH = re.compile(r".*?(?:\n[^\S\n]*\n\s*|\Z)", re.S)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs, each with the blank lines after it, so that no two separators compare equal by themselves."""
    return [part for part in _PARAGRAPH.findall(text) if part]


def _by_paragraphs(out: _Ops, before: str, after: str, budget: int) -> bool:
    """Diff by paragraph, then word by word inside changed pairs while the budget lasts; True if any was coarse."""
    paras_a, paras_b = _paragraphs(before), _paragraphs(after)
    if len(paras_a) * len(paras_b) > LINE_BUDGET:
        out.push("delete", before)
        out.push("insert", after)
        return True
    coarse = False
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, paras_a, paras_b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.push("equal", "".join(paras_a[i1:i2]))
            continue
        # A changed paragraph is compared with the one in its place; any left over was deleted or inserted.
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for old, new in zip(paras_a[i1 : i1 + pairs], paras_b[j1 : j1 + pairs], strict=True):
            words_a, words_b = _TOKEN.findall(old), _TOKEN.findall(new)
            ends = _common_ends(words_a, words_b)
            cost = _trimmed_cost(words_a, words_b, ends)
            if cost <= budget:
                _word_diff(out, words_a, words_b, ends)
                budget -= cost
            else:
                coarse = True
                out.push("delete", old)
                out.push("insert", new)
        out.push("delete", "".join(paras_a[i1 + pairs : i2]))
        out.push("insert", "".join(paras_b[j1 + pairs : j2]))
    return coarse


def diff_words(before: str, after: str) -> list[DiffOp]:
    """The edit from ``before`` to ``after`` as runs of equal, deleted and inserted text (see ``diff_text``)."""
    return diff_text(before, after).ops


def _lines(text: str) -> list[str]:
    # Every line ends in a newline, so the last lines of two versions never run together.
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


def unified(before: str, after: str, from_label: str, to_label: str) -> str:
    lines_a, lines_b = _lines(before), _lines(after)
    if len(lines_a) * len(lines_b) > LINE_BUDGET:
        # Past the budget: one hunk replacing everything, at linear cost.
        hunk = [f"--- {from_label}\n", f"+++ {to_label}\n", f"@@ -1,{len(lines_a)} +1,{len(lines_b)} @@\n"]
        return "".join(hunk + [f"-{line}" for line in lines_a] + [f"+{line}" for line in lines_b])
    return "".join(
        difflib.unified_diff(
            lines_a,
            lines_b,
            fromfile=from_label,
            tofile=to_label,
        )
    )


@dataclass(frozen=True)
class Edit:
    """One change from ``before`` to ``after``: the characters ``before[start:end]`` become ``replacement``."""

    start: int
    end: int
    replacement: str


def edits_between(before: str, after: str) -> list[Edit]:
    """The word-level edits that turn ``before`` into ``after``, each quoting at least one word of ``before``.

    A pure insertion quotes the word before it (or after it, at the very start), so that
    every edit can be anchored as a quote; edits that touch are merged into one.
    """
    a = _TOKEN.findall(before)
    b = _TOKEN.findall(after)
    if not a:
        return []  # nothing to quote in an empty text
    regions: list[list[int]] = []  # [i1, i2, j1, j2]: a[i1:i2] becomes b[j1:j2]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion quotes the equal word before it (after it, at the very start)
            i1, j1, i2, j2 = (i1 - 1, j1 - 1, i2, j2) if i1 > 0 else (i1, j1, i2 + 1, j2 + 1)
        if regions and regions[-1][1] >= i1:  # touching or overlapping: one edit
            last = regions[-1]
            last[1], last[3] = max(last[1], i2), max(last[3], j2)
            last[0], last[2] = min(last[0], i1), min(last[2], j1)
        else:
            regions.append([i1, i2, j1, j2])
    starts = [0]
    for token in a:
        starts.append(starts[-1] + len(token))
    return [Edit(starts[i1], starts[i2], "".join(b[j1:j2])) for i1, i2, j1, j2 in regions]
