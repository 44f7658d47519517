"""Erasure: everything personal about one person goes, in one transaction, and the log still verifies.

What is erased: the vault's values and salts for every personal field of their
events (so events read ``ERASED`` and a rebuild brings nothing back), the read
models that copied them (comments, the queue item's note), their tickets and
comment e-mail addresses, the outbox rows' copies, the admin's change log lines
about their comments, and for an account its names, e-mail and password. Each
article concerned gets a ``PersonalDataErased`` event saying which events and
what kinds of data, and nothing personal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .. import store
from ..domain.errors import InvalidCommand
from ..domain.privacy import ERASED, KINDS, PERSONAL_FIELDS, PersonalDataErased
from ..models import Comment, CommentAuthor, Event, FlagMark, Notification, PersonalDatum, Suggestion, SuggestionTicket

REQUESTERS = ("the person", "the desk")


@dataclass
class Erasure:
    """What an erasure touched (counts only: the report itself holds nothing personal)."""

    events: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    fields: int = 0
    tickets: int = 0
    comment_addresses: int = 0
    notifications: int = 0
    account: bool = False

    @property
    def event_count(self) -> int:
        return sum(len(versions) for versions in self.events.values())


def _comment_events(comment_ids: list[str]) -> list[tuple[str, int]]:
    rows = Event.objects.filter(type="CommentPosted", data__comment_id__in=comment_ids)
    return [(str(stream), version) for stream, version in rows.values_list("stream_id", "version")]


def _ticket_events(tickets: list[SuggestionTicket]) -> list[tuple[str, int]]:
    """The report event each ticket came with; tickets older than ``event_version`` pair with reports in order."""
    found: list[tuple[str, int]] = []
    articles = dict(
        Suggestion.objects.filter(id__in={t.suggestion_id for t in tickets}).values_list("id", "article_id")
    )
    for ticket in tickets:
        stream = articles.get(ticket.suggestion_id)
        if stream is None:
            continue
        version = ticket.event_version
        if version is None:
            reports = list(
                Event.objects.filter(
                    stream_id=stream,
                    type__in=("SuggestionReceived", "SuggestionSeconded"),
                    data__suggestion_id=str(ticket.suggestion_id),
                )
                .order_by("version")
                .values_list("version", flat=True)
            )
            siblings = list(
                SuggestionTicket.objects.filter(suggestion_id=ticket.suggestion_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            place = siblings.index(ticket.pk)
            version = reports[place] if place < len(reports) else None
        if version is not None:
            found.append((str(stream), version))
    return found


def _by_event(events: list[tuple[str, int]]) -> Q:
    query = Q(pk__in=[])
    for stream, version in events:
        query |= Q(stream_id=stream, version=version)
    return query


def _refresh_read_models(events: list[tuple[str, int]], user_id: int | None) -> None:
    """Put the erased values where the read models copied them, exactly as a rebuild would."""
    rows = Event.objects.filter(_by_event(events), type__in=("CommentPosted", "SuggestionReceived"))
    for recorded in store.records(list(rows)):
        event: Any = recorded.event
        if recorded.type == "CommentPosted":
            Comment.objects.filter(id=event.comment_id).update(
                author_name=event.author_name, body=event.body, author_user_id=event.author_user_id
            )
        else:
            Suggestion.objects.filter(id=event.suggestion_id).update(comment=event.comment)
    if user_id is not None:
        Suggestion.objects.filter(assignee_id=user_id).update(assignee=None)
        Comment.objects.filter(author_user_id=user_id).update(author_user=None)


def _scrub_outbox(events: list[tuple[str, int]], addresses: list[str]) -> int:
    """Outbox rows keep a copy of their event's data: replace its personal fields."""
    count = 0
    query = Q(pk__in=[])
    for stream, version in events:
        query |= Q(stream_id=stream, event_version=version)
    for row in Notification.objects.filter(query):
        personal = [name for name in PERSONAL_FIELDS.get(row.event_type, ()) if row.payload.get(name)]
        if personal:
            row.payload = {**row.payload, **dict.fromkeys(personal, ERASED)}
            row.save(update_fields=["payload"])
            count += 1
    for address in addresses:
        count += Notification.objects.filter(last_error__icontains=address).update(last_error=ERASED)
    return count


