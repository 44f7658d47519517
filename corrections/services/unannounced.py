"""The desk's answer to an unannounced edit from the site: a public note after the fact, or none needed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import store
from ..domain import unannounced
from ..domain.errors import InvalidCommand, NotFound
from ..domain.events import Recorded
from ..models import Article, UnannouncedEdit
from .articles import append_after, lock_article_by_id


def _open_edit(edit_id: int) -> tuple[UnannouncedEdit, Article, store.Head]:
    """The edit, its article and the article's head, the stream locked; refused if the desk already answered."""
    edit = UnannouncedEdit.objects.filter(id=edit_id).first()
    if edit is None:
        raise NotFound(f"No unannounced edit with the id {edit_id}.")
    article, head = lock_article_by_id(edit.article_id)
    edit.refresh_from_db()
    if edit.status != UnannouncedEdit.OPEN:
        raise InvalidCommand(f"This edit was already answered ({edit.get_status_display().lower()}).")
    return edit, article, head


@transaction.atomic
def unannounced_note_add(*, edit_id: int, note: str, meta: dict[str, Any]) -> Recorded:
    """Attach a public note to a site revision that came without one; readers see it in the history."""
    edit, article, head = _open_edit(edit_id)
    events = unannounced.add_revision_note(article.as_state(), revision=edit.version, note=note)
    return append_after(head, events, meta=meta, loaded=[article])[0]


@transaction.atomic
def unannounced_waive(*, edit_id: int, reason: str = "", meta: dict[str, Any]) -> Recorded:
    """Mark a site revision as needing no public note (a typo, a style fix)."""
    edit, article, head = _open_edit(edit_id)
    events = unannounced.waive_revision_note(article.as_state(), revision=edit.version, reason=reason)
    return append_after(head, events, meta=meta, loaded=[article])[0]
