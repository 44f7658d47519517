"""An article's public history: its versions of the text, newest first, a page at a time, with their stored diffs.

A page reads its own rows of the stored projection (``TextVersion``) and two small
fields of those versions' events, never the text of every version: the page of an
article revised a thousand times costs what the first page of one revised twice does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import store
from ..domain.events import RevisionNoteAdded, RevisionNoteWaived
from ..domain.state import ArticleState, fold_text
from ..models import Article, Event, TextVersion
from .articles import VersionDiff, _stored_diff, _text_events, article_get, diff_states

#: Versions of the text on one page of the history.
PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    number: int  # the text's own version, 1, 2, 3…: what readers see (comments and reports share the log)
    type: str
    kind: str
    note: str
    announced: bool
    recorded_at: Any
    diff: VersionDiff | None
    #: A silent change the desk made by accepting a reader's report (a typo fixed without a public note).
    reader_fix: bool = False
    origin: str = "editor"
    #: When the note of an unannounced edit was added after the fact (None: it came with the edit).
    note_added_at: Any = None
    #: The desk reviewed an unannounced edit and decided it needed no note.
    waived: bool = False


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    total: int  # versions of the text in all
    number: int  # this page's number, from 1 (the newest versions)
    pages: int

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def older(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass(frozen=True)
class _Answer:
    event: Any
    recorded_at: Any

    @property
    def note(self) -> str:
        return str(getattr(self.event, "note", ""))


def _answers_to_unannounced(article: Article) -> dict[int, _Answer]:
    """The desk's answers (a late note, or none needed) to unannounced edits, by the edit's version."""
    rows = Event.objects.filter(stream_id=article.id, type__in=["RevisionNoteAdded", "RevisionNoteWaived"])
    answers = {}
    for row in rows.order_by("version"):
        recorded = store.to_recorded(row)
        answers[recorded.event.revision] = _Answer(recorded.event, recorded.recorded_at)  # type: ignore[attr-defined]
    return answers


KINDS = {"ArticlePublished": "published", "ArticleRevised": "revision", "ArticleRetracted": "retraction"}


def _entry(
    version: int,
    number: int,
    type_: str,
    kind: str,
    note: str,
    recorded_at: Any,
    diff: VersionDiff | None,
    *,
    suggestion_id: Any,
    origin: str | None,
    answer: _Answer | None,
) -> HistoryEntry:
    late_note = answer.note if answer is not None and isinstance(answer.event, RevisionNoteAdded) else ""
    return HistoryEntry(
        version=version,
        number=number,
        type=type_,
        kind=kind,
        note=note or late_note,
        announced=bool(note or late_note) or type_ == "ArticlePublished",
        recorded_at=recorded_at,
        diff=diff,
        reader_fix=bool(suggestion_id),
        origin=origin or "editor",
        note_added_at=answer.recorded_at if answer is not None and late_note else None,
        waived=answer is not None and isinstance(answer.event, RevisionNoteWaived),
    )


def article_history(slug: str, *, page: int = 1, at_version: int | None = None) -> HistoryPage:
    """One page of the versions of the text, newest first: the ``page``-th, or the one showing ``at_version``."""
    article = article_get(slug)
    rows = TextVersion.objects.filter(article=article)
    total = rows.count()
    if rows.order_by("version").values_list("type", flat=True).first() != "ArticlePublished":
        # Some versions predate the stored diffs (until rebuild_projections fills them): fold them all, one page.
        entries = _folded(article)
        return HistoryPage(entries, len(entries), 1, 1)
    pages = max(1, -(-total // PAGE_SIZE))
    if at_version is not None:
        page = rows.filter(version__gt=at_version).count() // PAGE_SIZE + 1
    page = min(max(page, 1), pages)
    skip = (page - 1) * PAGE_SIZE
    shown = list(rows.order_by("-version")[skip : skip + PAGE_SIZE])
    # Whether a version fixed a reader's report, and where an edit came from: two fields, not the whole text.
    facts = {
        version: (suggestion_id, origin)
        for version, suggestion_id, origin in Event.objects.filter(
            stream_id=article.id, version__in=[row.version for row in shown]
        ).values_list("version", "data__suggestion_id", "data__origin")
    }
    answers = _answers_to_unannounced(article)
    entries = [
        _entry(
            row.version,
            total - skip - offset,
            row.type,
            row.kind,
            row.note,
            row.recorded_at,
            _stored_diff(row, row.from_version, row.version) if row.from_version is not None else None,
            suggestion_id=facts[row.version][0],
            origin=facts[row.version][1],
            answer=answers.get(row.version),
        )
        for offset, row in enumerate(shown)
    ]
    return HistoryPage(entries, total, page, pages)


def _folded(article: Article) -> list[HistoryEntry]:
    """Every version, newest first, folded from the log; diffs stored where they are, computed (bounded) where not."""
    stored = {row.version: row for row in TextVersion.objects.filter(article=article)}
    answers = _answers_to_unannounced(article)
    entries: list[HistoryEntry] = []
    previous = ArticleState()
    for number, recorded in enumerate(_text_events(article), start=1):
        current = fold_text([recorded], state=previous)
        event = recorded.event
        row = stored.get(recorded.version)
        if row is not None:
            diff = _stored_diff(row, row.from_version, row.version) if row.from_version is not None else None
        else:
            diff = diff_states(previous, current) if previous.exists else None
        entries.append(
            _entry(
                recorded.version,
                number,
                recorded.type,
                getattr(event, "kind", None) or KINDS[recorded.type],
                getattr(event, "note", "") or "",
                recorded.recorded_at,
                diff,
                suggestion_id=getattr(event, "suggestion_id", None),
                origin=getattr(event, "origin", None),
                answer=answers.get(recorded.version),
            )
        )
        previous = current
    return list(reversed(entries))
