"""Text as we store it, and text as we compare it.

``clean`` is what the article's body becomes: paragraphs apart by a blank line,
white space inside a paragraph collapsed, invisible characters gone. ``key``
goes further for comparison only: typographic quotes, dashes and ellipses fold
to their plain forms and all white space to one space, so that a site that
re-renders the same words differently does not look like an edit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Characters that render as nothing: soft hyphen, zero-width space/joiners, word joiner, BOM.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# Every Unicode space separator (no-break, thin, em…) becomes a plain space.
SPACES = re.compile(r"[^\S\n]+")
FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)


def clean_paragraph(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    return SPACES.sub(" ", text.replace("\n", " ")).strip()


def clean(text: str | list[str]) -> str:
    """The body as stored: cleaned paragraphs separated by one blank line (a list is taken as paragraphs)."""
    if isinstance(text, str):
        text = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = (clean_paragraph(p) for p in text)
    return "\n\n".join(p for p in paragraphs if p)


def clean_title(text: str) -> str:
    return clean_paragraph(text)


def key(text: str) -> str:
    """The text as compared: cleaned, typography folded, every run of white space one space."""
    folded = unicodedata.normalize("NFKC", clean(text)).translate(FOLD)
    return " ".join(folded.split())


def fingerprint(title: str, body: str) -> str:
    """A digest of what a reader would call the article's words: equal fingerprints mean no edit."""
    return hashlib.sha256(f"{key(title)}\n{key(body)}".encode()).hexdigest()
