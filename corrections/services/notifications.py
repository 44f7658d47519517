"""Notifications through a transactional outbox: nothing lost, nothing sent twice.

The service layer of notifications: the rules, the outbox writes, the relay, the
daily digest and the claim/mark of a delivery. What a row looks like as an
e-mail or a webhook is ``corrections.rendering``; ``corrections.tasks`` only
hands ids to the functions here.

1. **Rules.** ``react`` is a store reactor: inside the append's transaction it
   turns an event into ``Notification`` rows (the outbox). Each row has a unique
   ``key`` (event, kind, recipient), so one event never yields two rows for one
   recipient. Recipients are references (``ticket:<id>``, ``comment:<id>``,
   ``desk``, ``webhook``) resolved at delivery, so an erased e-mail is never used.
2. **Hand-off.** ``transaction.on_commit`` gives the new ids to Celery. If the
   broker is down the error is logged and the rows stay pending; ``relay`` (beat,
   every minute) re-enqueues pending rows the broker never got or a worker dropped.
3. **Delivery.** ``deliver`` claims a row with a conditional UPDATE (pending and
   not claimed by a live lease), sends it, then marks it sent. A second run of the
   same task finds nothing to claim and sends nothing.

The trade-off between the send and the commit: no transaction spans an SMTP
server and our database, so one of the two orders must give. We send first and
mark sent afterwards (at-least-once): if the worker dies in the instant between
the server accepting the message and the UPDATE committing, the claim lapses and
the relay sends it again. The other order (mark sent, then send) would lose the
message in that instant instead, and a lost notice is worse than a rare
duplicate. Duplicates from that window carry the same ``Message-ID`` (and
webhooks the same ``X-Newsdesk-Delivery``), so receivers can drop them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsdesk.celery import app

from .. import rendering, store
from ..domain import comments as comment_domain
from ..domain import suggestions as suggestion_domain
from ..domain.events import Recorded
from ..models import Comment, CommentAuthor, Notification, Suggestion, SuggestionTicket
from ..rendering import NothingToSend

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A delivery attempt failed and will be retried (the task retries on this)."""


#: Enqueued by name, so this module never imports the tasks that call it.
DELIVER_TASK = "corrections.tasks.deliver_notification"


# --- Rules ----------------------------------------------------------------------


def _row(recorded: Recorded, kind: str, recipient: str, payload: dict[str, Any], key: str = "") -> Notification:
    now = timezone.now()
    position = store.position_of(recorded)
    return Notification(
        key=key or f"event:{position}:{kind}:{recipient}",
        kind=kind,
        recipient=recipient,
        event_position=position,
        event_type=recorded.type,
        stream_id=recorded.stream_id,
        event_version=recorded.version,
        payload=payload,
        created_at=now,
        due_at=now,
    )


def _webhook(recorded: Recorded) -> list[Notification]:
    if not settings.NOTIFY_WEBHOOK_URL:
        return []
    return [_row(recorded, Notification.WEBHOOK, "webhook", recorded.event.to_data())]


def _suggestion_received(recorded: Recorded) -> list[Notification]:
    rows = []
    if settings.DESK_EMAIL and settings.NOTIFY_DESK_IMMEDIATELY:
        rows.append(_row(recorded, Notification.DESK_SUGGESTION, "desk", recorded.event.to_data()))
    return rows + _webhook(recorded)


def _suggestion_decided(recorded: Recorded) -> list[Notification]:
    """One e-mail per reporter who left an address, readers of closed duplicates included.

    The tickets of a suggestion were committed with its earlier report events
    (appends to one stream are serialised), so they are all visible here; the
    address itself is read again at delivery, after any erasure.
    """
    event = recorded.event
    assert isinstance(event, suggestion_domain.SuggestionAccepted | suggestion_domain.SuggestionRejected)
    status = suggestion_domain.ACCEPTED if event.type == "SuggestionAccepted" else suggestion_domain.REJECTED
    ids: list[Any] = [
        event.suggestion_id,
        *Suggestion.objects.filter(duplicate_of_id__in=[event.suggestion_id]).values_list("id", flat=True),
    ]
    tickets = SuggestionTicket.objects.filter(suggestion_id__in=ids).exclude(email="").order_by("pk")
    payload = {"suggestion_id": event.suggestion_id, "status": status, "reply": event.reply}
    rows = [
        _row(recorded, Notification.READER_DECISION, f"ticket:{pk}", payload)
        for pk in tickets.values_list("pk", flat=True)
    ]
    return rows + _webhook(recorded)


#: A commenter hears about replies at most once per this long; later replies wait and go together.
REPLY_EVERY = timedelta(hours=1)


