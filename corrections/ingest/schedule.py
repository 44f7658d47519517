"""When to look again: recent articles often, old ones rarely; failing sources less and less."""

from __future__ import annotations

from datetime import datetime, timedelta

#: Re-check a page when the time since its last check is at least this share of its age (as diffengine does).
RECHECK_RATIO = 0.2
#: However young the article, no page is fetched more often than this.
MIN_RECHECK = timedelta(minutes=5)
#: Back-off for a failing source stops growing here.
MAX_BACKOFF = timedelta(hours=24)


def page_due(*, now: datetime, first_seen: datetime, last_checked: datetime | None) -> bool:
    """Whether a tracked page should be fetched again now."""
    if last_checked is None:
        return True
    since = now - last_checked
    if since < MIN_RECHECK:
        return False
    age = max(now - first_seen, timedelta(seconds=1))
    return since / age >= RECHECK_RATIO


def next_poll(*, now: datetime, interval: timedelta, failures: int) -> datetime:
    """The next poll of a source: its interval, doubled for each consecutive failure up to a day."""
    if failures <= 0:
        return now + interval
    return now + min(interval * 2 ** min(failures, 16), max(MAX_BACKOFF, interval))
