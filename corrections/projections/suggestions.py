"""Suggestion projections: the editors' queue items (``Suggestion``) as readers create them.

A report is anchored in the article's current text; when the text changes, the
open items are re-anchored (new offsets) or marked outdated (their text is
gone). The editors' transitions (assign, accept, reject, duplicate) live in
``projections/review.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import suggestions as domain
from ..domain.events import Recorded
from ..models import Article, Suggestion
from . import handles, needs
from .batch import Batch, Want

#: Loads every open item of an article, so a new text can move them all.
OPEN = "status IN ({})".format(", ".join(f"'{status}'" for status in domain.OPEN_STATUSES))


@needs("SuggestionSeconded")
def _seconded_needs(recorded: Recorded) -> Iterable[Want]:
    yield Want(Suggestion, "id", recorded.event.suggestion_id)  # type: ignore[attr-defined]


@needs("ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def _open_items(recorded: Recorded) -> Iterable[Want]:
    yield Want(Suggestion, "article_id", recorded.stream_id, where=OPEN)


@handles("SuggestionReceived")
def _received(batch: Batch, recorded: Recorded) -> None:
    event: domain.SuggestionReceived = recorded.event  # type: ignore[assignment]
    # Projections run in log order, so the article row holds the text as it stood at this event.
    article = batch.get(Article, recorded.stream_id)
    body = article["body"] if article else ""
    span = domain.reanchor(body, exact=event.exact, prefix=event.prefix, suffix=event.suffix, hint=event.start)
    batch.add(
        Suggestion,
        {
            "id": event.suggestion_id,
            "article_id": recorded.stream_id,
            "status": domain.NEW,
            "category": event.category,
            "priority": 0,
            "assignee_id": None,
            "reporter_count": 1,
            "exact": event.exact,
            "prefix": event.prefix,
            "suffix": event.suffix,
            "start": span.start if span else event.start,
            "end": span.end if span else event.start + len(event.exact),
            "against_version": event.against_version,
            "suggestion": event.suggestion,
            "comment": event.comment,
            "outdated": span is None,
            "duplicate_of_id": None,
            "reply": "",
            "received_at": recorded.recorded_at,
            "resolved_at": None,
            "version": recorded.version,
        },
    )


@handles("SuggestionSeconded")
def _seconded(batch: Batch, recorded: Recorded) -> None:
    row = batch.get(Suggestion, recorded.event.suggestion_id)  # type: ignore[attr-defined]
    if row is not None:
        batch.change(Suggestion, row, reporter_count=row["reporter_count"] + 1, version=recorded.version)


@handles("ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def _text_changed(batch: Batch, recorded: Recorded) -> None:
    """Move the article's open items onto the new text, or mark them outdated (registered after the article's)."""
    article = batch.get(Article, recorded.stream_id)
    body = article["body"] if article else ""
    items = batch.having(Suggestion, "article_id", recorded.stream_id)
    for item in [row for row in items if row["status"] in domain.OPEN_STATUSES]:
        span = domain.reanchor(
            body, exact=item["exact"], prefix=item["prefix"], suffix=item["suffix"], hint=item["start"]
        )
        if span is None:
            if not item["outdated"]:
                batch.change(Suggestion, item, outdated=True)
        elif (span.start, span.end, False) != (item["start"], item["end"], item["outdated"]):
            batch.change(Suggestion, item, start=span.start, end=span.end, outdated=False)
