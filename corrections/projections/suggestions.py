"""Suggestion projections: the editors' queue items (``Suggestion``) as readers create them.

A report is anchored in the article's current text; when the text changes, the
open items are re-anchored (new offsets) or marked outdated (their text is
gone). The editors' transitions (assign, accept, reject, duplicate) live in
``projections/review.py``.
"""

from __future__ import annotations

from django.db.models import F

from ..domain import suggestions as domain
from ..domain.events import Recorded
from ..models import Article, Suggestion
from . import handles


@handles("SuggestionReceived")
def suggestion_received(recorded: Recorded) -> None:
    event = recorded.event_as(domain.SuggestionReceived)
    # Projections run in log order, so the article row holds the text as it stood at this event.
    body = Article.objects.filter(id=recorded.stream_id).values_list("body", flat=True).first() or ""
    span = domain.reanchor(body, exact=event.exact, prefix=event.prefix, suffix=event.suffix, hint=event.start)
    Suggestion.objects.create(
        id=event.suggestion_id,
        article_id=recorded.stream_id,
        status=domain.NEW,
        category=event.category,
        reporter_count=1,
        exact=event.exact,
        prefix=event.prefix,
        suffix=event.suffix,
        start=span.start if span else event.start,
        end=span.end if span else event.start + len(event.exact),
        against_version=event.against_version,
        suggestion=event.suggestion,
        comment=event.comment,
        outdated=span is None,
        received_at=recorded.recorded_at,
        version=recorded.version,
    )


@handles("SuggestionSeconded")
def suggestion_seconded(recorded: Recorded) -> None:
    Suggestion.objects.filter(id=recorded.event_as(domain.SuggestionSeconded).suggestion_id).update(
        reporter_count=F("reporter_count") + 1, version=recorded.version
    )


@handles("ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def suggestions_reanchor(recorded: Recorded) -> None:
    """Move the article's open items onto the new text, or mark them outdated (registered after the article's)."""
    body = Article.objects.filter(id=recorded.stream_id).values_list("body", flat=True).first() or ""
    items = Suggestion.objects.filter(article_id=recorded.stream_id, status__in=domain.OPEN_STATUSES)
    for item in items.only("id", "exact", "prefix", "suffix", "start", "end", "outdated"):
        span = domain.reanchor(body, exact=item.exact, prefix=item.prefix, suffix=item.suffix, hint=item.start)
        if span is None:
            if not item.outdated:
                Suggestion.objects.filter(id=item.id).update(outdated=True)
        elif (span.start, span.end, False) != (item.start, item.end, item.outdated):
            Suggestion.objects.filter(id=item.id).update(start=span.start, end=span.end, outdated=False)