def _anonymise_account(user: Any) -> None:
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Token.objects.filter(user=user).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)).update(
        object_repr=user.username, change_message=""
    )


@transaction.atomic
def person_erase(
    *,
    email: str = "",
    user: Any = None,
    comment_ids: Sequence[str] = (),
    requested_by: str = "the person",
    meta: dict[str, Any],
) -> Erasure:
    """Erase everything personal about whoever used ``email`` (tickets, comments), the account ``user``,
    and the authors of ``comment_ids`` (for an anonymous comment left without an address: only that comment).
    """
    email = (email or "").strip()
    if not email and user is None and not comment_ids:
        raise InvalidCommand("Say whose data to erase: an e-mail address, an account, or both.")
    if requested_by not in REQUESTERS:
        raise InvalidCommand(f"requested_by must be one of {', '.join(REQUESTERS)}.")
    result = Erasure()
    addresses = [email] if email else []
    tickets = list(SuggestionTicket.objects.filter(email__iexact=email)) if email else []
    authors = CommentAuthor.objects.filter(email__iexact=email) if email else CommentAuthor.objects.none()
    ids = [str(c) for c in authors.values_list("comment_id", flat=True)] + [str(c) for c in comment_ids]
    if user is not None:
        if user.email:
            addresses.append(user.email)
        own = [str(c) for c in Comment.objects.filter(author_user=user).values_list("id", flat=True)]
        ids += own
    if user is not None or ids:
        authors = CommentAuthor.objects.filter(comment_id__in=ids) | authors
    events = _comment_events(ids) + _ticket_events(tickets)
    with_address = _ticket_events([t for t in tickets if t.email]) + _comment_events(
        [str(c) for c in authors.values_list("comment_id", flat=True)]
    )
    vault = PersonalDatum.objects.filter(erased_at__isnull=True).filter(
        _by_event(events) | (Q(subject=f"user:{user.pk}") if user is not None else Q(pk__in=[]))
    )
    kinds: dict[str, set[str]] = defaultdict(set)
    for stream_uuid, version, name in vault.values_list("stream_id", "version", "field"):
        result.events[str(stream_uuid)].add(version)
        kinds[str(stream_uuid)].add(KINDS.get(name, name))
    # Contact details live beside the log; the erasure event of their article says they went too.
    for stream_id, _ in with_address:
        kinds[stream_id].add("e-mail address")
    result.fields = vault.update(value=None, salt="", erased_at=timezone.now())
    touched = [(stream, v) for stream, versions in result.events.items() for v in versions]
    _refresh_read_models(touched, user.pk if user is not None else None)
    result.notifications = _scrub_outbox(touched, addresses)
    pending_to_them = [f"ticket:{t.pk}" for t in tickets] + [f"comment:{c}" for c in ids]
    Notification.objects.filter(recipient__in=pending_to_them, status=Notification.PENDING).update(
        status=Notification.SKIPPED, last_error="The recipient's data was erased."
    )
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Comment), object_id__in=ids).update(
        object_repr=ERASED, change_message=""
    )
    result.tickets = SuggestionTicket.objects.filter(pk__in=[t.pk for t in tickets]).delete()[0]
    result.comment_addresses = authors.delete()[0]
    if user is not None:
        FlagMark.objects.filter(flagger=f"user:{user.pk}").delete()
        _anonymise_account(user)
        result.account = True
    # Heads are locked in one order so that two erasures cannot deadlock.
    heads = {stream_id: store.head_of(stream_id) for stream_id in sorted(kinds)}
    for stream_id in sorted(kinds):
        head = heads[stream_id]
        erased = PersonalDataErased(
            versions=tuple(sorted(result.events.get(stream_id, set()))),
            kinds=tuple(sorted(kinds[stream_id])),
            requested_by=requested_by,
        )
        store.append(
            stream_id,
            [erased],
            expected_version=head.version if head else 0,
            head_hash=head.last_hash if head else "",
            meta=meta,
        )
    return result
