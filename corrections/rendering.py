"""Rendering and sending notifications: the e-mails and webhooks an outbox row becomes.

``send`` is called by the delivery service with a claimed row. It reads the
recipient again (an address erased since the row was written is never used)
and raises ``NothingToSend`` when there is no one left to tell.

Each e-mail is written in its recipient's language: a reader's is the language
the site spoke to them in when they sent the report or the comment (kept on the
ticket or the commenter's row); the desk's, and any the site no longer speaks,
is ``LANGUAGE_CODE``.
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
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
        with translation.override(settings.LANGUAGE_CODE):
            post_webhook(row)
        return
    with translation.override(language_of(row)):
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


def language_of(row: Notification) -> str:
    """The recipient's language: the one a reader used when they wrote, else (the desk too) LANGUAGE_CODE."""
    kind, _colon, ref = row.recipient.partition(":")
    chosen: str | None = None
    if kind == "ticket" and ref.isdigit():
        chosen = SuggestionTicket.objects.filter(pk=ref).values_list("language", flat=True).first()
    elif kind == "comment":
        chosen = CommentAuthor.objects.filter(comment_id=ref).values_list("language", flat=True).first()
    try:
        return translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
    except LookupError:  # a language the site no longer offers
        return settings.LANGUAGE_CODE


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
WHOLE_ARTICLE = gettext_lazy("(about the whole article: no text selected)")


def _change(exact: str, suggestion: str) -> str:
    return f"“{exact}” → “{suggestion or '…'}”" if exact else str(WHOLE_ARTICLE)


def _category(code: str) -> str:
    """A report's category as the desk's screens word it, inside a sentence."""
    return str(dict(Suggestion.CATEGORIES).get(code, code)).lower()


def _status(code: str) -> str:
    return str(dict(Suggestion.STATUSES).get(code, code)).lower()


def render_desk_suggestion(row: Notification) -> Mail:
    data = row.payload
    article = _article(row)
    title = article.title if article else _("an article")
    lines = [
        _("A reader suggests a correction (%(category)s) to “%(title)s”:")
        % {"category": _category(data.get("category", "typo")), "title": title},
        "",
        _("Text:"),
        _quote(data.get("exact") or str(WHOLE_ARTICLE)),
        _("Suggestion:"),
        _quote(data.get("suggestion") or _("(no replacement proposed)")),
    ]
    if data.get("comment"):
        lines += [_("Comment:"), _quote(data["comment"])]
    lines += ["", _("Review it: %(link)s") % {"link": _admin_link(data["suggestion_id"])}]
    if article:
        lines.append(_("Article: %(link)s") % {"link": _article_url(article)})
    subject = _("[%(site)s] New suggestion on “%(title)s”") % {"site": settings.SITE_NAME, "title": title}
    return Mail(subject, "\n".join(lines) + "\n", _desk())


def render_desk_digest(row: Notification) -> Mail:
    data = row.payload
    items = data.get("items", [])
    since = data["since"][:16].replace("T", " ")
    # The English says "suggestion(s)" either way; languages with more plural forms choose theirs.
    count = ngettext(
        "%(count)d new suggestion(s) since %(since)s; %(open)d open.",
        "%(count)d new suggestion(s) since %(since)s; %(open)d open.",
        len(items),
    )
    lines = [count % {"count": len(items), "since": since, "open": data["open"]}, ""]
    for item in items:
        lines += [
            _("• “%(article)s” (%(category)s, now %(status)s)")
            % {"article": item["article"], "category": _category(item["category"]), "status": _status(item["status"])},
            _quote(_change(item["exact"], item["suggestion"])),
            f"  {_admin_link(item['suggestion_id'])}",
            "",
        ]
    subject = _("[%(site)s] Suggestions digest for %(day)s") % {"site": settings.SITE_NAME, "day": data["day"]}
    return Mail(subject, "\n".join(lines), _desk())


def render_reader_decision(row: Notification) -> Mail:
    ticket = SuggestionTicket.objects.filter(pk=row.recipient.removeprefix("ticket:")).first()
    if ticket is None or not ticket.email:
        raise NothingToSend("The reader's e-mail address has been erased.")
    data = row.payload
    article = _article(row)
    title = article.title if article else _("our article")
    item = Suggestion.objects.filter(id=data["suggestion_id"]).first()
    accepted = data["status"] == suggestion_domain.ACCEPTED
    lines = [
        _("Hello %(name)s,") % {"name": ticket.name} if ticket.name else _("Hello,"),
        "",
        _("Thank you for your suggestion on “%(title)s”.") % {"title": title},
    ]
    if item:
        lines += ["", _quote(_change(item.exact, item.suggestion))]
    lines += [
        "",
        _("The editors accepted it and corrected the article.")
        if accepted
        else _("The editors decided not to change this."),
    ]
    if data.get("reply"):
        lines += ["", _("Their reply:"), _quote(data["reply"])]
    status_link = _link(reverse("corrections:suggestion-status", args=[ticket.token]))
    lines += ["", _("Status: %(link)s") % {"link": status_link}]
    subject = (
        _("Your correction to “%(title)s” was accepted")
        if accepted
        else _("About your suggested correction to “%(title)s”")
    ) % {"title": title}
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
    count = len(replies)
    heading = ngettext(
        "%(count)d new reply to your comment on “%(title)s”:",
        "%(count)d new replies to your comment on “%(title)s”:",
        count,
    )
    lines = [heading % {"count": count, "title": title}, ""]
    for reply in replies:
        lines += [f"{reply.author_name}:", _quote(reply.body), f"{_article_url(reply.article)}#comment-{reply.id}", ""]
    # The subject never carries the replier's chosen name: nobody can write into someone's inbox subject line.
    subject = ngettext(
        "New reply to your comment on “%(title)s”", "New replies to your comment on “%(title)s”", count
    ) % {"title": title}
    return Mail(subject, "\n".join(lines), [author.email])


def render_comment_confirm(row: Notification) -> Mail:
    author = CommentAuthor.objects.filter(comment_id=row.payload["comment_id"]).exclude(email="").first()
    if author is None or not author.confirm_token:
        raise NothingToSend("The comment author's e-mail address has been erased.")
    link = f"{settings.SITE_URL}{reverse('corrections:comment-confirm', args=[author.confirm_token])}"
    lines = [
        _("Someone left this address with a comment on %(site)s and asked to hear about replies.")
        % {"site": settings.SITE_NAME},
        "",
        _("If it was you, confirm with one click: %(link)s") % {"link": link},
        "",
        _("If it was not you, ignore this e-mail: nothing will be sent to you."),
    ]
    subject = _("[%(site)s] Confirm your address for reply notices") % {"site": settings.SITE_NAME}
    return Mail(subject, "\n".join(lines) + "\n", [author.email])


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
        text = _("New suggestion on “%(title)s”: %(change)s") % {
            "title": title,
            "change": _change(data.get("exact", ""), data.get("suggestion", "")),
        }
    elif row.event_type == "SuggestionAccepted":
        text = _("Suggestion accepted on “%(title)s”") % {"title": title}
    else:
        text = _("Suggestion rejected on “%(title)s”") % {"title": title}
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
