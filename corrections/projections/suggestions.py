"""Suggestion projections: the editors' queue items (``Suggestion``) as readers create them.

A report is anchored in the article's current text. When the text changes, the
command that changed it appends ``SuggestionReanchored`` for each open item
whose passage moved or changed (``domain/reanchoring.py``); this projection
only records what those events say. The editors' transitions (assign, accept,
reject, duplicate) live in ``projections/review.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import suggestions as domain
from ..domain.events import Recorded
from ..domain.remap import DELETED, INTACT
from ..models import Article, Suggestion
from . import handles, needs
from .batch import Batch, Want


def _item_needs(recorded: Recorded) -> Iterable[Want]:
    yield Want(Suggestion, "id", recorded.event.suggestion_id)  # type: ignore[attr-defined]


@handles("SuggestionReceived")
def suggestion_received(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(domain.SuggestionReceived)
    start, end = event.start, event.start + len(event.exact)
    # Projections run in log order, so the article row holds the text as it stood at this event.
    article = batch.get(Article, recorded.stream_id)
    body = article["body"] if article else ""
    if body[start:end] != event.exact:
        # Made against an older version: a SuggestionReanchored follows in the same append. Reports
        # recorded before those events existed are found again by their quote and context.
        span = domain.reanchor(body, exact=event.exact, prefix=event.prefix, suffix=event.suffix, hint=event.start)
        start, end = (span.start, span.end) if span else (start, start)
    gone = body[start:end] == "" and event.exact != ""
    batch.add(
        Suggestion,
        {
            "id": event.suggestion_id,
            "article_id": recorded.stream_id,
            "status": domain.NEW,
            "category": event.category,
            "priority": domain.priority(event.category, 1),
            "assignee_id": None,
            "reporter_count": 1,
            "exact": event.exact,
            "prefix": event.prefix,
            "suffix": event.suffix,
            "start": start,
            "end": end,
            "current_exact": body[start:end],
            "anchor_state": DELETED if gone else INTACT,
            "probably_resolved": False,
            "against_version": event.against_version,
            "suggestion": event.suggestion,
            "fix_digest": domain.fix_digest(event.suggestion),
            "comment": event.comment,
            "outdated": gone,
            "duplicate_of_id": None,
            "reply": "",
            "received_at": recorded.recorded_at,
            "resolved_at": None,
            "version": recorded.version,
        },
    )


@needs(_item_needs)
@handles("SuggestionSeconded")
def suggestion_seconded(batch: Batch, recorded: Recorded) -> None:
    row = batch.get(Suggestion, recorded.event_as(domain.SuggestionSeconded).suggestion_id)
    if row is None:
        return
    readers = row["reporter_count"] + 1
    batch.change(
        Suggestion,
        row,
        reporter_count=readers,
        priority=domain.priority(row["category"], readers),
        version=recorded.version,
    )


@needs(_item_needs)
@handles("SuggestionReanchored")
def suggestion_reanchored(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(domain.SuggestionReanchored)
    row = batch.get(Suggestion, event.suggestion_id)
    if row is None:
        return
    batch.change(
        Suggestion,
        row,
        start=event.start,
        end=event.end,
        current_exact=event.exact,
        prefix=event.prefix,
        suffix=event.suffix,
        anchor_state=event.state,
        probably_resolved=event.probably_resolved,
        outdated=event.state == DELETED,
        version=recorded.version,
    )
