"""Template helpers for the editors' screens: durations as people say them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def in_words(seconds: float) -> str:
    """'under a minute', '12 minutes', '5 hours', '3 days': one unit, rounded to the nearest."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = round(seconds / 3600)
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(round(seconds / 86400), "day")


@register.filter
def hours_in_words(hours: float | None) -> str:
    """A number of hours (as the metrics give them) in words; a dash when there is none."""
    return "—" if hours is None else in_words(hours * 3600)


@register.filter
def duration(value: timedelta | None) -> str:
    return "—" if value is None else in_words(value.total_seconds())


@register.filter
def age(moment: datetime | None) -> str:
    """How long ago, in words: '5 minutes ago', '3 days ago'."""
    if moment is None:
        return "—"
    words = in_words((timezone.now() - moment).total_seconds())
    return "just now" if words == "under a minute" else f"{words} ago"


@register.simple_tag(takes_context=True)
def open_work(context: template.Context) -> Any:
    """The desk's open work for the admin's front page (counts of suggestions, comments, notifications)."""
    from ..selectors.desk import open_work as select

    request = context.get("request")
    return select(getattr(request, "user", None))
