"""Suggestion projections: the editors' queue items (``Suggestion``) as readers create them.

A report is anchored in the article's current text. When the text changes, the
command that changed it appends ``SuggestionReanchored`` for each open item
whose passage moved or changed (``domain/reanchoring.py``); this projection
only records what those events say. The editors' transitions (assign, accept,
reject, duplicate) live in ``projections/review.py``.
"""

from __future__ import annotations

from django.db.models import F

from ..domain import suggestions as domain
from ..domain.events import Recorded
from ..domain.remap import DELETED, INTACT
from ..models import Article, Suggestion
from . import handles


@handles("SuggestionReceived")
def suggestion_received(recorded: Recorded) -> None:
    event = recorded.event_as(domain.SuggestionReceived)
    start, end = event.start, event.start + len(event.exact)
    # Projections run in log order, so the article row holds the text as it stood at this event.
    body = Article.objects.filter(id=recorded.stream_id).values_list("body", flat=True).first() or ""
    if body[start:end] != event.exact:
        # Made against an older version: a SuggestionReanchored follows in the same append. Reports
        # recorded before those events existed are found again by their quote and context.
        span = domain.reanchor(body, exact=event.exact, prefix=event.prefix, suffix=event.suffix, hint=event.start)
        start, end = (span.start, span.end) if span else (start, start)
    gone = body[start:end] == "" and event.exact != ""
    Suggestion.objects.create(
        id=event.suggestion_id,
        article_id=recorded.stream_id,
        status=domain.NEW,
        category=event.category,
        reporter_count=1,
        exact=event.exact,
        prefix=event.prefix,
        suffix=event.suffix,
        start=start,
        end=end,
        current_exact=body[start:end],
        anchor_state=DELETED if gone else INTACT,
        against_version=event.against_version,
        suggestion=event.suggestion,
        comment=event.comment,
        outdated=gone,
        received_at=recorded.recorded_at,
        version=recorded.version,
    )


@handles("SuggestionSeconded")
def suggestion_seconded(recorded: Recorded) -> None:
    Suggestion.objects.filter(id=recorded.event_as(domain.SuggestionSeconded).suggestion_id).update(
        reporter_count=F("reporter_count") + 1, version=recorded.version
    )


@handles("SuggestionReanchored")
def suggestion_reanchored(recorded: Recorded) -> None:
    event = recorded.event_as(domain.SuggestionReanchored)
    Suggestion.objects.filter(id=event.suggestion_id).update(
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
