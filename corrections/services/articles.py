"""Article services: publish, revise, correct, retract."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from django.db import IntegrityError, models, transaction

from .. import store
from ..domain import commands, reanchoring
from ..domain.errors import NotFound, OutOfOrderEvent, SlugTaken, StreamMoved
from ..domain.events import Event, Recorded
from ..domain.remap import DELETED
from ..domain.suggestions import OPEN_STATUSES
from ..models import Article, Suggestion

T = TypeVar("T")
P = ParamSpec("P")


def lock_article(slug: str, *, recent: bool = False) -> tuple[Article, store.Head]:
    """The article and its stream's head, read and locked in one query; both are then current.

    With ``recent``, as this process last wrote them if it did (``store.locked``): the append checks the head.
    """
    found = store.locked(Article, "slug", slug, recent=recent)
    if found is None:
        raise NotFound(f"No article with the slug “{slug}”.")
    return _in_step(*found)


def lock_article_by_id(article_id: uuid.UUID | str) -> tuple[Article, store.Head]:
    found = store.locked(Article, "id", article_id)
    if found is None:
        raise NotFound("No such article.")
    return _in_step(*found)


def optimistically(command: Callable[P, T]) -> Callable[P, T]:
    """A command run first from the article as this process last wrote it (``recent=True``: no locked read);
    if another process has appended since, the head check refuses it whole and it runs again under the lock."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **{**kwargs, "recent": True})  # type: ignore[arg-type]
        except StreamMoved:
            return command(*args, **{**kwargs, "recent": False})  # type: ignore[arg-type]

    return run


def _in_step(article: Article, head: store.Head) -> tuple[Article, store.Head]:
    if article.version != head.version:
        # Under the lock the read model must be at the head: if not, a rebuild or a bug left it behind.
        raise OutOfOrderEvent(f"Article {article.id} is at version {article.version}, its log at {head.version}.")
    return article, head


def append_after(
    head: store.Head, events: Sequence[Event], *, meta: dict[str, Any], loaded: Sequence[models.Model] = ()
) -> list[Recorded]:
    """Append where the caller read the head (``expected_version``); ``loaded`` spares the projections a read."""
    return store.append(
        head.stream_id, events, expected_version=head.version, head_hash=head.last_hash, meta=meta, loaded=loaded
    )


def with_reanchoring(article: Article, events: Sequence[Event]) -> list[Event]:
    """The command's events, then a ``SuggestionReanchored`` for each open report its text change moves or changes."""
    if not any(event.changes_text for event in events):
        return list(events)
    rows = Suggestion.objects.filter(article_id=article.id, status__in=OPEN_STATUSES).exclude(anchor_state=DELETED)
    return reanchoring.with_reanchoring(article.as_state(), events, [row.as_state() for row in rows])


def article_publish(
    *,
    slug: str,
    title: str,
    body: str,
    byline: str = "",
    first_published: datetime | None = None,
    meta: dict[str, Any],
) -> Recorded:
    stated = first_published.isoformat() if first_published else None
    events = commands.publish(slug=slug, title=title, body=body, byline=byline, first_published=stated)
    taken = SlugTaken(f"The slug “{slug}” is already taken by another article; choose another.", slug=slug)
    if Article.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            return store.append(uuid.uuid4(), events, expected_version=0, head_hash="", meta=meta)[0]
    except IntegrityError as error:
        # Two publishes of one slug at once: the projection's UNIQUE(slug) lets one win.
        raise taken from error


@transaction.atomic
def article_revise(
    *,
    slug: str,
    expected_version: int,
    title: str | None = None,
    body: str | None = None,
    note: str = "",
    origin: str = "editor",
    meta: dict[str, Any],
) -> Recorded:
    article, head = lock_article(slug)
    events = commands.revise(
        article.as_state(), expected_version=expected_version, title=title, body=body, note=note, origin=origin
    )
    return append_after(head, with_reanchoring(article, events), meta=meta, loaded=[article])[0]


@transaction.atomic
def correction_issue(
    *,
    slug: str,
    expected_version: int,
    kind: str,
    note: str,
    changes: Sequence[commands.ChangeRequest] = (),
    suggestion_id: str | None = None,
    meta: dict[str, Any],
) -> Recorded:
    article, head = lock_article(slug)
    events = commands.issue_correction(
        article.as_state(),
        expected_version=expected_version,
        kind=kind,
        note=note,
        changes=changes,
        suggestion_id=suggestion_id,
    )
    return append_after(head, with_reanchoring(article, events), meta=meta, loaded=[article])[0]


@transaction.atomic
def article_retract(*, slug: str, expected_version: int, note: str, meta: dict[str, Any]) -> Recorded:
    article, head = lock_article(slug)
    events = commands.retract(article.as_state(), expected_version=expected_version, note=note)
    return append_after(head, events, meta=meta, loaded=[article])[0]
