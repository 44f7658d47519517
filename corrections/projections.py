"""Inline projections: read models updated in the same transaction as the append.

Each projector is registered for the event types it handles. ``rebuild``
wipes every read model and replays the whole log through the same projectors,
so a rebuild and the inline updates cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import models, transaction

from .domain import state as article_state
from .domain.events import Recorded
from .models import Article, PublicNote

Projector = Callable[[Recorded], None]

PROJECTORS: dict[str, list[Projector]] = defaultdict(list)
#: Projectors that see every event, whatever its type.
ALWAYS: list[Projector] = []
#: Read models that a rebuild empties, children before parents.
READ_MODELS: list[type[models.Model]] = []


def handles(*types: str) -> Callable[[Projector], Projector]:
    def register(fn: Projector) -> Projector:
        for name in types:
            PROJECTORS[name].append(fn)
        return fn

    return register


def read_model(model: type[models.Model]) -> type[models.Model]:
    """Declare a read model that ``rebuild`` must empty first (register children before parents)."""
    READ_MODELS.append(model)
    return model


def project(recorded: Recorded) -> None:
    for projector in ALWAYS:
        projector(recorded)
    for projector in PROJECTORS.get(recorded.type, ()):
        projector(recorded)


@transaction.atomic
def rebuild(events: Iterable[Recorded]) -> int:
    """Empty every read model and replay ``events`` (in global order); return how many."""
    for model in READ_MODELS:
        model.objects.all().delete()
    count = 0
    for recorded in events:
        project(recorded)
        count += 1
    return count


# --- Articles ---------------------------------------------------------------------


def _article_version(recorded: Recorded) -> None:
    """Every event moves the article's version on, text-changing or not."""
    if not recorded.event.changes_text:
        Article.objects.filter(id=recorded.stream_id).update(version=recorded.version)


ALWAYS.append(_article_version)


@handles("ArticlePublished", "ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def _article_text(recorded: Recorded) -> None:
    """Fold the event into the article row with the domain's own ``apply``."""
    article = Article.objects.filter(id=recorded.stream_id).first()
    before = article.as_state() if article else article_state.ArticleState()
    after = article_state.apply(before, recorded)
    if article is None:
        article = Article(id=recorded.stream_id)
    for name in ("slug", "title", "body", "byline", "status", "version", "text_version", "published_at", "updated_at"):
        setattr(article, name, getattr(after, name))
    article.save()
    for note in after.notes:
        PublicNote.objects.create(
            article=article, version=note.version, kind=note.kind, note=note.note, issued_at=note.issued_at
        )


read_model(PublicNote)
read_model(Article)
