"""Following a report's span through a revision by the diff, and the fuzzy fallback that refuses to guess."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corrections.domain import fuzzy
from corrections.domain.remap import DELETED, EDITED, INTACT, follow, text_opcodes

OLD = (
    "The council voted 7-2 to rebuild the bridge.\n\n"
    "Work begins in March. The bridge was opened in 1931.\n\n"
    "The council voted 7-2 to rebuild the bridge."
)


def _follow(old: str, new: str, quote: str, *, nth: int = 0, proposed: str = ""):
    start = -1
    for _ in range(nth + 1):
        start = old.index(quote, start + 1)
    return follow(old, new, start, start + len(quote), original=quote, proposed=proposed)


def test_an_untouched_span_moves_exactly_with_the_text() -> None:
    """A paragraph inserted above the quote moves the report by exactly its length."""
    new = "A new first paragraph.\n\n" + OLD
    result = _follow(OLD, new, "opened in 1931")
    assert (result.state, new[result.start : result.end]) == (INTACT, "opened in 1931")
    assert result.start == OLD.index("opened in 1931") + len("A new first paragraph.\n\n")


def test_the_flagged_copy_is_followed_not_its_twin() -> None:
    """The reader flagged the second of two identical sentences; editing it keeps the report on it."""
    new = OLD[: OLD.rindex("7-2")] + "7–1 to rebuild the bridge."
    result = _follow(OLD, new, "voted 7-2 to rebuild", nth=1)
    assert result.state == EDITED
    assert result.start > OLD.index("Work")
    assert new[result.start : result.end] == "voted 7–1 to rebuild"


def test_an_untouched_copy_stays_put_while_the_other_is_edited() -> None:
    """Editing the other copy leaves the flagged one intact, where it was."""
    new = OLD.replace("voted 7-2", "voted 9-0", 1)
    result = _follow(OLD, new, "voted 7-2 to rebuild", nth=1)
    assert (result.state, result.start) == (INTACT, OLD.rindex("voted 7-2"))


def test_the_readers_fix_standing_there_is_probably_resolved() -> None:
    """When the editor made exactly the reader's fix, the item is marked probably resolved."""
    new = OLD.replace("opened in 1931", "opened in 1932")
    result = _follow(OLD, new, "opened in 1931", proposed="opened in 1932")
    assert (result.state, result.probably_resolved, result.exact) == (EDITED, True, "opened in 1932")


def test_a_typography_pass_leaves_the_report_intact() -> None:
    """Curly quotes and dashes inside the quote change nothing for the report."""
    old = 'He said "it\'s 7-2" - and left.'
    new = "He said “it’s 7–2” — and left."
    result = _follow(old, new, '"it\'s 7-2" - and')
    assert (result.state, new[result.start : result.end]) == (INTACT, "“it’s 7–2” — and")


def test_a_deleted_sentence_is_reported_deleted_even_with_a_copy_elsewhere() -> None:
    """The flagged sentence is gone; its twin elsewhere is another passage, not the report's."""
    new = OLD[: OLD.rindex("\n\n")]
    assert _follow(OLD, new, "The council voted 7-2 to rebuild the bridge.", nth=1).state == DELETED


def test_a_moved_paragraph_is_found_where_it_went() -> None:
    """A paragraph moved to the end carries its report with it."""
    first, second, third = OLD.split("\n\n")
    new = "\n\n".join([first, third, second])
    result = _follow(OLD, new, "Work begins in March")
    assert (result.state, new[result.start : result.end]) == (INTACT, "Work begins in March")


def test_a_rewritten_paragraph_is_deleted_not_edited() -> None:
    """When other words stand in the passage's place and around it, the report is outdated, not moved onto them."""
    new = OLD.replace("Work begins in March. The bridge was opened in 1931.", "Nobody knows when cranes arrive.")
    assert _follow(OLD, new, "Work begins in March").state == DELETED


def test_a_flagged_word_swapped_for_another_is_edited() -> None:
    """A single flagged word replaced by a quite different one is the reader's passage, edited in place."""
    new = OLD.replace("in March", "in September")
    result = _follow(OLD, new, "March")
    assert (result.state, result.exact) == (EDITED, "September")


@given(st.text(alphabet="ab \n.", max_size=60), st.text(alphabet="ab \n.", max_size=60))
def test_opcodes_cover_both_texts(old: str, new: str) -> None:
    """The diff's runs cover the old and the new text without gaps, and equal runs are equal."""
    ops = text_opcodes(old, new)
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


def test_fuzzy_refuses_a_near_tie() -> None:
    """Two passages that match the quote about equally well are a guess: the fallback refuses."""
    text = "The bridge will cost 18.4 million. Later: the bridge will cost 18.5 million."
    assert fuzzy.find(text, "the bridge will cost 18.3 million") is None


def test_fuzzy_refuses_a_short_exact_hit_whose_context_disagrees() -> None:
    """A single exact hit of a short quote with neither side of its context agreeing is not accepted blindly."""
    text = "Completely different words around the vote today, nothing alike."
    assert fuzzy.find(text, "the vote", prefix="council leader said after ", suffix=" on Tuesday night") is None
    assert fuzzy.find(text, "the vote", prefix="different words around ", suffix=" yesterday") is not None


def test_fuzzy_finds_a_quote_with_a_word_changed() -> None:
    """Within the edit budget and with agreeing context, a changed quote is found."""
    text = "Intro. The council leader said the vote was close. Outro."
    match = fuzzy.find(text, "said the poll was close", prefix="The council leader ", suffix=". Outro.")
    assert match is not None and text[match.start : match.end] == "said the vote was close"
