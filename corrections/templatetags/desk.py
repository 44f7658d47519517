"""Template helpers for the editors' screens: durations as people say them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

register = template.Library()


def _rounded(seconds: float) -> tuple[str, int]:
    """One unit, rounded to the nearest: ("minute", 12), ("hour", 5), ("day", 3); ("", 0) under a minute."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "", 0
    minutes = round(seconds / 60)
    if minutes < 60:
        return "minute", minutes
    hours = round(seconds / 3600)
    if hours < 48:
        return "hour", hours
    return "day", round(seconds / 86400)


def in_words(seconds: float) -> str:
    """'under a minute', '12 minutes', '5 hours', '3 days': one unit, rounded to the nearest."""
    unit, count = _rounded(seconds)
    if unit == "minute":
        words = ngettext("%(count)d minute", "%(count)d minutes", count)
    elif unit == "hour":
        words = ngettext("%(count)d hour", "%(count)d hours", count)
    elif unit == "day":
        words = ngettext("%(count)d day", "%(count)d days", count)
    else:
        return gettext("under a minute")
    return words % {"count": count}


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
    # Said apart from ``in_words``: some languages word a duration differently before "ago".
    unit, count = _rounded((timezone.now() - moment).total_seconds())
    if unit == "minute":
        words = ngettext("%(count)d minute ago", "%(count)d minutes ago", count)
    elif unit == "hour":
        words = ngettext("%(count)d hour ago", "%(count)d hours ago", count)
    elif unit == "day":
        words = ngettext("%(count)d day ago", "%(count)d days ago", count)
    else:
        return gettext("just now")
    return words % {"count": count}


@register.filter
def suggestion_status(code: str) -> str:
    """A suggestion's status as the desk's screens word it ("new" → "New"), in the current language."""
    from ..models import Suggestion

    return str(dict(Suggestion.STATUSES).get(code, code))


@register.filter
def anchor_state(code: str) -> str:
    """What revisions did to a reader's passage ("intact", "edited", "deleted"), in the current language."""
    from ..models import Suggestion

    return str(dict(Suggestion.ANCHOR_STATES).get(code, code))


#: Who acted, for an event without an account: the kinds of actor the log records.
ACTOR_KINDS = {"reader": _("reader"), "editor": _("editor"), "system": _("system"), "site": _("the newsroom's site")}


@register.filter
def actor_kind(kind: str) -> str:
    """The kind of actor an event records ("reader", "system", …), in the current language."""
    return str(ACTOR_KINDS.get(kind, kind))


@register.simple_tag(takes_context=True)
def open_work(context: template.Context) -> Any:
    """The desk's open work for the admin's front page (counts of suggestions, comments, notifications)."""
    from ..selectors.desk import open_work as select

    request = context.get("request")
    return select(getattr(request, "user", None))
