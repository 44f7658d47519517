"""Review services: editors assign, accept, reject and close duplicates of reader suggestions.

Every transition is an event on the article's stream, appended under the
stream's head lock so that two editors acting on one article queue up and the
second one sees what the first did.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from .. import store
from ..domain import review
from ..domain.errors import InvalidCommand, NotFound
from ..domain.events import Recorded
from ..domain.text import parse_id
from ..models import Article, Suggestion
from ..roles import is_editor
from .articles import append_after, lock_article_by_id, with_reanchoring


def _find(suggestion_id: uuid.UUID | str) -> Suggestion | None:
    try:
        key = uuid.UUID(str(suggestion_id))
    except ValueError:
        return None
    return Suggestion.objects.filter(id=key).first()


def lock_suggestion(suggestion_id: uuid.UUID | str) -> tuple[Article, store.Head, Suggestion]:
    """Lock the suggestion's article stream for this transaction; the rows returned are then current."""
    row = _find(suggestion_id)
    if row is None:
        raise NotFound("No suggestion with that id.")
    article, head = lock_article_by_id(row.article_id)
    row.refresh_from_db()
    return article, head, row


def find_editor(editor: AbstractBaseUser | AnonymousUser | int | str) -> AbstractBaseUser:
    """An active user with the desk permission, by user object, id or username."""
    users = get_user_model().objects.filter(is_active=True)
    user: AbstractBaseUser | None
    if isinstance(editor, AnonymousUser):
        user = None
    elif isinstance(editor, get_user_model()):
        user = editor
    else:
        number = parse_id(editor)
        user = users.filter(pk=number).first() if number is not None else None
        user = user or users.filter(username=str(editor)[:150]).first()
    # One message whether the account is missing or not an editor, so an id never reveals who is behind it.
    if user is None or not is_editor(user):
        raise InvalidCommand(f"There is no editor “{editor}”; only active editors can be assigned.", field="editor")
    return user


@transaction.atomic
def suggestion_assign(
    *, suggestion_id: uuid.UUID | str, editor: AbstractBaseUser | AnonymousUser | int | str, meta: dict[str, Any]
) -> Recorded:
    """Assign the suggestion to an editor (a user, an id or a username)."""
    user = find_editor(editor)
    article, head, row = lock_suggestion(suggestion_id)
    events = review.assign(row.as_state(), assignee_id=user.pk, assignee=user.get_username())
    return append_after(head, events, meta=meta, loaded=[article, row, user])[0]


@transaction.atomic
def suggestion_accept(
    *,
    suggestion_id: uuid.UUID | str,
    expected_version: int,
    replacement: str | None = None,
    kind: str | None = None,
    note: str = "",
    reply: str = "",
    meta: dict[str, Any],
) -> list[Recorded]:
    """Accept the suggestion: ``SuggestionAccepted`` and the ``CorrectionIssued`` it makes, in one append.

    ``expected_version`` guards the text exactly as an article revision does: if
    the text changed after it, ``StaleVersion`` (409) and nothing is written.
    """
    article, head, row = lock_suggestion(suggestion_id)
    events = review.accept(
        article.as_state(),
        row.as_state(),
        expected_version=expected_version,
        replacement=replacement,
        kind=kind,
        note=note,
        reply=reply,
    )
    return append_after(head, with_reanchoring(article, events), meta=meta, loaded=[article, row])


@transaction.atomic
def suggestion_reject(
    *, suggestion_id: uuid.UUID | str, reason: str, reply: str = "", meta: dict[str, Any]
) -> Recorded:
    """Reject the suggestion with an internal reason and an optional public reply to the reader."""
    article, head, row = lock_suggestion(suggestion_id)
    events = review.reject(row.as_state(), reason=reason, reply=reply)
    return append_after(head, events, meta=meta, loaded=[article, row])[0]


@transaction.atomic
def suggestion_mark_duplicate(*, suggestion_id: uuid.UUID | str, of: uuid.UUID | str, meta: dict[str, Any]) -> Recorded:
    """Close the suggestion as a duplicate of another one on the same article."""
    article, head, row = lock_suggestion(suggestion_id)
    original = _find(of)
    events = review.mark_duplicate(
        row.as_state(), original.as_state() if original else None, of=str(original.id if original else of)
    )
    known = [article, row, *([original] if original else [])]
    return append_after(head, events, meta=meta, loaded=known)[0]
