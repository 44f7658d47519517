"""Rendering and sending notifications: the e-mails and webhooks an outbox row becomes.

``send`` is called by the delivery service with a claimed row. It reads the
recipient again (an address erased since the row was written is never used)
and raises ``NothingToSend`` when there is no one left to tell.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse

from .domain import comments as comment_domain
from .domain import suggestions as suggestion_domain
from .models import Article, Comment, CommentAuthor, Notification, Suggestion, SuggestionTicket


class NothingToSend(Exception):
    """No one to send to any more (an erased e-mail, a hidden reply, a setting removed): the row is skipped."""


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


def _article_url(article: Article) -> str:
    return _link(reverse("corrections:article", args=[article.slug]))


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


#: What the e-mails say for a request about the whole article ("write to us"), which quotes no words.
WHOLE_ARTICLE = "(about the whole article: no text selected)"


def _change(exact: str, suggestion: str) -> str:
    return f"“{exact}” → “{suggestion or '…'}”" if exact else WHOLE_ARTICLE


def render_desk_suggestion(row: Notification) -> Mail:
    data = row.payload
    article = _article(row)
    title = article.title if article else "an article"
    lines = [
        f"A reader suggests a correction ({data.get('category', 'typo')}) to “{title}”:",
        "",
        "Text:",
        _quote(data.get("exact") or WHOLE_ARTICLE),
        "Suggestion:",
        _quote(data.get("suggestion") or "(no replacement proposed)"),
    ]
    if data.get("comment"):
        lines += ["Comment:", _quote(data["comment"])]
    lines += ["", f"Review it: {_admin_link(data['suggestion_id'])}"]
    if article:
        lines.append(f"Article: {_article_url(article)}")
    return Mail(f"[{settings.SITE_NAME}] New suggestion on “{title}”", "\n".join(lines) + "\n", _desk())


def render_desk_digest(row: Notification) -> Mail:
    data = row.payload
    items = data.get("items", [])
    lines = [f"{len(items)} new suggestion(s) since {data['since'][:16].replace('T', ' ')}; {data['open']} open.", ""]
    for item in items:
        lines += [
            f"• “{item['article']}” ({item['category']}, now {item['status']})",
            _quote(_change(item["exact"], item["suggestion"])),
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
        lines += ["", _quote(_change(item.exact, item.suggestion))]
    lines += [
        "",
        "The editors accepted it and corrected the article." if accepted else "The editors decided not to change this.",
    ]
    if data.get("reply"):
        lines += ["", "Their reply:", _quote(data["reply"])]
    lines += ["", f"Status: {_link(reverse('corrections:suggestion-status', args=[ticket.token]))}"]
    subject = (
        f"Your correction to “{title}” was accepted" if accepted else f"About your suggested correction to “{title}”"
    )
    return Mail(subject, "\n".join(lines) + "\n", [ticket.email])


def render_comment_reply(row: Notification) -> Mail:
    data = row.payload
    author = CommentAuthor.objects.filter(comment_id=data["parent_id"]).exclude(email="").first()
    if author is None:
        raise NothingToSend("The comment author's e-mail address has been erased.")
    if author.confirmed_at is None:
        raise NothingToSend("The comment author never confirmed the address.")
    ids = data.get("comment_ids") or [data["comment_id"]]
    own = dict(CommentAuthor.objects.filter(comment_id__in=ids).values_list("comment_id", "email"))
    replies = [
        reply
        for reply in Comment.objects.select_related("article").filter(id__in=ids).order_by("posted_at")
        if reply.status == comment_domain.VISIBLE and own.get(reply.id, "").lower() != author.email.lower()
    ]
    if not replies:
        raise NothingToSend("The replies are no longer shown, or they replied to their own comment.")
    title = replies[0].article.title
    lines = [f"{len(replies)} new repl{'y' if len(replies) == 1 else 'ies'} to your comment on “{title}”:", ""]
    for reply in replies:
        lines += [f"{reply.author_name}:", _quote(reply.body), f"{_article_url(reply.article)}#comment-{reply.id}", ""]
    # The subject never carries the replier's chosen name: nobody can write into someone's inbox subject line.
    subject = f"New repl{'y' if len(replies) == 1 else 'ies'} to your comment on “{title}”"
    return Mail(subject, "\n".join(lines), [author.email])


def render_comment_confirm(row: Notification) -> Mail:
    author = CommentAuthor.objects.filter(comment_id=row.payload["comment_id"]).exclude(email="").first()
    if author is None or not author.confirm_token:
        raise NothingToSend("The comment author's e-mail address has been erased.")
    link = f"{settings.SITE_URL}{reverse('corrections:comment-confirm', args=[author.confirm_token])}"
    lines = [
        f"Someone left this address with a comment on {settings.SITE_NAME} and asked to hear about replies.",
        "",
        f"If it was you, confirm with one click: {link}",
        "",
        "If it was not you, ignore this e-mail: nothing will be sent to you.",
    ]
    return Mail(
        f"[{settings.SITE_NAME}] Confirm your address for reply notices", "\n".join(lines) + "\n", [author.email]
    )


RENDERERS: dict[str, Callable[[Notification], Mail]] = {
    Notification.DESK_SUGGESTION: render_desk_suggestion,
    Notification.DESK_DIGEST: render_desk_digest,
    Notification.READER_DECISION: render_reader_decision,
    Notification.COMMENT_REPLY: render_comment_reply,
    Notification.COMMENT_CONFIRM: render_comment_confirm,
}


def sign(body: bytes, secret: str) -> str:
    """The X-Newsdesk-Signature header: sha256=<HMAC-SHA256 hex of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(row: Notification) -> bytes:
    article = _article(row)
    data = row.payload
    title = article.title if article else "?"
    if row.event_type == "SuggestionReceived":
        text = f"New suggestion on “{title}”: {_change(data.get('exact', ''), data.get('suggestion', ''))}"
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
            "url": _article_url(article) if article else None,
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
