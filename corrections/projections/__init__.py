"""Inline projections: read models updated in the same transaction as the append.

Each projector declares the event types it handles (``@handles``); which
projectors run, and in what order, is the one explicit list that
``corrections.registry`` passes to ``configure`` when the app is ready.
``rebuild`` wipes every read model and replays the whole log through the same
projectors, so a rebuild and the inline updates cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import models, transaction

from ..domain.events import Recorded

Projector = Callable[[Recorded], None]

#: ``@handles(EVERY)``: the projector sees every event, whatever its type.
EVERY = "*"

PROJECTORS: dict[str, list[Projector]] = defaultdict(list)
#: Projectors that see every event, whatever its type (run first).
ALWAYS: list[Projector] = []
#: Read models that a rebuild empties, children before parents.
READ_MODELS: list[type[models.Model]] = []


def handles(*types: str) -> Callable[[Projector], Projector]:
    """Declare the event types a projector handles (``EVERY`` for all of them)."""

    def declare(fn: Projector) -> Projector:
        fn.event_types = types  # type: ignore[attr-defined]
        return fn

    return declare


def configure(projectors: Sequence[Projector], *, read_models: Sequence[type[models.Model]]) -> None:
    """Install the projectors, run in the order given, and the read models a rebuild empties (children first)."""
    PROJECTORS.clear()
    ALWAYS.clear()
    for projector in projectors:
        types = getattr(projector, "event_types", None)
        if not types:
            raise TypeError(f"{projector.__qualname__} does not say which events it handles (@handles).")
        if EVERY in types:
            ALWAYS.append(projector)
            continue
        for name in types:
            PROJECTORS[name].append(projector)
    READ_MODELS[:] = read_models


def project(recorded: Recorded) -> None:
    for projector in ALWAYS:
        projector(recorded)
    for projector in PROJECTORS.get(recorded.type, ()):
        projector(recorded)


@transaction.atomic
def rebuild(events: Iterable[Recorded]) -> int:
    """Empty every read model and replay ``events`` (in global order); return how many."""
    for model in READ_MODELS:
        model._default_manager.all().delete()
    count = 0
    for recorded in events:
        project(recorded)
        count += 1
    return count
