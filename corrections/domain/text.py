"""Plain-text rules for what readers type: no control or bidi-override characters, names that can be seen.

Pure Python. Tab and line breaks are allowed; so are zero-width joiners and
direction marks inside text (emoji sequences and right-to-left scripts need
them), but not embeddings, overrides or isolates, which can make a comment
display as something other than what it says.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls other than tab and line breaks (PostgreSQL also refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidi embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Characters that take no visible space apart from format characters (Cf): Hangul fillers and the like.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u180e"}


def has_control_characters(text: str) -> bool:
    """Control characters or bidi overrides: refused in anything a reader types."""
    return bool(_CONTROL.search(text) or _BIDI.search(text))


def visible(text: str) -> str:
    """The text without white space, format characters (zero-width, bidi marks) and blank letters."""
    return "".join(
        char
        for char in text
        if not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Mn") and char not in _BLANK_LETTERS
    )


def is_blank(text: str) -> bool:
    """Nothing a person could see: empty, white space, or only invisible characters."""
    return not visible(text)


#: The largest id a database integer column holds (PostgreSQL bigint).
_MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A positive integer id from an int or a string of ASCII digits, or None (never an exception).

    ``"²".isdigit()`` is true and ``int("٣")`` is 3, so ids are parsed from ASCII digits only.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= _MAX_ID else None
    if isinstance(value, str) and value.isascii() and value.isdecimal() and len(value) <= 19:
        number = int(value)
        return number if 0 < number <= _MAX_ID else None
    return None
