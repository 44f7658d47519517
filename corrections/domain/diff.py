"""Word-level diffs between two versions of an article's text."""

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


def diff_words(before: str, after: str) -> list[DiffOp]:
    """The edit from ``before`` to ``after`` as runs of equal, deleted and inserted text."""
    a = _TOKEN.findall(before)
    b = _TOKEN.findall(after)
    ops: list[DiffOp] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1].op == op:
            ops[-1] = DiffOp(op, ops[-1].text + text)
        else:
            ops.append(DiffOp(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", "".join(a[i1:i2]))
        else:
            push("delete", "".join(a[i1:i2]))
            push("insert", "".join(b[j1:j2]))
    return ops


def _lines(text: str) -> list[str]:
    # Every line ends in a newline, so the last lines of two versions never run together.
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


def unified(before: str, after: str, from_label: str, to_label: str) -> str:
    return "".join(
        difflib.unified_diff(
            _lines(before),
            _lines(after),
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
