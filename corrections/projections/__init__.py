"""Inline projections: read models updated in the same transaction as the append.

Each projector is registered for the event types it handles. ``rebuild``
wipes every read model and replays the whole log through the same projectors,
so a rebuild and the inline updates cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import models, transaction

from ..domain.events import Recorded

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


# Importing the projector modules registers them (each puts its read models before their parents').
from . import articles, comments, history, review, suggestions  # noqa: E402, F401
