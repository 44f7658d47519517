"""Article projections: the current article row and its public notes."""

from __future__ import annotations

from ..domain import state as article_state
from ..domain.events import Recorded
from ..models import Article, PublicNote
from . import EVERY, handles


@handles(EVERY)
def article_version(recorded: Recorded) -> None:
    """Every event moves the article's version on, text-changing or not."""
    if not recorded.event.changes_text:
        Article.objects.filter(id=recorded.stream_id).update(version=recorded.version)


@handles("ArticlePublished", "ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def article_text(recorded: Recorded) -> None:
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
