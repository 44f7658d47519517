"""Celery tasks: thin interfaces that hand ids to the notification and source services.

``deliver_notification`` is safe to run any number of times for one id: it
claims the row with a conditional UPDATE, so only one run sends. Retries back
off exponentially (NOTIFY_RETRY_BACKOFF, doubling, capped); after
NOTIFY_MAX_ATTEMPTS attempts the row is marked failed for the editors to see.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from newsdesk.celery import app

from . import integrity
from .services import notifications, sources

__all__ = [
    "app",
    "deliver_notification",
    "poll_due_sources",
    "poll_source",
    "relay_pending",
    "send_daily_digest",
    "write_checkpoint",
]


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(notifications.DeliveryFailed,),
    retry_backoff=settings.NOTIFY_RETRY_BACKOFF,
    retry_backoff_max=settings.NOTIFY_RETRY_BACKOFF_MAX,
    retry_jitter=False,
    # The row's attempt counter decides when to give up; this only bounds one chain of retries.
    max_retries=settings.NOTIFY_MAX_ATTEMPTS,
)
def deliver_notification(self: Task[[int], str], notification_id: int) -> str:
    """Send one outbox row, once; in eager mode a failure waits for the relay instead of retrying in the request."""
    return notifications.deliver(notification_id, retry=not self.request.is_eager)


@shared_task(acks_late=True)
def relay_pending() -> int:
    """Re-enqueue pending notifications the broker never got or a worker dropped (beat, every minute)."""
    return notifications.relay()


@shared_task(acks_late=True)
def send_daily_digest() -> int | None:
    """Write and enqueue the desk's daily digest of new suggestions (beat, once a day)."""
    return notifications.digest_create()


@shared_task(acks_late=True)
def poll_source(source_id: int) -> dict[str, Any]:
    """Poll one source now and record what it brought."""
    return sources.source_poll(source_id=source_id).as_dict()


@shared_task(acks_late=True)
def poll_due_sources() -> list[int]:
    """Claim every source that is due and poll each in its own task (beat, every minute)."""
    claimed = sources.due_source_ids()
    for source_id in claimed:
        poll_source.delay(source_id)
    return claimed


@shared_task(acks_late=True)
def write_checkpoint() -> int:
    """Sign every stream head and write the checkpoint outside the database (beat, hourly)."""
    return int(integrity.checkpoint_create()["streams"])
