"""What this process remembers of the streams it appended to last, so the next append need not read first.

Per process, each stream's head and its head-model row (``projections.HEAD_MODEL``)
as this process last committed them, most recent last, and which stream a caller's
lookup (a slug) found. An entry is only a guess: an append from it moves the head
only if no other process has moved it since, else ``StreamMoved`` and the caller
reads again under the lock (``services.articles.optimistically``). A stream found
moved is *contended* for a while: on a hot article another process has nearly
always appended since this one did, and a refused guess costs a whole command, so
its head is read under the lock until the article calms down.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)
Key = tuple[str, str, str]  # (model label, column, value) as a caller looked a stream up

SIZE = 1_000  # rows hold the article text: ~1,000 recent articles per process is plenty (hot ones are few)
_RECENT: OrderedDict[str, tuple[dict[str, Any], Head]] = OrderedDict()
_KEYS: dict[Key, str] = {}
#: Stream → until when (``time.monotonic()``) its head is read under the lock rather than recalled.
_CONTENDED: dict[str, float] = {}
CONTENDED_SECONDS = 5.0
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Head:
    """Where a stream stood when its caller read it: the version to append after and the hash to chain from."""

    stream_id: uuid.UUID
    version: int
    last_hash: str


def note(key: Key, stream_id: Any) -> None:
    """The stream a lookup found (slugs never move to another article)."""
    _KEYS[key] = str(stream_id)


def recall(model: type[M], key: Key) -> tuple[M, Head] | None:
    """The row and head remembered for the stream a lookup found before, if any."""
    stream = _KEYS.get(key)
    found = _RECENT.get(stream) if stream is not None and not _contended(stream) else None
    if found is None:
        return None
    row, head = found
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, [row[name] for name in names]), head


def remember(row: dict[str, Any], head: Head) -> None:
    """A stream's head-model row and head as an append just committed them."""
    stream = str(head.stream_id)
    with _LOCK:
        _RECENT[stream] = (row, head)
        _RECENT.move_to_end(stream)
        while len(_RECENT) > SIZE:
            _RECENT.popitem(last=False)
        if len(_KEYS) > 2 * SIZE:
            _KEYS.clear()


def forget(stream_id: uuid.UUID | str | None = None, *, moved: bool = False) -> None:
    """Drop what this process remembers of a stream's head (of every stream's, with no argument).

    ``moved``: another writer moved the stream under this process, which then reads it under the lock
    for the next ``CONTENDED_SECONDS``.
    """
    with _LOCK:
        if stream_id is None:
            _RECENT.clear()
            _KEYS.clear()
            _CONTENDED.clear()
            return
        _RECENT.pop(str(stream_id), None)
        if moved:
            now = time.monotonic()
            if len(_CONTENDED) >= SIZE:
                for calm in [stream for stream, until in _CONTENDED.items() if until <= now]:
                    del _CONTENDED[calm]
            _CONTENDED[str(stream_id)] = now + CONTENDED_SECONDS


def _contended(stream: str) -> bool:
    until = _CONTENDED.get(stream)
    return until is not None and time.monotonic() < until
