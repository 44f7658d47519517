"""Generated revisions of long texts, with the truth of where a reader's quote went, for the anchoring evaluation.

Each case starts from a text under ``tests/data/``, picks a reader's quote
(1–12 words of one paragraph) and revises the text in one way (a kind), keeping
track of where the quote's passage stands afterwards (or that it is gone). The
tests (``test_anchoring_eval.py``) draw cases with hypothesis; ``bench/anchoring_eval.py``
draws more with a seeded ``random.Random`` and prints the table.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from corrections.domain.remap import DELETED, EDITED, INTACT, Followed, follow

DATA = Path(__file__).parent / "data"
TEXTS = {path.stem: path.read_text(encoding="utf-8").strip() for path in sorted(DATA.glob("*.txt"))}

#: Kind of revision → what a good anchoring reports.
KINDS = {
    "paragraphs inserted, deleted or swapped elsewhere": INTACT,
    "the quote's paragraph moved": INTACT,
    "white space, inside the quote too": INTACT,
    "typography pass (quotes, apostrophes, dashes)": INTACT,
    "edits beside the quote": INTACT,
    "an identical paragraph occurs twice": INTACT,
    "a mixed revision (typography, white space, paragraphs)": INTACT,
    "one word changed inside the quote": EDITED,
    "the quote's paragraph moved, a word in the quote changed": EDITED,
    "flagged copy edited, identical copy elsewhere": EDITED,
    "the quote's sentence or paragraph deleted": DELETED,
}
KEPT_AT_LEAST = {
    "one word changed inside the quote": 0.95,
    "the quote's paragraph moved, a word in the quote changed": 0.95,
    "flagged copy edited, identical copy elsewhere": 0.95,
    "the quote's sentence or paragraph deleted": 0.95,
}
DEFAULT_KEPT_AT_LEAST = 0.99
WRONG_AT_MOST = 0.01

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Case:
    kind: str
    old: str
    new: str
    start: int
    end: int
    proposed: str  # the reader's fix
    truth: tuple[int, int] | None  # the passage in ``new``; None when it was deleted
    resolved: bool = False  # the editor made exactly the reader's fix


class Doc:
    """Paragraphs with one marked quote (paragraph index and offsets), so its place is known after any edit."""

    def __init__(self, paragraphs: list[str], index: int, a: int, b: int) -> None:
        self.paragraphs, self.index, self.a, self.b = list(paragraphs), index, a, b

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def span(self) -> tuple[int, int]:
        offset = sum(len(p) + 2 for p in self.paragraphs[: self.index])
        return offset + self.a, offset + self.b

    def insert(self, at: int, paragraph: str) -> None:
        self.paragraphs.insert(at, paragraph)
        if at <= self.index:
            self.index += 1

    def delete(self, at: int) -> None:
        assert at != self.index
        del self.paragraphs[at]
        if at < self.index:
            self.index -= 1

    def move(self, frm: int, to: int) -> None:
        paragraph = self.paragraphs.pop(frm)
        marked = frm == self.index
        if not marked and frm < self.index:
            self.index -= 1
        self.paragraphs.insert(to, paragraph)
        if marked:
            self.index = to
        elif to <= self.index:
            self.index += 1


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _replace_word(text: str, span: tuple[int, int], rng: random.Random, vocabulary: list[str]) -> tuple[str, int]:
    """Replace the word at ``span`` by another word; return the text and the change in length."""
    old = text[span[0] : span[1]]
    new = rng.choice([w for w in vocabulary if w.lower() != old.lower()] or ["changed"])
    return text[: span[0]] + new + text[span[1] :], len(new) - len(old)


def _vocabulary(text: str) -> list[str]:
    return sorted({w for w in _WORD.findall(text) if len(w) >= 3 and not w.isdigit()})


def _pick_quote(rng: random.Random, paragraphs: list[str]) -> tuple[int, int, int]:
    choices = [i for i, p in enumerate(paragraphs) if len(_words(p)) >= 8]
    index = rng.choice(choices)
    words = _words(paragraphs[index])
    n = rng.randint(1, 3) if rng.random() < 0.3 else rng.randint(4, min(12, len(words)))
    first = rng.randrange(0, len(words) - n + 1)
    return index, words[first][0], words[first + n - 1][1]


def _fix(quote: str, rng: random.Random, vocabulary: list[str]) -> str:
    words = _words(quote)
    fixed, _ = _replace_word(quote, rng.choice(words), rng, vocabulary)
    return fixed


def _edit_elsewhere(doc: Doc, rng: random.Random, vocabulary: list[str], pool: list[str], avoid: set[str]) -> None:
    """One to three paragraph edits that leave the marked paragraph (and ``avoid``) alone."""
    for _ in range(rng.randint(1, 3)):
        others = [i for i in range(len(doc.paragraphs)) if i != doc.index and doc.paragraphs[i] not in avoid]
        action = rng.choice(("insert", "delete", "swap", "word"))
        if action == "insert":
            doc.insert(rng.randint(0, len(doc.paragraphs)), rng.choice(pool))
        elif action == "delete" and len(others) > 2:
            doc.delete(rng.choice(others))
        elif action == "swap" and len(others) >= 2:
            i, j = sorted(rng.sample(others, 2))
            doc.paragraphs[i], doc.paragraphs[j] = doc.paragraphs[j], doc.paragraphs[i]
        elif others:
            i = rng.choice(others)
            words = _words(doc.paragraphs[i])
            if words:
                doc.paragraphs[i], _ = _replace_word(doc.paragraphs[i], rng.choice(words), rng, vocabulary)


Edit = tuple[int, int, str]  # (position, length replaced, replacement) in the whole text


def _apply(text: str, span: tuple[int, int], edits: list[Edit]) -> tuple[str, tuple[int, int]]:
    """Apply non-overlapping edits; the span's ends move with the text (an edit at its edge stays inside)."""
    a, b = span
    out, pos, new_a, new_b = [], 0, a, b
    for at, length, replacement in sorted(edits):
        out.append(text[pos:at])
        out.append(replacement)
        pos = at + length
        delta = len(replacement) - length
        if at + length <= a and at < a:
            new_a += delta
        if at + length <= b and not (length == 0 and at == b):
            new_b += delta
    out.append(text[pos:])
    return "".join(out), (new_a, new_b)


