"""Article selectors: listings read the projections; time travel folds the log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .. import store, vault
from ..domain import diff as text_diff
from ..domain.errors import NotFound
from ..domain.events import TEXT_CHANGING, Recorded
from ..domain.state import ArticleState, fold_text
from ..models import Article, Event, PublicNote, TextVersion


def article_list() -> QuerySet[Article]:
    return Article.objects.prefetch_related(Prefetch("notes", queryset=PublicNote.objects.order_by("version")))


def article_get(slug: str) -> Article:
    article = article_list().filter(slug=slug).first()
    if article is None:
        raise NotFound(f"No article with the slug “{slug}”.")
    return article


def article_events(slug: str) -> QuerySet[Event]:
    return Event.objects.filter(stream_id=article_get(slug).id).order_by("version")


def public_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """An event's meta as the public may see it: the kind of actor, never who."""
    return {"actor": {"kind": meta.get("actor", {}).get("kind", "system")}}


#: Per event type, what the public log may show of an event's data (default: all of it).
#: A redactor gets the row and returns the data to show.
PUBLIC_DATA: dict[str, Callable[[Event], dict[str, Any]]] = {}


def public_data(row: Event) -> dict[str, Any]:
    redact = PUBLIC_DATA.get(row.type)
    return redact(row) if redact else row.data


#: Hooks that see a whole page of log rows before it is shown, so that a redactor can look
#: up what it needs once per page (and note it on the rows) instead of once per row.
PUBLIC_PAGE_HOOKS: list[Callable[[Sequence[Event]], None]] = [vault.open_rows]


def events_opened(rows: Sequence[Event]) -> list[Event]:
    """For editors: log rows with their personal fields opened from the vault, in one query (display only)."""
    rows = list(rows)
    vault.open_rows(rows)
    return rows


def public_page(rows: Sequence[Event]) -> list[Event]:
    rows = list(rows)
    for hook in PUBLIC_PAGE_HOOKS:
        hook(rows)
    return rows


def _text_events(article: Article, upto: int | None = None) -> list[Recorded]:
    rows = Event.objects.filter(stream_id=article.id, type__in=sorted(TEXT_CHANGING)).order_by("version")
    if upto is not None:
        rows = rows.filter(version__lte=upto)
    return store.records(list(rows))


def _check_version(article: Article, version: int) -> None:
    if not 1 <= version <= article.version:
        raise NotFound(f"Version {version} does not exist; this article has versions 1 to {article.version}.")


def article_at_version(slug: str, version: int) -> ArticleState:
    """Time travel: the article as it stood at ``version``."""
    article = article_get(slug)
    _check_version(article, version)
    return fold_text(_text_events(article, upto=version), upto=version)


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    to_version: int
    title_before: str
    title_after: str
    ops: list[text_diff.DiffOp]
    unified: str
    coarse: bool = False  # some changes shown by paragraph: the diff's cost bound was reached


def diff_states(before: ArticleState, after: ArticleState) -> VersionDiff:
    diff = text_diff.diff_text(before.body, after.body)
    return VersionDiff(
        from_version=before.version,
        to_version=after.version,
        title_before=before.title,
        title_after=after.title,
        ops=diff.ops,
        unified=text_diff.unified(before.body, after.body, f"version {before.version}", f"version {after.version}"),
        coarse=diff.coarse,
    )


def _stored_diff(row: TextVersion, from_version: int, to_version: int) -> VersionDiff:
    return VersionDiff(
        from_version=from_version,
        to_version=to_version,
        title_before=row.title_before,
        title_after=row.title_after,
        ops=[text_diff.DiffOp(op, text) for op, text in row.ops],
        unified=row.unified.replace(f"--- version {row.from_version}\n", f"--- version {from_version}\n", 1).replace(
            f"+++ version {row.version}\n", f"+++ version {to_version}\n", 1
        ),
        coarse=row.coarse,
    )


def article_diff(slug: str, from_version: int, to_version: int) -> VersionDiff:
    """The diff between two versions: stored when they are one text change apart, else computed (bounded)."""
    article = article_get(slug)
    _check_version(article, from_version)
    _check_version(article, to_version)
    stored = (
        TextVersion.objects.filter(article=article, version__lte=to_version).order_by("-version").first()
        if from_version < to_version
        else None
    )
    # The text at to_version is that of the last text version at or before it; one change after from_version.
    if stored is not None and stored.from_version is not None and stored.from_version <= from_version < stored.version:
        return _stored_diff(stored, from_version, to_version)
    events = _text_events(article, upto=max(from_version, to_version))
    return diff_states(fold_text(events, upto=from_version), fold_text(events, upto=to_version))


def history_etag(article: Article, *parts: object) -> str:
    """An ETag for what a history or diff shows: it changes only when the text does."""
    return '"' + ":".join(str(part) for part in (article.id, article.text_version, *parts)) + '"'
