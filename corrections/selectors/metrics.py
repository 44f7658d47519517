"""Desk metrics: how fast and how the desk resolves reports, what is waiting, and where reports come from.

Resolution times and outcomes cover items resolved in the window (the last
``days`` days); open items are counted as they stand now, by age; reports per
article come from the log (``SuggestionReceived`` and ``SuggestionSeconded``),
so a second reader of the same mistake counts as a report too.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..domain.suggestions import ACCEPTED, DUPLICATE, OPEN_STATUSES, REJECTED
from ..models import Article, Event, Suggestion

REPORT_EVENTS = ("SuggestionReceived", "SuggestionSeconded")
BUCKETS = ("day", "week")
MAX_DAYS = 366
MAX_ARTICLES = 20

#: (label, from hours, to hours); the last bucket has no upper bound. The labels stay English in the API;
#: the admin's charts translate them (``gettext_noop`` only marks them for the catalogue).
RESOLUTION_BUCKETS: list[tuple[str, float, float | None]] = [
    (gettext_noop("under 1 hour"), 0, 1),
    (gettext_noop("1–6 hours"), 1, 6),
    (gettext_noop("6–24 hours"), 6, 24),
    (gettext_noop("1–3 days"), 24, 72),
    (gettext_noop("3–7 days"), 72, 168),
    (gettext_noop("over a week"), 168, None),
]
#: (label, from days, to days) for open items by how long they have waited.
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    (gettext_noop("under 1 day"), 0, 1),
    (gettext_noop("1–3 days"), 1, 3),
    (gettext_noop("3–7 days"), 3, 7),
    (gettext_noop("1–4 weeks"), 7, 28),
    (gettext_noop("over 4 weeks"), 28, None),
]


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int


@dataclass(frozen=True)
class Resolution:
    count: int
    median_hours: float | None
    p90_hours: float | None
    histogram: list[Bucket]


@dataclass(frozen=True)
class Outcomes:
    accepted: int
    rejected: int
    duplicate: int
    #: accepted / (accepted + rejected); duplicates are not a judgement on the report. None with no decisions.
    acceptance_rate: float | None


@dataclass(frozen=True)
class Series:
    slug: str
    title: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class Reports:
    bucket: str
    periods: list[date]
    series: list[Series]
    total: int


@dataclass(frozen=True)
class DeskMetrics:
    days: int
    since: datetime
    generated_at: datetime
    resolution: Resolution
    outcomes: Outcomes
    open_total: int
    open_by_age: list[Bucket]
    reports: Reports


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _between(ordered: Sequence[float], low: float, high: float | None) -> int:
    """How many of the sorted values are at least ``low`` and below ``high`` (no upper bound: None)."""
    return (bisect_left(ordered, high) if high is not None else len(ordered)) - bisect_left(ordered, low)


def resolution_times(since: datetime) -> Resolution:
    # The database subtracts: one duration a row comes back, not two time-zone-aware datetimes.
    waited = ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField())
    rows = Suggestion.objects.filter(resolved_at__gte=since).annotate(waited=waited).values_list("waited", flat=True)
    hours = sorted(max(0.0, duration.total_seconds() / 3600) for duration in rows if duration is not None)
    histogram = [Bucket(label, _between(hours, low, high)) for label, low, high in RESOLUTION_BUCKETS]
    median, p90 = percentile(hours, 50), percentile(hours, 90)
    return Resolution(
        count=len(hours),
        median_hours=round(median, 2) if median is not None else None,
        p90_hours=round(p90, 2) if p90 is not None else None,
        histogram=histogram,
    )


def outcomes(since: datetime) -> Outcomes:
    counts = dict(
        Suggestion.objects.filter(resolved_at__gte=since)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    accepted, rejected = counts.get(ACCEPTED, 0), counts.get(REJECTED, 0)
    decided = accepted + rejected
    return Outcomes(
        accepted=accepted,
        rejected=rejected,
        duplicate=counts.get(DUPLICATE, 0),
        acceptance_rate=round(accepted / decided, 4) if decided else None,
    )


def open_by_age(now: datetime) -> list[Bucket]:
    """Open items by how long they have waited, counted in one query."""

    def waited(low: int, high: int | None) -> Q:
        condition = Q(received_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(received_at__gt=now - timedelta(days=high))
        return condition

    counts = Suggestion.objects.filter(status__in=OPEN_STATUSES).aggregate(
        **{f"b{i}": Count("id", filter=waited(low, high)) for i, (_, low, high) in enumerate(AGE_BUCKETS)}
    )
    return [Bucket(label, counts[f"b{i}"]) for i, (label, _, _) in enumerate(AGE_BUCKETS)]


def _periods(since: datetime, now: datetime, bucket: str) -> list[date]:
    first, last = timezone.localdate(since), timezone.localdate(now)
    step = timedelta(days=1)
    if bucket == "week":
        first -= timedelta(days=first.weekday())  # weeks start on Monday, as the database truncates them
        step = timedelta(weeks=1)
    periods = []
    while first <= last:
        periods.append(first)
        first += step
    return periods


def reports_over_time(since: datetime, now: datetime, bucket: str, articles: int) -> Reports:
    """Reports per article per day or week, for the ``articles`` most reported articles in the window.

    The database ranks the articles and counts the window; only the top articles' days come back
    (a busy month names thousands of articles: their every day would be read and thrown away).
    """
    window = Event.objects.filter(type__in=REPORT_EVENTS, recorded_at__gte=since).order_by()
    ranked = window.values("stream_id").annotate(n=Count("*")).order_by("-n", "stream_id")[:articles]
    totals = {str(stream): n for stream, n in ranked.values_list("stream_id", "n")}
    rows = (
        window.filter(stream_id__in=list(totals))
        .annotate(period=Trunc("recorded_at", bucket, output_field=DateField()))
        .values("stream_id", "period")
        .annotate(n=Count("*"))
    )
    per_article: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows:
        per_article[str(row["stream_id"])][row["period"]] = row["n"]
    names = {str(a["id"]): a for a in Article.objects.filter(id__in=list(totals)).values("id", "slug", "title")}
    periods = _periods(since, now, bucket)
    series = [
        Series(
            slug=names[stream]["slug"] if stream in names else stream,
            title=names[stream]["title"] if stream in names else stream,
            counts=[per_article[stream].get(period, 0) for period in periods],
            total=totals[stream],
        )
        for stream in totals
    ]
    return Reports(bucket=bucket, periods=periods, series=series, total=window.count())


def desk_metrics(*, days: int = 30, bucket: str = "day", articles: int = 5, now: datetime | None = None) -> DeskMetrics:
    """Every desk figure for the last ``days`` days."""
    now = now or timezone.now()
    days = max(1, min(days, MAX_DAYS))
    bucket = bucket if bucket in BUCKETS else "day"
    articles = max(1, min(articles, MAX_ARTICLES))
    since = now - timedelta(days=days)
    ages = open_by_age(now)
    return DeskMetrics(
        days=days,
        since=since,
        generated_at=now,
        resolution=resolution_times(since),
        outcomes=outcomes(since),
        open_total=sum(b.count for b in ages),
        open_by_age=ages,
        reports=reports_over_time(since, now, bucket, articles),
    )