def _reply_row(recorded: Recorded, *, comment_id: str, parent_id: str) -> list[Notification]:
    """A reply once it is shown, to a confirmed address only, at most one e-mail an hour per commenter.

    Keyed by the reply, so approving it again later sends nothing new. A reply
    within the hour joins the notice still waiting, or waits for the next hour.
    """
    if not CommentAuthor.objects.filter(comment_id=parent_id, confirmed_at__isnull=False).exclude(email="").exists():
        return []
    recipient = f"comment:{parent_id}"
    recent = Notification.objects.filter(
        kind=Notification.COMMENT_REPLY, recipient=recipient, created_at__gte=timezone.now() - REPLY_EVERY
    ).order_by("-created_at")
    waiting = recent.filter(status=Notification.PENDING, claimed_until__isnull=True).first()
    if waiting is not None:
        ids = [*waiting.payload.get("comment_ids", [waiting.payload["comment_id"]]), comment_id]
        Notification.objects.filter(pk=waiting.pk).update(payload={**waiting.payload, "comment_ids": ids})
        return []
    key = f"comment:{comment_id}:{Notification.COMMENT_REPLY}:{recipient}"
    payload = {"comment_id": comment_id, "parent_id": parent_id, "comment_ids": [comment_id]}
    row = _row(recorded, Notification.COMMENT_REPLY, recipient, payload, key=key)
    last = recent.first()
    if last is not None:
        row.due_at = last.created_at + REPLY_EVERY  # the relay hands it over then
        row.held = True  # type: ignore[attr-defined]
    return [row]


def address_confirmation(*, comment_id: str) -> list[int]:
    """Ask a commenter's address to confirm itself, at most once a day per address (never a relay for spam)."""
    author = CommentAuthor.objects.filter(comment_id=comment_id).first()
    if author is None or not author.email:
        return []
    same_address = CommentAuthor.objects.filter(email__iexact=author.email).values_list("comment_id", flat=True)
    asked = Notification.objects.filter(
        kind=Notification.COMMENT_CONFIRM,
        recipient__in=[f"comment:{pk}" for pk in same_address],
        created_at__gte=timezone.now() - timedelta(days=1),
    )
    if asked.exists():
        return []
    now = timezone.now()
    recipient = f"comment:{comment_id}"
    row = Notification(
        key=f"{Notification.COMMENT_CONFIRM}:{recipient}",
        kind=Notification.COMMENT_CONFIRM,
        recipient=recipient,
        payload={"comment_id": comment_id},
        created_at=now,
        due_at=now,
    )
    return _write([row])


def _comment_posted(recorded: Recorded) -> list[Notification]:
    event = recorded.event_as(comment_domain.CommentPosted)
    if event.parent_id is None or event.pending:
        return []
    return _reply_row(recorded, comment_id=event.comment_id, parent_id=event.parent_id)


def _comment_approved(recorded: Recorded) -> list[Notification]:
    """A reply held for pre-moderation is announced when an editor shows it."""
    comment_id = recorded.event_as(comment_domain.CommentApproved).comment_id
    comment = Comment.objects.filter(id=comment_id).values("parent_id", "status").first()
    if comment is None or comment["parent_id"] is None or comment["status"] != comment_domain.VISIBLE:
        return []
    return _reply_row(recorded, comment_id=comment_id, parent_id=str(comment["parent_id"]))


RULES: dict[str, Callable[[Recorded], list[Notification]]] = {
    "SuggestionReceived": _suggestion_received,
    "SuggestionAccepted": _suggestion_decided,
    "SuggestionRejected": _suggestion_decided,
    "CommentPosted": _comment_posted,
    "CommentApproved": _comment_approved,
}


def react(recorded: Recorded) -> None:
    """Store reactor: write the event's outbox rows in the append's transaction; enqueue them on commit."""
    rule = RULES.get(recorded.type)
    if rule is None:
        return
    rows = rule(recorded)
    if rows:
        _write(rows)


