"""Review selectors: the editors' queue, one item in its sentence, and what overlaps it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from .. import vault
from ..domain import diff as text_diff
from ..domain import review
from ..domain.errors import NotFound
from ..domain.remap import DELETED, EDITED
from ..domain.suggestions import OPEN_STATUSES, STATUSES, reanchor
from ..models import Article, Event, Suggestion
from .articles import PUBLIC_DATA


def review_queue() -> QuerySet[Suggestion]:
    """Every queue item with what a listing shows (article, assignee) joined in, so pages cost one query."""
    return Suggestion.objects.select_related("article", "assignee")


def listed() -> QuerySet[Suggestion]:
    """Queue items for a long list: each page's articles (title and slug, not their text) and assignees are
    read after the page, so the database sorts the items alone and stops at the page's rows."""
    return Suggestion.objects.prefetch_related(
        Prefetch("article", queryset=Article.objects.only("id", "slug", "title")), "assignee"
    )


#: Waiting adds urgency: an open item older than each threshold gains that much priority.
AGE_BONUS = ((timedelta(days=7), 20), (timedelta(days=3), 10), (timedelta(days=1), 5))


def _overlapping(*, same_fix: bool | None = None) -> Exists:
    """Another open, anchored item on the same article whose span shares characters with this one's."""
    others = Suggestion.objects.filter(
        article_id=OuterRef("article_id"),
        status__in=OPEN_STATUSES,
        outdated=False,
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    ).exclude(id=OuterRef("id"))
    if same_fix is False:
        others = others.exclude(suggestion=OuterRef("suggestion"))
    return Exists(others)


def worklist(queryset: QuerySet[Suggestion] | None = None, *, now: datetime | None = None) -> QuerySet[Suggestion]:
    """Queue items, most urgent first: priority (kind of report, readers) plus age; the oldest first among equals.

    Each row also says whether another open report overlaps its words (``related``) and
    whether one of those proposes a different fix (``conflicting``): one query for a page.
    """
    now = now or timezone.now()
    age = Case(
        *[When(received_at__lte=now - after, then=Value(bonus)) for after, bonus in AGE_BONUS],
        default=Value(0),
    )
    queryset = review_queue() if queryset is None else queryset
    anchored = Q(outdated=False) & ~Q(exact="") & Q(status__in=OPEN_STATUSES)
    return queryset.annotate(
        urgency=F("priority") + age,
        related=Case(When(anchored, then=_overlapping()), default=Value(False)),
        conflicting=Case(When(anchored, then=_overlapping(same_fix=False)), default=Value(False)),
    ).order_by("-urgency", "received_at", "id")


def next_open(after: Suggestion | None = None, *, editor: Any = None) -> Suggestion | None:
    """The most urgent open item other than ``after``, leaving out items another editor has taken."""
    items = worklist(review_queue().filter(status__in=OPEN_STATUSES))
    if after is not None:
        items = items.exclude(id=after.id)
    if editor is not None:
        items = items.filter(Q(assignee__isnull=True) | Q(assignee=editor))
    return items.first()


def suggestion_get(suggestion_id: uuid.UUID | str) -> Suggestion:
    try:
        key = uuid.UUID(str(suggestion_id))
    except ValueError:
        key = None
    row = review_queue().filter(id=key).first() if key else None
    if row is None:
        raise NotFound("No suggestion with that id.")
    return row


def editor_users() -> QuerySet[Any]:
    """Active users who can work the desk (through the Editors group, a direct permission, or as superuser)."""
    desk = Q(groups__permissions__codename="work_desk", groups__permissions__content_type__app_label="corrections")
    direct = Q(user_permissions__codename="work_desk", user_permissions__content_type__app_label="corrections")
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(pk__in=users.filter(desk | direct | Q(is_superuser=True)).values("pk")).order_by("username")


def counts_by_status(queryset: QuerySet[Suggestion] | None = None) -> dict[str, int]:
    """How many items are in each status (every status present, zero if none)."""
    queryset = Suggestion.objects.all() if queryset is None else queryset
    counts = dict.fromkeys(STATUSES, 0)
    # COUNT(*), not COUNT(id): the (status, received_at) index alone answers it (an index-only scan).
    for row in queryset.order_by().values("status").annotate(n=Count("*")):
        counts[row["status"]] = row["n"]
    return counts


