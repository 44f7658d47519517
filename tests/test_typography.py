"""Typography-insensitive folding: quotes, dashes, spaces and Unicode forms read alike, offsets map back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corrections.domain.anchoring import resolve
from corrections.domain.typography import fold, folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('"Tonight we stopped patching."', "“Tonight we stopped patching.”"),
        ("it's", "it’s"),
        ("м'ясо", "мʼясо"),
        ("«Смачного!»", '"Смачного!"'),
        ("1931 - 2025", "1931–2025"),
        ("a -- b", "a — b"),
        ("no\u00a0break", "no break"),
        ("soft\u00adhyphen", "softhyphen"),
        ("zero\u200bwidth", "zerowidth"),
        ("и\u0306", "й"),
        ("wait…", "wait..."),
        ("ﬁne", "fine"),
        ("two\n\n  lines", "two lines"),
    ],
)
def test_typographic_variants_fold_alike(a: str, b: str) -> None:
    """Two spellings that differ only in typography fold to the same text."""
    assert folded(a) == folded(b)


def test_case_and_letters_still_count() -> None:
    """Folding never hides a real change of words or case."""
    assert folded("Kyiv") != folded("Kiev")
    assert folded("Bridge") != folded("bridge")


@given(st.text(alphabet=st.sampled_from(list("ab -—–'’\"“ \u00a0\u00ad\u200bй\u0306ﬁ…\n")), max_size=40))
def test_every_folded_character_maps_back_inside_the_text(text: str) -> None:
    """Every folded character's origin is a real, ordered span of the original text."""
    folding = fold(text)
    assert len(folding.starts) == len(folding.ends) == len(folding.text)
    for i, (start, end) in enumerate(zip(folding.starts, folding.ends, strict=True)):
        assert 0 <= start < end <= len(text)
        if i:
            assert folding.starts[i - 1] <= start


def test_a_straight_quote_finds_curly_text() -> None:
    """A reader's selection with straight quotes resolves in a text set with curly ones, at the real offsets."""
    text = "She said: “We’ll rebuild it — next year.” Then she left."
    span = resolve(text, '"We\'ll rebuild it - next year."')
    assert text[span.start : span.end] == "“We’ll rebuild it — next year.”"


def test_a_selection_across_invisible_characters_resolves() -> None:
    """Soft hyphens and no-break spaces in the stored text do not hide the reader's selection."""
    text = "The recon\u00adstruction will cost 18.4\u00a0million pounds."
    span = resolve(text, "reconstruction will cost 18.4 million")
    assert text[span.start : span.end] == "recon\u00adstruction will cost 18.4\u00a0million"