def _white_space_edits(text: str, rng: random.Random) -> list[Edit]:
    edits: list[Edit] = []
    for m in re.finditer(r"[ \n]+", text):
        roll = rng.random()
        if m.group() == " " and roll < 0.08:
            edits.append((m.start(), 1, rng.choice(("  ", "\n", "\u00a0", " \u200b"))))
        elif m.group() == "\n\n" and roll < 0.2:
            edits.append((m.start(), 2, rng.choice(("\n\n\n", " \n\n", "\n \n"))))
        elif m.group() == "\n" and roll < 0.3:
            edits.append((m.start(), 1, " "))
        elif len(m.group()) > 1 and m.group().strip(" ") == "" and roll < 0.5:
            edits.append((m.start(), len(m.group()), " "))
    return edits


_CURL = (
    (re.compile(r'"(?=\w)'), "“"),
    (re.compile(r'(?<=[\w.,!?])"'), "”"),
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),
    (re.compile(r" - "), " — "),
    (re.compile(r"(?<=\d)-(?=\d)"), "–"),
    (re.compile(r"\.\.\."), "…"),
)
_STRAIGHTEN = (
    (re.compile(r"[“”«»]"), '"'),
    (re.compile(r"[’‘]"), "'"),
    (re.compile(r" — "), " - "),
    (re.compile(r"–"), "-"),
    (re.compile(r"…"), "..."),
)


def _typography_edits(text: str, rules: tuple[tuple[re.Pattern[str], str], ...], rng: random.Random) -> list[Edit]:
    edits: dict[int, Edit] = {}
    share = rng.choice((1.0, 0.7))  # a whole pass, or a pass that missed some
    for pattern, replacement in rules:
        for m in pattern.finditer(text):
            if m.start() not in edits and rng.random() < share:
                edits[m.start()] = (m.start(), m.end() - m.start(), replacement)
    return list(edits.values())


