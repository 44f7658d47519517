"""What a load balancer and an operator need to know about the outbox."""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone

from ..models import Notification


def oldest_pending_notification_age() -> float | None:
    """Seconds since the oldest pending notification became due; None when nothing waits."""
    due = Notification.objects.filter(status=Notification.PENDING).aggregate(oldest=Min("due_at"))["oldest"]
    if due is None:
        return None
    return max(0.0, (timezone.now() - due).total_seconds())