def _write(rows: Sequence[Notification]) -> list[int]:
    """Insert rows (a key already there is left alone) and enqueue the pending ones once committed."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # A row held back (a reply notice within the hour) is left to the relay, which hands it over when due.
    ids = list(
        Notification.objects.filter(
            key__in=[row.key for row in rows if not getattr(row, "held", False)], status=Notification.PENDING
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return ids


# --- Hand-off to the broker -------------------------------------------------------


def enqueue(ids: Iterable[int]) -> int:
    """Hand ids to Celery; if the broker is unreachable, log it and leave the rest to the relay."""
    ids = list(ids)
    eager = app.conf.task_always_eager
    if not eager:
        # Stamped before publishing, so a worker that is quick to fail cannot be overwritten by it.
        Notification.objects.filter(id__in=ids, status=Notification.PENDING).update(enqueued_at=timezone.now())
    for done, notification_id in enumerate(ids):
        try:
            app.signature(DELIVER_TASK).apply_async(args=(notification_id,))
        except Exception:
            logger.warning(
                "Broker unreachable: %d notification(s) stay pending for the relay.", len(ids) - done, exc_info=True
            )
            Notification.objects.filter(id__in=ids[done:], status=Notification.PENDING).update(enqueued_at=None)
            return done
    return len(ids)


def relay(*, limit: int = 500) -> int:
    """Re-enqueue pending rows that nobody is delivering: never published, or published long ago and dropped."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.NOTIFY_RELAY_GRACE_SECONDS)
    stale = now - timedelta(seconds=settings.NOTIFY_REENQUEUE_SECONDS)
    ids = list(
        Notification.objects.filter(status=Notification.PENDING, due_at__lte=grace)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    sent = enqueue(ids)
    logger.info("Relay re-enqueued %d of %d pending notification(s).", sent, len(ids))
    return sent


@transaction.atomic
def notifications_retry(*, ids: Iterable[int]) -> int:
    """Give failed notifications a fresh set of attempts (the admin's "retry" action)."""
    ids = list(Notification.objects.filter(id__in=list(ids), status=Notification.FAILED).values_list("id", flat=True))
    Notification.objects.filter(id__in=ids).update(
        status=Notification.PENDING, attempts=0, due_at=timezone.now(), enqueued_at=None, claimed_until=None
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


# --- Daily digest -------------------------------------------------------------------


def digest_create(*, now: datetime | None = None) -> int | None:
    """Write today's digest of new suggestions for the desk (once a day, whatever beat does); return its id."""
    if not settings.DESK_EMAIL:
        return None
    now = now or timezone.now()
    # Reports still being committed land in the next digest rather than in neither.
    until = now - timedelta(minutes=1)
    last = Notification.objects.filter(kind=Notification.DESK_DIGEST).order_by("-created_at").first()
    since = parse_datetime(last.payload["until"]) if last else None
    since = since or until - timedelta(days=1)
    items = [
        {
            "suggestion_id": str(item.id),
            "article": item.article.title,
            "slug": item.article.slug,
            "category": item.category,
            "exact": item.exact,
            "suggestion": item.suggestion,
            "status": item.status,
        }
        for item in Suggestion.objects.filter(received_at__gte=since, received_at__lt=until)
        .select_related("article")
        .order_by("received_at")
    ]
    if not items:
        return None
    open_count = Suggestion.objects.filter(status__in=suggestion_domain.OPEN_STATUSES).count()
    day = timezone.localdate(now).isoformat()
    row = Notification(
        key=f"digest:{day}:{Notification.DESK_DIGEST}:desk",
        kind=Notification.DESK_DIGEST,
        recipient="desk",
        payload={
            "day": day,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "items": items,
            "open": open_count,
        },
        created_at=now,
        due_at=now,
    )
    with transaction.atomic():
        ids = _write([row])
    return ids[0] if ids else None


# --- Delivery -------------------------------------------------------------------


def backoff(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: NOTIFY_RETRY_BACKOFF doubling, capped."""
    return min(settings.NOTIFY_RETRY_BACKOFF_MAX, settings.NOTIFY_RETRY_BACKOFF * 2 ** max(0, attempts - 1))


def claim(notification_id: int) -> Notification | None:
    """Take the row for one delivery attempt, or None if it is done or another worker holds it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(id=notification_id, status=Notification.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    return Notification.objects.get(id=notification_id) if claimed else None


def deliver(notification_id: int, *, retry: bool = True) -> str:
    """Claim, send and mark one notification; returns what happened.

    A failed attempt raises ``DeliveryFailed`` for the task to retry; with
    ``retry=False`` (eager mode, inside a reader's request) it leaves the row
    pending for the relay instead, so nobody waits for a receiver that is down.
    """
    row = claim(notification_id)
    if row is None:
        return "not claimed"
    try:
        rendering.send(row)
    except NothingToSend as reason:
        _finish(row, Notification.SKIPPED, str(reason))
        logger.info("Notification %s skipped: %s", row.id, reason)
        return Notification.SKIPPED
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            _finish(row, Notification.FAILED, message)
            logger.error("Notification %s failed for good after %d attempts: %s", row.id, row.attempts, message)
            return Notification.FAILED
        later = timezone.now() + timedelta(seconds=backoff(row.attempts))
        # The task's own retry is the next enqueue; the relay steps in only if that one is lost.
        # Without a retry the relay is the next enqueue, once the row is due.
        Notification.objects.filter(id=row.id).update(
            last_error=message, claimed_until=None, due_at=later, enqueued_at=later if retry else None
        )
        logger.warning("Notification %s attempt %d failed: %s", row.id, row.attempts, message)
        if not retry:
            return Notification.PENDING
        raise DeliveryFailed(message) from error
    _finish(row, Notification.SENT, "")
    return Notification.SENT


def _finish(row: Notification, status: str, error: str) -> None:
    Notification.objects.filter(id=row.id).update(
        status=status,
        last_error=error,
        claimed_until=None,
        sent_at=timezone.now() if status == Notification.SENT else None,
    )
