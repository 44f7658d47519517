"""The article fold and commands, in pure Python (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corrections.domain import commands
from corrections.domain.errors import ArticleRetractedError, InvalidCommand, OutOfOrderEvent, StaleVersion
from corrections.domain.events import ArticlePublished, Event, Recorded, decode
from corrections.domain.state import ArticleState, apply, fold, fold_text

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def record(events: list[Event], start: int = 1) -> list[Recorded]:
    return [Recorded("s1", start + i, e, NOW) for i, e in enumerate(events)]


def published(body: str = "The mayor, Jon Smith, spoke.") -> ArticleState:
    return fold(record(commands.publish(slug="a", title="Title", body=body)))


def test_publish_then_fold_gives_the_article() -> None:
    """A published article folds to its title, body and version 1."""
    state = published()
    assert (state.title, state.body, state.version, state.text_version, state.status) == (
        "Title",
        "The mayor, Jon Smith, spoke.",
        1,
        1,
        "published",
    )


def test_fold_refuses_an_event_out_of_order() -> None:
    """The fold refuses an event whose version does not follow the state's."""
    with pytest.raises(OutOfOrderEvent):
        apply(ArticleState(), Recorded("s1", 2, ArticlePublished("a", "T", "B"), NOW))


def test_correction_changes_the_quoted_text_and_adds_a_public_note() -> None:
    """An editor's correction replaces the quoted words and leaves a public note."""
    state = published()
    events = commands.issue_correction(
        state,
        expected_version=1,
        kind="correction",
        note="We misspelled the mayor's name.",
        changes=[commands.ChangeRequest(exact="Jon", replacement="John")],
    )
    after = fold(record(events, start=2), state)
    assert after.body == "The mayor, John Smith, spoke."
    assert [(n.kind, n.note) for n in after.notes] == [("correction", "We misspelled the mayor's name.")]


def test_edit_on_a_stale_version_is_refused() -> None:
    """An edit made on a text that changed since is refused with the current version."""
    state = published()
    state = fold(record(commands.revise(state, expected_version=1, body="New body."), start=2), state)
    with pytest.raises(StaleVersion) as error:
        commands.revise(state, expected_version=1, body="Other body.")
    assert error.value.details["current_version"] == 2


def test_non_text_events_do_not_make_an_edit_stale() -> None:
    """A version moved on by an event that does not touch the text does not block an editor."""
    state = replace(published(), version=5)  # four comments or reports arrived since
    assert commands.revise(state, expected_version=1, body="Fresh.")[0].body == "Fresh."


def test_retracted_article_cannot_be_revised() -> None:
    state = published()
    state = fold(record(commands.retract(state, expected_version=1, note="Fabricated quotes."), start=2), state)
    assert state.status == "retracted"
    with pytest.raises(ArticleRetractedError):
        commands.revise(state, expected_version=2, body="x")


def test_clarification_needs_a_note() -> None:
    with pytest.raises(InvalidCommand, match="public note is required"):
        commands.issue_correction(published(), expected_version=1, kind="clarification", note="")


def test_overlapping_changes_are_refused() -> None:
    with pytest.raises(InvalidCommand, match="overlap"):
        commands.issue_correction(
            published(),
            expected_version=1,
            kind="correction",
            note="n",
            changes=[
                commands.ChangeRequest(exact="Jon Smith", replacement="John Smith"),
                commands.ChangeRequest(exact="Smith, spoke", replacement="Smyth, spoke"),
            ],
        )


def test_events_round_trip_through_their_stored_form() -> None:
    """Every event decodes back to itself from (type, schema, data)."""
    state = published()
    events = commands.issue_correction(
        state, expected_version=1, kind="update", note="n", changes=[commands.ChangeRequest("spoke", "said")]
    )
    for event in events:
        assert decode(event.type, event.schema, event.to_data()) == event


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=40).filter(lambda s: s.strip())


@given(bodies=st.lists(words, min_size=1, max_size=8), gaps=st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_time_travel_with_gaps_equals_the_full_fold(bodies: list[str], gaps: list[int]) -> None:
    """Folding only text events, with other events in between, gives the same article at every version."""
    state = published(bodies[0])
    history = {1: state}
    version = 1
    text_events = []
    for index, (body, gap) in enumerate(zip(bodies[1:], gaps, strict=False)):
        version += gap + 1  # `gap` non-text events came first
        revision = commands.revise(state, expected_version=state.version, body=f"{body} {index}.")[0]
        recorded = Recorded("s1", version, revision, NOW)
        state = apply(replace(state, version=version - 1), recorded)
        history[version] = state
        text_events.append(recorded)
    all_text = record(commands.publish(slug="a", title="Title", body=bodies[0])) + text_events
    for v, expected in history.items():
        got = fold_text(all_text, upto=v)
        assert (got.body, got.text_version, got.version) == (expected.body, expected.text_version, v)
