"""The review rules as pure functions: what an editor may do with a queue item, and the sentence around it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corrections.domain import review
from corrections.domain.errors import InvalidCommand, SelectionNotFound, StaleVersion
from corrections.domain.events import CorrectionIssued
from corrections.domain.state import ArticleState
from corrections.domain.suggestions import SuggestionAccepted

BODY = "The mayor, Jon Smith, said it would cost £12 million. Work starts in May."
ARTICLE = ArticleState(
    id="a1",
    slug="s",
    title="T",
    body=BODY,
    status="published",
    version=3,
    text_version=1,
    published_at=datetime(2026, 1, 1, tzinfo=UTC),
)
ITEM = review.SuggestionState(
    id="s1", article_id="a1", status="new", category="typo", exact="Jon Smith", start=11, suggestion="John Smith"
)


def test_accept_gives_the_acceptance_then_the_correction() -> None:
    accepted, correction = review.accept(ARTICLE, ITEM, expected_version=2)
    assert accepted == SuggestionAccepted(suggestion_id="s1")
    assert isinstance(correction, CorrectionIssued)
    assert (correction.kind, correction.note, correction.suggestion_id) == ("correction", "", "s1")
    assert [(c.exact, c.replacement, c.start) for c in correction.changes] == [("Jon Smith", "John Smith", 11)]


@pytest.mark.parametrize("status", ["accepted", "rejected", "duplicate"])
def test_a_resolved_item_cannot_move_again(status: str) -> None:
    item = replace(ITEM, status=status)
    for attempt in (
        lambda: review.accept(ARTICLE, item, expected_version=3),
        lambda: review.reject(item, reason="no"),
        lambda: review.assign(item, assignee_id=1, assignee="desk"),
        lambda: review.mark_duplicate(item, replace(ITEM, id="s2"), of="s2"),
    ):
        with pytest.raises(review.AlreadyResolved):
            attempt()


def test_note_rules_follow_the_category_and_kind() -> None:
    """A typo may be fixed silently; a factual report, or any kind but correction, needs a public note."""
    with pytest.raises(InvalidCommand, match="factual correction"):
        review.accept(ARTICLE, replace(ITEM, category="factual"), expected_version=3)
    with pytest.raises(InvalidCommand, match="note"):
        review.accept(ARTICLE, ITEM, expected_version=3, kind="update")
    events = review.accept(ARTICLE, replace(ITEM, category="factual"), expected_version=3, note=" Fixed. ")
    assert events[1].note == "Fixed."
    assert review.default_kind("clarification") == "clarification" and review.default_kind("factual") == "correction"


def test_accept_is_guarded_by_the_text_version() -> None:
    with pytest.raises(StaleVersion):
        review.accept(replace(ARTICLE, text_version=3), ITEM, expected_version=2)


def test_accept_reanchors_and_refuses_text_that_is_gone() -> None:
    moved = replace(ARTICLE, body="UPDATE: " + BODY)
    change = review.accept(moved, ITEM, expected_version=3)[1].changes[0]
    assert change.start == 19 and moved.body[change.start : change.end] == "Jon Smith"
    with pytest.raises(SelectionNotFound):
        review.accept(replace(ARTICLE, body="The mayor said so."), ITEM, expected_version=3)


def test_replacement_equal_to_the_text_changes_nothing_and_then_needs_a_note() -> None:
    with pytest.raises(InvalidCommand, match="public note or a text change"):
        review.accept(ARTICLE, ITEM, expected_version=3, replacement="Jon Smith")
    events = review.accept(
        ARTICLE, ITEM, expected_version=3, replacement="Jon Smith", kind="editors_note", note="Name confirmed."
    )
    assert events[1].changes == ()


def test_duplicates_must_name_another_item_on_the_same_article() -> None:
    other = replace(ITEM, id="s2")
    with pytest.raises(InvalidCommand, match="itself"):
        review.mark_duplicate(ITEM, ITEM, of="s1")
    with pytest.raises(InvalidCommand, match="no suggestion"):
        review.mark_duplicate(ITEM, None, of="s9")
    with pytest.raises(InvalidCommand, match="no suggestion"):
        review.mark_duplicate(ITEM, replace(other, article_id="a2"), of="s2")
    with pytest.raises(InvalidCommand, match="itself a duplicate"):
        review.mark_duplicate(ITEM, replace(other, status="duplicate", duplicate_of="s3"), of="s2")
    assert review.mark_duplicate(ITEM, other, of="s2")[0].of == "s2"


def test_reject_needs_a_reason_and_assign_refuses_a_no_op() -> None:
    with pytest.raises(InvalidCommand):
        review.reject(ITEM, reason="  ")
    assigned = replace(ITEM, status="assigned", assignee_id=7)
    with pytest.raises(InvalidCommand, match="already assigned"):
        review.assign(assigned, assignee_id=7, assignee="desk")
    assert review.assign(assigned, assignee_id=8, assignee="other")[0].assignee_id == 8


def test_sentence_around_examples() -> None:
    start = BODY.index("Jon")
    first, last = review.sentence_around(BODY, start, start + 9)
    assert BODY[first:last] == "The mayor, Jon Smith, said it would cost £12 million."
    start = BODY.index("May")
    assert BODY[slice(*review.sentence_around(BODY, start, start + 3))] == "Work starts in May."


sentences = st.lists(
    st.text(alphabet="abc ,", min_size=1, max_size=12).map(lambda s: s.strip() or "a"), min_size=1, max_size=6
)


@given(
    parts=sentences, ends=st.lists(st.sampled_from([". ", "! ", "? ", "\n\n"]), min_size=6, max_size=6), data=st.data()
)
def test_the_sentence_always_holds_the_selection(parts: list[str], ends: list[str], data: st.DataObject) -> None:
    """Whatever the text, the bounds lie inside it and contain the selected span."""
    text = "".join(part + end for part, end in zip(parts, ends, strict=False)).rstrip()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    first, last = review.sentence_around(text, start, end)
    assert 0 <= first <= start <= end <= last <= len(text)


def test_overlaps() -> None:
    assert review.overlaps((0, 5), (4, 9)) and not review.overlaps((0, 5), (5, 9)) and review.overlaps((3, 3), (3, 3))
