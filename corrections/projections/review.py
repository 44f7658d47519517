"""Review projections: the editors' transitions move a queue item (``Suggestion``) along.

The row itself is created by the suggestions projection (``SuggestionReceived``);
these handlers only update it, so a rebuild replays them in log order after it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F

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
from . import handles


@handles("SuggestionAssigned")
def suggestion_assigned(recorded: Recorded) -> None:
    event = recorded.event_as(SuggestionAssigned)
    # A deleted user leaves the item unassigned, as SET_NULL would have: a rebuild agrees with the inline row.
    user_exists = get_user_model().objects.filter(pk=event.assignee_id).exists()
    Suggestion.objects.filter(id=event.suggestion_id).update(
        status=ASSIGNED, assignee_id=event.assignee_id if user_exists else None, version=recorded.version
    )


@handles("SuggestionAccepted")
def suggestion_accepted(recorded: Recorded) -> None:
    event = recorded.event_as(SuggestionAccepted)
    Suggestion.objects.filter(id=event.suggestion_id).update(
        status=ACCEPTED, reply=event.reply, resolved_at=recorded.recorded_at, version=recorded.version
    )


@handles("SuggestionRejected")
def suggestion_rejected(recorded: Recorded) -> None:
    event = recorded.event_as(SuggestionRejected)
    Suggestion.objects.filter(id=event.suggestion_id).update(
        status=REJECTED, reply=event.reply, resolved_at=recorded.recorded_at, version=recorded.version
    )


@handles("SuggestionMarkedDuplicate")
def suggestion_marked_duplicate(recorded: Recorded) -> None:
    """The duplicate closes; its readers count as reporters of the original, which stays the one queue item."""
    event = recorded.event_as(SuggestionMarkedDuplicate)
    duplicate = Suggestion.objects.filter(id=event.suggestion_id).values_list("reporter_count", flat=True).first()
    Suggestion.objects.filter(id=event.suggestion_id).update(
        status=DUPLICATE, duplicate_of_id=event.of, resolved_at=recorded.recorded_at, version=recorded.version
    )
    if duplicate:
        Suggestion.objects.filter(id=event.of).update(reporter_count=F("reporter_count") + duplicate)
