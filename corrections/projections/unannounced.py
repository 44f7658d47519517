"""The unannounced-edit queue: site revisions without a note, and the notes added after the fact."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.events import ArticleRevised, Recorded, RevisionNoteAdded, RevisionNoteWaived
from ..models import PublicNote, UnannouncedEdit
from . import handles, needs
from .batch import Batch, Want


def _edit_needs(recorded: Recorded) -> Iterable[Want]:
    revision = recorded.event.revision  # type: ignore[attr-defined]
    yield Want(UnannouncedEdit, "article_id", recorded.stream_id, where=f"version = {int(revision)}")


@handles("ArticleRevised")
def unannounced_edit_detected(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(ArticleRevised)
    if event.origin == "site" and not event.note:
        batch.add(
            UnannouncedEdit,
            {
                "article_id": recorded.stream_id,
                "version": recorded.version,
                "status": UnannouncedEdit.OPEN,
                "detected_at": recorded.recorded_at,
                "resolution": "",
                "resolved_at": None,
                "resolved_version": None,
            },
        )


@needs(_edit_needs)
@handles("RevisionNoteAdded")
def revision_note_added(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(RevisionNoteAdded)
    batch.add(
        PublicNote,
        {
            "article_id": recorded.stream_id,
            "version": recorded.version,
            "kind": "revision",
            "note": event.note,
            "issued_at": recorded.recorded_at,
        },
    )
    _resolve(batch, recorded, event.revision, UnannouncedEdit.NOTED, event.note)


@needs(_edit_needs)
@handles("RevisionNoteWaived")
def revision_note_waived(batch: Batch, recorded: Recorded) -> None:
    event = recorded.event_as(RevisionNoteWaived)
    _resolve(batch, recorded, event.revision, UnannouncedEdit.WAIVED, event.reason)


def _resolve(batch: Batch, recorded: Recorded, revision: int, status: str, text: str) -> None:
    for row in batch.having(UnannouncedEdit, "article_id", recorded.stream_id):
        if row["version"] == revision:
            batch.change(
                UnannouncedEdit,
                row,
                status=status,
                resolution=text,
                resolved_at=recorded.recorded_at,
                resolved_version=recorded.version,
            )
