"""Typography-insensitive folding of text, with a map from each folded character back to the original.

A reader's browser, an editor's typography pass and a site's CMS each write the
same words differently: straight or curly quotes, a hyphen or a dash, a
no-break space, a soft hyphen, a decomposed accent. Matching is done on one
folded form so that these differences never decide whether a quote is found,
and every folded character remembers the original span it came from, so a
match is reported in the real text's offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_DOUBLE_QUOTES = '"“”„‟«»″〃＂'
_SINGLE_QUOTES = "'‘’‚‛‹›′ʼ`´＇"
_DASHES = "-‐‑‒–—―−﹘﹣－⁃"
# Invisible characters that only affect line breaking or shaping: soft hyphen, zero-width
# (non-)joiners and spaces, word joiner, byte-order mark, Mongolian vowel separator.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"

_TABLE: dict[str, str] = {}
_TABLE.update(dict.fromkeys(_DOUBLE_QUOTES, '"'))
_TABLE.update(dict.fromkeys(_SINGLE_QUOTES, "'"))
_TABLE.update(dict.fromkeys(_DASHES, "-"))
_TABLE["…"] = "..."


#: Runs of characters that fold to themselves (printable ASCII but for quotes and the hyphen, Cyrillic
#: letters, single spaces between them), copied in one step; the rest goes through the per-character rules.
_P = r"[!#-&(-,.-_a-~\u0400-\u0482\u048a-\u04ff]"
_PLAIN = re.compile(rf"{_P}(?:{_P}| (?={_P}))*")


@dataclass(frozen=True)
class Folded:
    """The folded text; ``starts[i]``/``ends[i]`` are the original span folded character ``i`` came from."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    length: int  # of the original text

    def span(self, i: int, j: int) -> tuple[int, int]:
        """The original span of folded characters ``[i, j)`` (an empty span maps to a point)."""
        if i >= j:
            point = self.starts[i] if i < len(self.text) else self.length
            return point, point
        return self.starts[i], self.ends[j - 1]


def _cluster_end(text: str, i: int) -> int:
    """End of the cluster starting at ``i``: one character and the combining marks that follow it."""
    i += 1
    while i < len(text) and unicodedata.combining(text[i]):
        i += 1
    return i


def _fold_cluster(cluster: str) -> str:
    if cluster in _TABLE:
        return _TABLE[cluster]
    if cluster in _INVISIBLE:
        return ""
    if cluster.isspace():
        return " "
    if cluster.isascii():
        return cluster
    normal = unicodedata.normalize("NFKC", cluster)
    return "".join(_TABLE.get(ch, " " if ch.isspace() else ch) for ch in normal if ch not in _INVISIBLE)


@lru_cache(maxsize=32)
def fold(text: str) -> Folded:
    """Fold quotes, apostrophes, dashes, spaces and Unicode forms to one form, keeping the offset map.

    A run of white space becomes one space; a run of dashes becomes one hyphen,
    and the spaces around it go (so "a - b", "a — b" and "a—b" read alike).
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = ""
    pos, n = 0, len(text)
    while pos < n:
        plain = _PLAIN.match(text, pos)
        if plain:
            end = plain.end()
            if end < n and unicodedata.combining(text[end]):
                end -= 1  # the run's last letter takes the marks that follow it
            if end > pos:
                out.append(text[pos:end])
                starts.extend(range(pos, end))
                ends.extend(range(pos + 1, end + 1))
                last, pos = text[end - 1], end
                continue
        end = _cluster_end(text, pos)
        for ch in _fold_cluster(text[pos:end]):
            if ch == " " and last in (" ", "-"):
                continue
            if ch == "-" and last == "-":
                ends[-1] = end
                continue
            if ch == "-" and last == " ":
                out.pop()  # the space before a dash goes
                starts.pop()
                ends.pop()
            out.append(ch)
            starts.append(pos)
            ends.append(end)
            last = ch
        pos = end
    return Folded("".join(out), starts, ends, n)


def folded(text: str) -> str:
    """Only the folded text, for comparing two strings as a reader would."""
    return fold(text).text


def same(a: str, b: str) -> bool:
    """Do two strings read the same once typography and white space are set aside?"""
    return folded(a).strip() == folded(b).strip()