def current_span(body: str, row: Suggestion) -> tuple[int, int] | None:
    """Where the item's passage is now (kept by ``SuggestionReanchored``); None once deleted or unanchored."""
    if not row.exact or row.anchor_state == DELETED:
        return None
    if body[row.start : row.end] == row.current_exact:
        return (row.start, row.end)
    # An item closed before the last revision keeps where it was then: find its text again.
    span = reanchor(body, exact=row.current_exact or row.exact, prefix=row.prefix, suffix=row.suffix, hint=row.start)
    return (span.start, span.end) if span else None


@dataclass(frozen=True)
class SelectionContext:
    """The selection in its sentence, in the current text, and the sentence as the change would leave it."""

    start: int
    end: int
    before: str
    exact: str
    after: str
    proposed: str
    ops: list[text_diff.DiffOp]


@dataclass(frozen=True)
class Related:
    id: str
    status: str
    exact: str
    suggestion: str
    reporter_count: int
    reason: str  # "overlaps" | "duplicate"


@dataclass(frozen=True)
class ReviewItem:
    item: Suggestion
    context: SelectionContext | None
    outdated: bool
    related: list[Related]
    history: list[Event]
    quote_diff: list[text_diff.DiffOp]  # the reader's selection → the passage now (empty unless edited)


def selection_context(body: str, span: tuple[int, int], replacement: str) -> SelectionContext:
    start, end = span
    first, last = review.sentence_around(body, start, end)
    before, exact, after = body[first:start], body[start:end], body[end:last]
    sentence = before + exact + after
    proposed = before + replacement + after
    return SelectionContext(start, end, before, exact, after, proposed, text_diff.diff_words(sentence, proposed))


def _related(row: Suggestion, span: tuple[int, int] | None) -> list[Related]:
    body = row.article.body
    related = []
    others = Suggestion.objects.filter(article_id=row.article_id).exclude(id=row.id).order_by("received_at")
    for other in others:
        if other.duplicate_of_id == row.id or row.duplicate_of_id == other.id:
            reason = "duplicate"
        else:
            if span is not None:
                other_span = current_span(body, other)
            else:
                # Both outdated: compare where they were, if they were made against the same text.
                other_span = (other.start, other.end) if other.against_version == row.against_version else None
            mine = span if span is not None else (row.start, row.end)
            if other_span is None or not review.overlaps(mine, other_span):
                continue
            reason = "overlaps"
        related.append(
            Related(str(other.id), other.status, other.exact, other.suggestion, other.reporter_count, reason)
        )
    return related


def suggestion_history(row: Suggestion) -> list[Event]:
    """Every event about this item (and the duplicates closed into it), oldest first, actors included."""
    key = str(row.id)
    events = list(
        Event.objects.filter(stream_id=row.article_id)
        .filter(Q(data__suggestion_id=key) | Q(type="SuggestionMarkedDuplicate", data__of=key))
        .order_by("version")
    )
    vault.open_rows(events)
    return events


def suggestion_review(suggestion_id: uuid.UUID | str) -> ReviewItem:
    """One item as an editor reviews it: the selection in its current sentence, overlaps, its history."""
    row = suggestion_get(suggestion_id)
    span = current_span(row.article.body, row)
    context = selection_context(row.article.body, span, row.suggestion) if span is not None else None
    edited = row.anchor_state == EDITED
    return ReviewItem(
        item=row,
        context=context,
        outdated=row.anchor_state == DELETED,
        related=_related(row, span),
        history=suggestion_history(row),
        quote_diff=text_diff.diff_words(row.exact, row.current_exact) if edited else [],
    )


def _public_review(row: Event) -> dict[str, Any]:
    """The public log shows that an item moved, not the desk's reasons, replies or which editor was assigned."""
    return {key: value for key, value in row.data.items() if key in ("suggestion_id", "of")}


for _type in ("SuggestionAssigned", "SuggestionAccepted", "SuggestionRejected"):
    PUBLIC_DATA[_type] = _public_review