def make_case(kind: str, rng: random.Random, text_name: str | None = None) -> Case:
    """One revision of the given kind, with the truth of where the reader's quote went."""
    name = text_name or rng.choice(sorted(TEXTS))
    base = TEXTS[name]
    vocabulary = _vocabulary(base)
    pool = [p for other in TEXTS.values() for p in other.split("\n\n") if len(p) > 40]
    paragraphs = base.split("\n\n")
    index, a, b = _pick_quote(rng, paragraphs)
    doc = Doc(paragraphs, index, a, b)
    pool = [p for p in pool if paragraphs[index][a:b] not in p]  # a copy of the quote is a kind of its own
    copies: set[str] = set()
    if kind in (
        "an identical paragraph occurs twice",
        "flagged copy edited, identical copy elsewhere",
    ) or (kind.startswith("the quote's sentence") and rng.random() < 0.4):
        copy = doc.paragraphs[doc.index]
        at = rng.choice([i for i in range(len(doc.paragraphs) + 1) if i not in (doc.index, doc.index + 1)])
        doc.insert(at, copy)
        if rng.random() < 0.5:  # the reader flagged the other copy
            doc.index = at
        copies.add(copy)
    if kind.startswith("typography") and rng.random() < 0.5:
        curled, span = _apply(doc.text, doc.span, _typography_edits(doc.text, _CURL, random.Random(0)))
        doc = _from_text(curled, span)
    old, (start, end) = doc.text, doc.span
    quote = old[start:end]
    proposed = _fix(quote, rng, vocabulary)
    resolved = False
    bulk = random.Random(rng.getrandbits(32))  # for passes over the whole text: one draw, not thousands
    if kind.startswith("paragraphs inserted") or kind == "an identical paragraph occurs twice":
        _edit_elsewhere(doc, rng, vocabulary, pool, copies)
        new, truth = doc.text, doc.span
    elif kind.startswith("the quote's paragraph moved"):
        to = rng.choice([i for i in range(len(doc.paragraphs)) if abs(i - doc.index) > 1])
        doc.move(doc.index, to)
        if kind.endswith("changed"):
            edited = _fix(quote, rng, vocabulary)
            paragraph = doc.paragraphs[doc.index]
            doc.paragraphs[doc.index] = paragraph[: doc.a] + edited + paragraph[doc.b :]
            doc.b = doc.a + len(edited)
        new, truth = doc.text, doc.span
    elif kind.startswith("a mixed revision"):
        _edit_elsewhere(doc, rng, vocabulary, pool, copies)
        middle, span = doc.text, doc.span
        rules = _STRAIGHTEN if any(ch in middle for ch in "“’—") and rng.random() < 0.5 else _CURL
        middle, span = _apply(middle, span, _typography_edits(middle, rules, bulk))
        new, truth = _apply(middle, span, _white_space_edits(middle, bulk))
    elif kind.startswith("white space"):
        new, truth = _apply(old, (start, end), _white_space_edits(old, bulk))
    elif kind.startswith("typography"):
        rules = _STRAIGHTEN if any(ch in old for ch in "“’—") and rng.random() < 0.5 else _CURL
        new, truth = _apply(old, (start, end), _typography_edits(old, rules, bulk))
    elif kind == "edits beside the quote":
        new, truth = _edit_beside(old, (start, end), rng, vocabulary)
    elif kind in ("one word changed inside the quote", "flagged copy edited, identical copy elsewhere"):
        if rng.random() < 0.3:
            edited, resolved = proposed, True  # the editor made the reader's fix
        else:
            edited = _fix(quote, rng, vocabulary)
        new, truth = old[:start] + edited + old[end:], (start, start + len(edited))
    else:
        new, truth = _delete(doc, rng), None
    return Case(kind, old, new, start, end, proposed, truth, resolved)


def _from_text(text: str, span: tuple[int, int]) -> Doc:
    paragraphs = text.split("\n\n")
    offset = 0
    for i, paragraph in enumerate(paragraphs):
        if offset <= span[0] < offset + len(paragraph) + 2:
            return Doc(paragraphs, i, span[0] - offset, span[1] - offset)
        offset += len(paragraph) + 2
    raise AssertionError("span outside the text")


