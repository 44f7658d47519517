"""The unannounced-edit queue: site revisions without a note, and the notes added after the fact."""

from __future__ import annotations

from ..domain.events import ArticleRevised, Recorded, RevisionNoteAdded, RevisionNoteWaived
from ..models import Article, PublicNote, UnannouncedEdit
from . import READ_MODELS, handles


@handles("ArticleRevised")
def _revision(recorded: Recorded) -> None:
    event = recorded.event
    assert isinstance(event, ArticleRevised)
    if event.origin == "site" and not event.note:
        UnannouncedEdit.objects.create(
            article_id=recorded.stream_id, version=recorded.version, detected_at=recorded.recorded_at
        )


@handles("RevisionNoteAdded")
def _noted(recorded: Recorded) -> None:
    event = recorded.event
    assert isinstance(event, RevisionNoteAdded)
    PublicNote.objects.create(
        article_id=recorded.stream_id,
        version=recorded.version,
        kind="revision",
        note=event.note,
        issued_at=recorded.recorded_at,
    )
    _resolve(recorded, event.revision, UnannouncedEdit.NOTED, event.note)


@handles("RevisionNoteWaived")
def _waived(recorded: Recorded) -> None:
    event = recorded.event
    assert isinstance(event, RevisionNoteWaived)
    _resolve(recorded, event.revision, UnannouncedEdit.WAIVED, event.reason)


def _resolve(recorded: Recorded, revision: int, status: str, text: str) -> None:
    UnannouncedEdit.objects.filter(article_id=recorded.stream_id, version=revision).update(
        status=status, resolution=text, resolved_at=recorded.recorded_at, resolved_version=recorded.version
    )


# A child of Article: emptied before it on a rebuild.
READ_MODELS.insert(READ_MODELS.index(Article) if Article in READ_MODELS else len(READ_MODELS), UnannouncedEdit)
