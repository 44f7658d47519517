"""The unannounced-edit queue: site revisions without a note, and the notes added after the fact."""

from __future__ import annotations

from ..domain.events import ArticleRevised, Recorded, RevisionNoteAdded, RevisionNoteWaived
from ..models import PublicNote, UnannouncedEdit
from . import handles


@handles("ArticleRevised")
def unannounced_edit_detected(recorded: Recorded) -> None:
    event = recorded.event
    assert isinstance(event, ArticleRevised)
    if event.origin == "site" and not event.note:
        UnannouncedEdit.objects.create(
            article_id=recorded.stream_id, version=recorded.version, detected_at=recorded.recorded_at
        )


@handles("RevisionNoteAdded")
def revision_note_added(recorded: Recorded) -> None:
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
def revision_note_waived(recorded: Recorded) -> None:
    event = recorded.event
    assert isinstance(event, RevisionNoteWaived)
    _resolve(recorded, event.revision, UnannouncedEdit.WAIVED, event.reason)


def _resolve(recorded: Recorded, revision: int, status: str, text: str) -> None:
    UnannouncedEdit.objects.filter(article_id=recorded.stream_id, version=revision).update(
        status=status, resolution=text, resolved_at=recorded.recorded_at, resolved_version=recorded.version
    )
