"""The event store: append to a stream, read it back, verify its hash chain.

Appends to one stream are serialised by a row lock on the stream's head
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every transaction is
``BEGIN IMMEDIATE``, which takes the write lock up front). Appends to
different streams never wait on each other on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import projections
from .domain.events import Event, Recorded, decode
from .models import Event as EventRow
from .models import Stream
from .triggers import drop_triggers, install_triggers

__all__ = ["append", "drop_triggers", "install_triggers", "read_stream", "verify"]

#: Reactions that run inside the append's transaction but are not projections, so a
#: rebuild never replays them (the notification outbox writes its rows here).
REACTORS: list[Callable[[Recorded], None]] = []


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(previous: str, row: EventRow) -> str:
    body = canonical_json(
        {
            "stream_id": str(row.stream_id),
            "version": row.version,
            "type": row.type,
            "schema": row.schema,
            "data": row.data,
            "meta": row.meta,
            "recorded_at": _timestamp(row.recorded_at),
        }
    )
    return hashlib.sha256((previous + body).encode()).hexdigest()


def to_recorded(row: EventRow) -> Recorded:
    return Recorded(
        stream_id=str(row.stream_id),
        version=row.version,
        event=decode(row.type, row.schema, row.data),
        recorded_at=row.recorded_at,
        meta=row.meta,
        position=row.position,
    )


def lock_head(stream_id: uuid.UUID | str) -> Stream | None:
    """Lock the stream's head row for the rest of the transaction; None if the stream is new."""
    return Stream.objects.select_for_update().filter(id=stream_id).first()


def read_stream(stream_id: uuid.UUID | str, upto: int | None = None) -> list[Recorded]:
    rows = EventRow.objects.filter(stream_id=stream_id).order_by("version")
    if upto is not None:
        rows = rows.filter(version__lte=upto)
    return [to_recorded(row) for row in rows]


@transaction.atomic
def append(stream_id: uuid.UUID | str, events: Sequence[Event], *, meta: dict[str, Any]) -> list[Recorded]:
    """Append events at the head of the stream and update the read models, all in one transaction."""
    head = lock_head(stream_id) or Stream.objects.create(id=stream_id)
    now = timezone.now()
    # Round-trip through JSON so the hash is computed over exactly what the database returns.
    meta = json.loads(canonical_json(meta))
    recorded: list[Recorded] = []
    for offset, domain_event in enumerate(events, start=1):
        row = EventRow(
            stream_id=head.id,
            version=head.version + offset,
            type=domain_event.type,
            schema=domain_event.schema,
            data=json.loads(canonical_json(domain_event.to_data())),
            meta=meta,
            recorded_at=now,
        )
        row.hash = event_hash(head.last_hash, row)
        row.save(force_insert=True)
        head.last_hash = row.hash
        item = Recorded(str(head.id), row.version, domain_event, now, meta, row.position)
        projections.project(item)
        for react in REACTORS:
            react(item)
        recorded.append(item)
    head.version += len(events)
    head.save(update_fields=["version", "last_hash"])
    return recorded


def iter_all(batch: int = 2000) -> Iterator[EventRow]:
    """Every event in global order, read in batches."""
    last = 0
    while True:
        rows = list(EventRow.objects.filter(position__gt=last).order_by("position")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].position


@dataclass(frozen=True)
class Breach:
    position: int
    stream_id: str
    version: int
    reason: str


def verify() -> tuple[int, Breach | None]:
    """Recompute every stream's hash chain; return how many events were checked and the first breach."""
    heads: dict[str, tuple[int, str]] = {}
    checked = 0
    for row in iter_all():
        stream = str(row.stream_id)
        version, previous = heads.get(stream, (0, ""))
        if row.version != version + 1:
            return checked, Breach(row.position, stream, row.version, f"expected version {version + 1}")
        if event_hash(previous, row) != row.hash:
            return checked, Breach(row.position, stream, row.version, "hash does not match its content")
        heads[stream] = (row.version, row.hash)
        checked += 1
    return checked, None
