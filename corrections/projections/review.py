"""Review projections: the editors' transitions move a queue item (``Suggestion``) along.

The row itself is created by the suggestions projection (``SuggestionReceived``);
these handlers only change it, in log order after it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from ..domain.events import Recorded
from ..domain.suggestions import (
    ACCEPTED,
    ASSIGNED,
    DUPLICATE,
    REJECTED,
    SuggestionAccepted,
    SuggestionAssigned,
    SuggestionMarkedDuplicate,
    SuggestionRejected,
)
from ..models import Suggestion
from . import handles, needs
from .batch import Batch, Want


def _item_needs(recorded: Recorded) -> Iterable[Want]:
    event = recorded.event
    yield Want(Suggestion, "id", event.suggestion_id)  # type: ignore[attr-defined]
    if event.type == "SuggestionAssigned":
        yield Want(get_user_model(), "id", event.assignee_id)  # type: ignore[attr-defined]
    if event.type == "SuggestionMarkedDuplicate":
        yield Want(Suggestion, "id", event.of)  # type: ignore[attr-defined]


@needs(_item_needs)
@handles("SuggestionAssigned")
def suggestion_assigned(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(SuggestionAssigned)
    row = batch.get(Suggestion, event.suggestion_id)
    if row is None:
        return
    # A deleted user leaves the item unassigned, as SET_NULL would have: a rebuild agrees with the inline row.
    assignee = event.assignee_id if batch.exists(get_user_model(), event.assignee_id) else None
    batch.change(Suggestion, row, status=ASSIGNED, assignee_id=assignee, version=recorded.version)


def _resolve(batch: Batch, recorded: Recorded, status: str, event: SuggestionAccepted | SuggestionRejected) -> None:
    row = batch.get(Suggestion, event.suggestion_id)
    if row is not None:
        batch.change(
            Suggestion,
            row,
            status=status,
            reply=event.reply,
            resolved_at=recorded.recorded_at,
            version=recorded.version,
        )


@needs(_item_needs)
@handles("SuggestionAccepted")
def suggestion_accepted(batch: Batch, recorded: Recorded) -> None:
    _resolve(batch, recorded, ACCEPTED, recorded.event_as(SuggestionAccepted))


@needs(_item_needs)
@handles("SuggestionRejected")
def suggestion_rejected(batch: Batch, recorded: Recorded) -> None:
    _resolve(batch, recorded, REJECTED, recorded.event_as(SuggestionRejected))


@needs(_item_needs)
@handles("SuggestionMarkedDuplicate")
def suggestion_marked_duplicate(batch: Batch, recorded: Recorded) -> None:
    """The duplicate closes; its readers count as reporters of the original, which stays the one queue item."""
    event = recorded.event_as(SuggestionMarkedDuplicate)
    row = batch.get(Suggestion, event.suggestion_id)
    if row is None:
        return
    batch.change(
        Suggestion,
        row,
        status=DUPLICATE,
        duplicate_of_id=event.of,
        resolved_at=recorded.recorded_at,
        version=recorded.version,
    )
    original = batch.get(Suggestion, event.of)
    if original is not None and row["reporter_count"]:
        batch.change(Suggestion, original, reporter_count=original["reporter_count"] + row["reporter_count"])
