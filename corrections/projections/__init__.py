"""Read models projected from the log: inline in the append's transaction, or all at once by a rebuild.

A projector is registered for the event types it handles and folds one event
into the rows of a ``Batch`` (``batch.py``), in memory; a ``needs`` function
says which existing rows it will read, so the batch loads them up front in a few
queries. Inline appends and ``rebuild`` run the same projectors on the same
engine, so they cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import models

from ..domain.errors import OutOfOrderEvent
from ..domain.events import Recorded
from ..models import Article, Comment, PublicNote, Suggestion
from .batch import LIVE, Batch, Tables, Want

Projector = Callable[[Batch, Recorded], None]
Needs = Callable[[Recorded], Iterable[Want]]

PROJECTORS: dict[str, list[Projector]] = defaultdict(list)
NEEDS: dict[str, list[Needs]] = defaultdict(list)
#: Every read model, parents before children (the order new rows are written in).
READ_MODELS: list[type[models.Model]] = [Article, PublicNote, Comment, Suggestion]
#: The read model whose row per stream carries the stream's version: the projections' own head.
HEAD_MODEL = Article


def handles(*types: str) -> Callable[[Projector], Projector]:
    def register(fn: Projector) -> Projector:
        for name in types:
            PROJECTORS[name].append(fn)
        return fn

    return register


def needs(*types: str) -> Callable[[Needs], Needs]:
    def register(fn: Needs) -> Needs:
        for name in types:
            NEEDS[name].append(fn)
        return fn

    return register


def wants(events: Iterable[Recorded]) -> list[Want]:
    found = []
    streams = set()
    for recorded in events:
        streams.add(recorded.stream_id)
        for fn in NEEDS.get(recorded.type, ()):
            found.extend(fn(recorded))
    return [Want(HEAD_MODEL, "id", stream) for stream in streams] + found


def run(batch: Batch, *, skip_gaps: bool = False) -> set[str]:
    """Fold the batch's events into its rows; return the streams held back because an event was missing.

    Inline, an event that does not follow its article's version means the read
    model is out of step with the log: our fault, so ``OutOfOrderEvent`` (a 500).
    A rebuild (``skip_gaps``) instead leaves such a stream for its catch-up: a
    later position can commit before an earlier one.
    """
    batch.load(wants(batch.events))
    held: set[str] = set()
    for recorded in batch.events:
        if recorded.stream_id in held:
            continue
        head = batch.get(HEAD_MODEL, recorded.stream_id)
        # Only a text-changing event (the publish) can start a stream's read model.
        starts = head is None and recorded.event.changes_text
        if (head["version"] if head else 0) != recorded.version - 1 or (head is None and not starts):
            if not skip_gaps:
                raise OutOfOrderEvent(
                    f"Read model of {recorded.stream_id} is at version {head['version'] if head else 0}, "
                    f"the log appends version {recorded.version}."
                )
            held.add(recorded.stream_id)
            continue
        if head is not None and not recorded.event.changes_text:
            batch.change(HEAD_MODEL, head, version=recorded.version)
        for projector in PROJECTORS.get(recorded.type, ()):
            projector(batch, recorded)
    return held


def prepare(events: Sequence[Recorded], *, loaded: Iterable[models.Model] = (), tables: Tables = LIVE) -> Batch:
    """Fold one append's events into read-model rows in memory; ``batch.flush(READ_MODELS)`` writes them."""
    batch = Batch(events, tables=tables, loaded=loaded)
    run(batch)
    return batch


def project(events: Sequence[Recorded], *, loaded: Iterable[models.Model] = (), tables: Tables = LIVE) -> None:
    """Apply one append's events to the read models, in its transaction."""
    prepare(events, loaded=loaded, tables=tables).flush(READ_MODELS)


# Importing the projector modules registers them; the article's come first (the others read its new text).
from . import articles, comments, review, suggestions  # noqa: E402, F401