def _edit_beside(old: str, span: tuple[int, int], rng: random.Random, vocabulary: list[str]) -> tuple[str, tuple]:
    """Change, insert or delete a word within a few words before or after the quote."""
    start, end = span
    before = [w for w in _words(old[max(0, start - 40) : start])]
    after = [w for w in _words(old[end : end + 40])]
    side = rng.choice(("before", "after")) if before and after else ("before" if before else "after")
    if side == "before":
        ws, we = before[rng.randrange(len(before))]
        ws, we = ws + max(0, start - 40), we + max(0, start - 40)
    else:
        ws, we = after[rng.randrange(len(after))]
        ws, we = ws + end, we + end
    action = rng.choice(("replace", "insert", "delete"))
    if action == "replace":
        replacement = rng.choice([w for w in vocabulary if w != old[ws:we]])
        return _apply(old, span, [(ws, we - ws, replacement)])
    if action == "insert":
        return _apply(old, span, [(ws, 0, rng.choice(vocabulary) + " ")])
    stop = we + 1 if we < len(old) and old[we] == " " else we
    return _apply(old, span, [(ws, stop - ws, "")])


def _delete(doc: Doc, rng: random.Random) -> str:
    """Delete the quote's sentence (when the quote lies in one) or its whole paragraph."""
    paragraph = doc.paragraphs[doc.index]
    sentences = [m.span() for m in re.finditer(r"[^.!?]+[.!?]*[\"'”’»]?\s*", paragraph)]
    holding = [s for s in sentences if s[0] <= doc.a and doc.b <= s[1]]
    if holding and len(sentences) > 1 and rng.random() < 0.6:
        s0, s1 = holding[0]
        rest = paragraph[:s0] + paragraph[s1:]
        return "\n\n".join([*doc.paragraphs[: doc.index], rest.rstrip(), *doc.paragraphs[doc.index + 1 :]])
    return "\n\n".join(doc.paragraphs[: doc.index] + doc.paragraphs[doc.index + 1 :])


def outcome(case: Case, result: Followed) -> str:
    """'right', 'wrong' (anchored on another passage) or 'lost' (reported deleted though it is there)."""
    if case.truth is None:
        return "right" if result.state == DELETED else "wrong"
    if result.state == DELETED:
        return "lost"
    if KINDS[case.kind] == EDITED:
        ts, te = case.truth
        overlap = min(te, result.end) - max(ts, result.start)
        union = max(te, result.end) - min(ts, result.start)
        return "right" if union and overlap / union >= 0.5 else "wrong"
    return "right" if (result.start, result.end) == case.truth else "wrong"


def run(case: Case) -> tuple[str, Followed]:
    quote = case.old[case.start : case.end]
    result = follow(case.old, case.new, case.start, case.end, original=quote, proposed=case.proposed)
    return outcome(case, result), result


@dataclass
class Tally:
    """Outcomes per kind, and how often the state and the probably-resolved mark were as expected."""

    outcomes: Counter[str]
    state_ok: int = 0
    resolved_expected: int = 0
    resolved_marked: int = 0

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def share(self, key: str) -> float:
        return self.outcomes[key] / self.total if self.total else 0.0

    def add(self, case: Case, verdict: str, result: Followed) -> None:
        self.outcomes[verdict] += 1
        self.state_ok += result.state == KINDS[case.kind]
        if case.resolved:
            self.resolved_expected += 1
            self.resolved_marked += result.probably_resolved


def table(tallies: dict[str, Tally]) -> str:
    """The evaluation as a Markdown table."""
    lines = [
        "| revision between report and review | cases | kept right | wrong passage | lost (deleted) "
        "| state as expected |",
        "|---|---|---|---|---|---|",
    ]
    for kind, tally in tallies.items():
        lines.append(
            f"| {kind} | {tally.total} | {tally.share('right'):.1%} | {tally.share('wrong'):.1%} "
            f"| {tally.share('lost'):.1%} | {tally.state_ok / max(1, tally.total):.1%} |"
        )
    marked = sum(t.resolved_marked for t in tallies.values())
    expected = sum(t.resolved_expected for t in tallies.values())
    lines.append(f"\nProbably resolved marked when the editor made the reader's fix: {marked}/{expected}.")
    return "\n".join(lines)
