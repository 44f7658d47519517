"""Resolving a reader's or editor's quote to one span of the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corrections.domain.anchoring import resolve
from corrections.domain.errors import SelectionAmbiguous, SelectionNotFound

TEXT = "The cat sat. The cat ran.\n\nThe dog sat."


def test_a_unique_quote_resolves_to_its_span() -> None:
    span = resolve(TEXT, "dog")
    assert TEXT[span.start : span.end] == "dog"


def test_a_missing_quote_says_so() -> None:
    with pytest.raises(SelectionNotFound, match="not found"):
        resolve(TEXT, "bird")


def test_a_repeated_quote_without_context_is_ambiguous() -> None:
    with pytest.raises(SelectionAmbiguous, match="2 times"):
        resolve(TEXT, "The cat")


def test_context_picks_the_right_occurrence() -> None:
    span = resolve(TEXT, "cat", prefix="sat. The ", suffix=" ran")
    assert span.start == TEXT.index("cat ran")


def test_a_position_hint_picks_the_right_occurrence() -> None:
    second = TEXT.index("cat ran")
    assert resolve(TEXT, "cat", start=second).start == second


def test_white_space_from_the_browser_is_folded() -> None:
    """A selection across a paragraph break, as a browser reports it, still resolves."""
    span = resolve(TEXT, "ran. The dog")
    assert TEXT[span.start : span.end] == "ran.\n\nThe dog"


@given(
    before=st.text(alphabet="xyz \n", max_size=30),
    target=st.text(alphabet="abc", min_size=1, max_size=10),
    after=st.text(alphabet="xyz \n", max_size=30),
)
def test_a_quote_with_its_context_always_finds_itself(before: str, target: str, after: str) -> None:
    text = before + target + after
    span = resolve(text, target, prefix=before[-20:], suffix=after[:20], start=len(before))
    assert (span.start, text[span.start : span.end]) == (len(before), target)
