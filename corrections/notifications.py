"""Notifications through a transactional outbox: nothing lost, nothing sent twice.

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

import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import store
from .domain import comments as comment_domain
from .domain import suggestions as suggestion_domain
from .domain.events import Recorded
from .models import Article, Comment, CommentAuthor, Notification, Suggestion, SuggestionTicket

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A delivery attempt failed and will be retried (the task retries on this)."""


class NothingToSend(Exception):
    """No one to send to any more (an erased e-mail, a hidden reply, a setting removed): the row is skipped."""


# --- Rules ----------------------------------------------------------------------


def _row(recorded: Recorded, kind: str, recipient: str, payload: dict[str, Any], key: str = "") -> Notification:
    now = timezone.now()
    return Notification(
        key=key or f"event:{recorded.position}:{kind}:{recipient}",
        kind=kind,
        recipient=recipient,
        event_position=recorded.position,
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
    status = suggestion_domain.ACCEPTED if event.type == "SuggestionAccepted" else suggestion_domain.REJECTED
    ids = [
        event.suggestion_id,
        *Suggestion.objects.filter(duplicate_of_id=event.suggestion_id).values_list("id", flat=True),
    ]
    tickets = SuggestionTicket.objects.filter(suggestion_id__in=ids).exclude(email="").order_by("pk")
    payload = {"suggestion_id": event.suggestion_id, "status": status, "reply": event.reply}
    rows = [
        _row(recorded, Notification.READER_DECISION, f"ticket:{pk}", payload)
        for pk in tickets.values_list("pk", flat=True)
    ]
    return rows + _webhook(recorded)


def _reply_row(recorded: Recorded, *, comment_id: str, parent_id: str) -> list[Notification]:
    """A reply once it is shown; keyed by the reply, so approving it again later sends nothing new."""
    if not CommentAuthor.objects.filter(comment_id=parent_id).exclude(email="").exists():
        return []
    recipient = f"comment:{parent_id}"
    key = f"comment:{comment_id}:{Notification.COMMENT_REPLY}:{recipient}"
    payload = {"comment_id": comment_id, "parent_id": parent_id}
    return [_row(recorded, Notification.COMMENT_REPLY, recipient, payload, key=key)]


def _comment_posted(recorded: Recorded) -> list[Notification]:
    event = recorded.event
    if event.parent_id is None or event.pending:
        return []
    return _reply_row(recorded, comment_id=event.comment_id, parent_id=event.parent_id)


def _comment_approved(recorded: Recorded) -> list[Notification]:
    """A reply held for pre-moderation is announced when an editor shows it."""
    comment = Comment.objects.filter(id=recorded.event.comment_id).values("parent_id", "status").first()
    if comment is None or comment["parent_id"] is None or comment["status"] != comment_domain.VISIBLE:
        return []
    return _reply_row(recorded, comment_id=recorded.event.comment_id, parent_id=str(comment["parent_id"]))


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
    ids = list(
        Notification.objects.filter(key__in=[row.key for row in rows], status=Notification.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return ids


# --- Hand-off to the broker -------------------------------------------------------


def enqueue(ids: Iterable[int]) -> int:
    """Hand ids to Celery; if the broker is unreachable, log it and leave the rest to the relay."""
    from .tasks import app, deliver_notification

    ids = list(ids)
    eager = app.conf.task_always_eager
    if not eager:
        # Stamped before publishing, so a worker that is quick to fail cannot be overwritten by it.
        Notification.objects.filter(id__in=ids, status=Notification.PENDING).update(enqueued_at=timezone.now())
    for done, notification_id in enumerate(ids):
        try:
            deliver_notification.apply_async(args=[notification_id])
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


def deliver(notification_id: int) -> str:
    """Claim, send and mark one notification; returns what happened (raises DeliveryFailed to be retried)."""
    row = claim(notification_id)
    if row is None:
        return "not claimed"
    try:
        send(row)
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
        Notification.objects.filter(id=row.id).update(
            last_error=message, claimed_until=None, due_at=later, enqueued_at=later
        )
        logger.warning("Notification %s attempt %d failed: %s", row.id, row.attempts, message)
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


# --- Rendering and sending --------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    to: list[str] = field(default_factory=list)


def send(row: Notification) -> None:
    if row.kind == Notification.WEBHOOK:
        post_webhook(row)
        return
    mail = RENDERERS[row.kind](row)
    EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.to,
        headers={"Message-ID": message_id(row)},
    ).send()


def message_id(row: Notification) -> str:
    """The same for every attempt at one notification, so a receiver can drop a duplicate."""
    host = urlsplit(settings.SITE_URL).hostname or "newsdesk.invalid"
    return f"<{row.key.replace(':', '.')}@{host}>"


def _article(row: Notification) -> Article | None:
    return Article.objects.filter(id=row.stream_id).first() if row.stream_id else None


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _admin_link(suggestion_id: str) -> str:
    try:
        return _link(reverse("admin:corrections_suggestion_change", args=[suggestion_id]))
    except NoReverseMatch:
        return _link("/admin/")


def _desk() -> list[str]:
    if not settings.DESK_EMAIL:
        raise NothingToSend("DESK_EMAIL is not set.")
    return list(settings.DESK_EMAIL)


def _quote(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines() or [""])


def render_desk_suggestion(row: Notification) -> Mail:
    data = row.payload
    article = _article(row)
    title = article.title if article else "an article"
    lines = [
        f"A reader suggests a correction ({data.get('category', 'typo')}) to “{title}”:",
        "",
        "Text:",
        _quote(data.get("exact", "")),
        "Suggestion:",
        _quote(data.get("suggestion") or "(no replacement proposed)"),
    ]
    if data.get("comment"):
        lines += ["Comment:", _quote(data["comment"])]
    lines += ["", f"Review it: {_admin_link(data['suggestion_id'])}"]
    if article:
        lines.append(f"Article: {_link(f'/articles/{article.slug}/')}")
    return Mail(f"[{settings.SITE_NAME}] New suggestion on “{title}”", "\n".join(lines) + "\n", _desk())


def render_desk_digest(row: Notification) -> Mail:
    data = row.payload
    items = data.get("items", [])
    lines = [f"{len(items)} new suggestion(s) since {data['since'][:16].replace('T', ' ')}; {data['open']} open.", ""]
    for item in items:
        lines += [
            f"• “{item['article']}” ({item['category']}, now {item['status']})",
            _quote(f"“{item['exact']}” → “{item['suggestion'] or '…'}”"),
            f"  {_admin_link(item['suggestion_id'])}",
            "",
        ]
    return Mail(f"[{settings.SITE_NAME}] Suggestions digest for {data['day']}", "\n".join(lines), _desk())


def render_reader_decision(row: Notification) -> Mail:
    ticket = SuggestionTicket.objects.filter(pk=row.recipient.removeprefix("ticket:")).first()
    if ticket is None or not ticket.email:
        raise NothingToSend("The reader's e-mail address has been erased.")
    data = row.payload
    article = _article(row)
    title = article.title if article else "our article"
    item = Suggestion.objects.filter(id=data["suggestion_id"]).first()
    accepted = data["status"] == suggestion_domain.ACCEPTED
    lines = [f"Hello {ticket.name}," if ticket.name else "Hello,", "", f"Thank you for your suggestion on “{title}”."]
    if item:
        lines += ["", _quote(f"“{item.exact}” → “{item.suggestion or '…'}”")]
    lines += [
        "",
        "The editors accepted it and corrected the article." if accepted else "The editors decided not to change this.",
    ]
    if data.get("reply"):
        lines += ["", "Their reply:", _quote(data["reply"])]
    lines += ["", f"Status: {_link(f'/suggestions/{ticket.token}/')}"]
    subject = (
        f"Your correction to “{title}” was accepted" if accepted else f"About your suggested correction to “{title}”"
    )
    return Mail(subject, "\n".join(lines) + "\n", [ticket.email])


def render_comment_reply(row: Notification) -> Mail:
    data = row.payload
    author = CommentAuthor.objects.filter(comment_id=data["parent_id"]).exclude(email="").first()
    if author is None:
        raise NothingToSend("The comment author's e-mail address has been erased.")
    reply = Comment.objects.select_related("article").filter(id=data["comment_id"]).first()
    if reply is None or reply.status != comment_domain.VISIBLE:
        raise NothingToSend("The reply is no longer shown.")
    own = CommentAuthor.objects.filter(comment_id=data["comment_id"]).values_list("email", flat=True).first()
    if own and own.lower() == author.email.lower():
        raise NothingToSend("They replied to their own comment.")
    title = reply.article.title
    lines = [
        f"{reply.author_name} replied to your comment on “{title}”:",
        "",
        _quote(reply.body),
        "",
        f"Read it: {_link(f'/articles/{reply.article.slug}/#comment-{reply.id}')}",
    ]
    return Mail(f"{reply.author_name} replied to your comment on “{title}”", "\n".join(lines) + "\n", [author.email])


RENDERERS: dict[str, Callable[[Notification], Mail]] = {
    Notification.DESK_SUGGESTION: render_desk_suggestion,
    Notification.DESK_DIGEST: render_desk_digest,
    Notification.READER_DECISION: render_reader_decision,
    Notification.COMMENT_REPLY: render_comment_reply,
}


def sign(body: bytes, secret: str) -> str:
    """The X-Newsdesk-Signature header: sha256=<HMAC-SHA256 hex of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(row: Notification) -> bytes:
    article = _article(row)
    data = row.payload
    title = article.title if article else "?"
    if row.event_type == "SuggestionReceived":
        text = f"New suggestion on “{title}”: “{data.get('exact', '')}” → “{data.get('suggestion', '')}”"
    else:
        verdict = "accepted" if row.event_type == "SuggestionAccepted" else "rejected"
        text = f"Suggestion {verdict} on “{title}”"
    body = {
        "event": row.event_type,
        "delivery": row.key,
        "text": text,
        "article": {
            "id": str(row.stream_id),
            "slug": article.slug if article else None,
            "title": article.title if article else None,
            "url": _link(f"/articles/{article.slug}/") if article else None,
        },
        "data": data,
        "position": row.event_position,
        "version": row.event_version,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode()


def post_webhook(row: Notification) -> None:
    url = settings.NOTIFY_WEBHOOK_URL
    if not url:
        raise NothingToSend("NOTIFY_WEBHOOK_URL is not set.")
    if urlsplit(url).scheme not in {"http", "https"}:
        raise NothingToSend("NOTIFY_WEBHOOK_URL must be an http:// or https:// address.")
    body = webhook_body(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Newsdesk",
        "X-Newsdesk-Event": row.event_type,
        "X-Newsdesk-Delivery": row.key,
    }
    if settings.NOTIFY_WEBHOOK_SECRET:
        headers["X-Newsdesk-Signature"] = sign(body, settings.NOTIFY_WEBHOOK_SECRET)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    # A non-2xx answer raises HTTPError: a failed attempt, retried with backoff.
    with urllib.request.urlopen(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as response:
        response.read()


if react not in store.REACTORS:
    store.REACTORS.append(react)
