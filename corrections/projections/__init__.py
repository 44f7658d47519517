"""Read models projected from the log: inline in the append's transaction, or all at once by a rebuild.

Each projector declares the event types it handles (``@handles``) and, with
``@needs``, which existing rows it will read; it folds one event into the rows
of a ``Batch`` (``batch.py``), in memory, and the batch loads those rows up
front in a few queries. Which projectors run, and in what order, is the one
explicit list that ``corrections.registry`` passes to ``configure`` when the
app is ready; nothing registers itself by being imported. Inline appends and
``rebuild`` run the same projectors on the same engine, so they cannot drift
apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import models

from ..domain.errors import OutOfOrderEvent
from ..domain.events import Recorded
from ..models import Article
from .batch import LIVE, Batch, Tables, Want

Projector = Callable[[Batch, Recorded], None]
Needs = Callable[[Recorded], Iterable[Want]]

#: ``@handles(EVERY)``: the projector sees every event, whatever its type.
EVERY = "*"

PROJECTORS: dict[str, list[Projector]] = defaultdict(list)
#: Projectors that see every event, whatever its type (run first).
ALWAYS: list[Projector] = []
NEEDS: dict[str, list[Needs]] = defaultdict(list)
#: Every read model, parents before children (the order new rows are written in; a rebuild empties them in reverse).
READ_MODELS: list[type[models.Model]] = []
#: The read model whose row per stream carries the stream's version: the projections' own head.
HEAD_MODEL = Article


def handles(*types: str) -> Callable[[Projector], Projector]:
    """Declare the event types a projector handles (``EVERY`` for all of them)."""

    def declare(fn: Projector) -> Projector:
        fn.event_types = types  # type: ignore[attr-defined]
        return fn

    return declare


def needs(*loaders: Needs) -> Callable[[Projector], Projector]:
    """Declare the rows a projector reads: each loader names them (``Want``) for one of its events."""

    def declare(fn: Projector) -> Projector:
        fn.needs = (*getattr(fn, "needs", ()), *loaders)  # type: ignore[attr-defined]
        return fn

    return declare


def configure(projectors: Sequence[Projector], *, read_models: Sequence[type[models.Model]]) -> None:
    """Install the projectors, run in the order given, and the read models (parents first)."""
    PROJECTORS.clear()
    ALWAYS.clear()
    NEEDS.clear()
    for projector in projectors:
        types = getattr(projector, "event_types", None)
        if not types:
            raise TypeError(f"{projector.__qualname__} does not say which events it handles (@handles).")
        loaders = getattr(projector, "needs", ())
        if EVERY in types:
            ALWAYS.append(projector)
            continue
        for name in types:
            PROJECTORS[name].append(projector)
            NEEDS[name].extend(loader for loader in loaders if loader not in NEEDS[name])
    READ_MODELS[:] = read_models


def wants(events: Iterable[Recorded]) -> list[Want]:
    found: list[Want] = []
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
        for projector in ALWAYS:
            projector(batch, recorded)
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
