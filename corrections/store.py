"""The event store: append to a stream, read it back, compute its hash chain (verified in ``integrity``).

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
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import projections, vault
from .domain.events import Event, Recorded, decode
from .models import Event as EventRow
from .models import Stream
from .triggers import drop_triggers, install_triggers

__all__ = ["append", "drop_triggers", "install_triggers", "read_stream", "records"]

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
    return records([row])[0]


def records(rows: Sequence[EventRow]) -> list[Recorded]:
    """Rows as domain events, their personal fields opened from the vault in one query."""
    return [
        Recorded(
            stream_id=str(row.stream_id),
            version=row.version,
            event=decode(row.type, row.schema, data),
            recorded_at=row.recorded_at,
            meta=meta,
            position=row.position,
        )
        for row, (data, meta) in zip(rows, vault.reveal_rows(rows), strict=True)
    ]


def lock_head(stream_id: uuid.UUID | str) -> Stream | None:
    """Lock the stream's head row for the rest of the transaction; None if the stream is new."""
    return Stream.objects.select_for_update().filter(id=stream_id).first()


def read_stream(stream_id: uuid.UUID | str, upto: int | None = None) -> list[Recorded]:
    rows = EventRow.objects.filter(stream_id=stream_id).order_by("version")
    if upto is not None:
        rows = rows.filter(version__lte=upto)
    return records(list(rows))


@transaction.atomic
def append(stream_id: uuid.UUID | str, events: Sequence[Event], *, meta: dict[str, Any]) -> list[Recorded]:
    """Append events at the head of the stream and update the read models, all in one transaction."""
    head = lock_head(stream_id) or Stream.objects.create(id=stream_id)
    now = timezone.now()
    # Round-trip through JSON so the hash is computed over exactly what the database returns.
    meta = json.loads(canonical_json(meta))
    recorded: list[Recorded] = []
    # Personal fields become salted commitments before hashing; their values go to the vault.
    stored = vault.seal(
        head.id, head.version + 1, [(e.type, json.loads(canonical_json(e.to_data()))) for e in events], meta
    )
    for offset, (domain_event, (data, row_meta)) in enumerate(zip(events, stored, strict=True), start=1):
        row = EventRow(
            stream_id=head.id,
            version=head.version + offset,
            type=domain_event.type,
            schema=domain_event.schema,
            data=data,
            meta=row_meta,
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


def iter_batches(batch: int = 2000) -> Iterator[list[EventRow]]:
    """Every event row as stored, in global order, a batch at a time."""
    last = 0
    while True:
        rows = list(EventRow.objects.filter(position__gt=last).order_by("position")[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1].position


def iter_all(batch: int = 2000) -> Iterator[EventRow]:
    """Every event row as stored (personal fields committed, as hashed), in global order."""
    for rows in iter_batches(batch):
        yield from rows


def iter_recorded(batch: int = 2000) -> Iterator[Recorded]:
    """Every event in global order as the domain sees it (personal fields opened), for a rebuild."""
    for rows in iter_batches(batch):
        yield from records(rows)
