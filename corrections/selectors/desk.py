"""The desk's open work at a glance, for the admin's front page: a few counts, one query each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.suggestions import ASSIGNED, NEW, OPEN_STATUSES
from ..models import Comment, Notification, Suggestion


@dataclass(frozen=True)
class OpenWork:
    suggestions_open: int
    suggestions_unassigned: int
    suggestions_mine: int
    comments_pending: int
    comments_flagged: int
    notifications_failed: int


def open_work(user: Any = None) -> OpenWork:
    """How much is waiting: open suggestions (unassigned, mine), comments to moderate, failed notifications."""
    open_items = Suggestion.objects.filter(status__in=OPEN_STATUSES)
    mine = open_items.filter(status=ASSIGNED, assignee=user).count() if user is not None and user.pk else 0
    return OpenWork(
        suggestions_open=open_items.count(),
        suggestions_unassigned=open_items.filter(status=NEW).count(),
        suggestions_mine=mine,
        comments_pending=Comment.objects.filter(status="pending").count(),
        comments_flagged=Comment.objects.filter(status="visible", flag_count__gt=0).count(),
        notifications_failed=Notification.objects.filter(status=Notification.FAILED).count(),
    )
