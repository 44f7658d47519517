"""The log's hash chain: each event's hash covers its canonical JSON and the hash before it.

``store.append`` chains new events (``chained_hash``); ``verify`` recomputes every
stream's chain from the rows, so an edited or removed event shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .models import Event as EventRow


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp(moment: datetime) -> str:
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
            "recorded_at": timestamp(row.recorded_at),
        }
    )
    return hashlib.sha256((previous + body).encode()).hexdigest()


def chained_hash(
    previous: str, stream: str, version: int, type_: str, schema: int, data: str, meta: str, at: str
) -> str:
    """``event_hash`` from parts already in canonical JSON: the same text, without encoding the data twice."""
    body = (
        f'{{"data":{data},"meta":{meta},"recorded_at":{json.dumps(at)},"schema":{schema},'
        f'"stream_id":"{stream}","type":{json.dumps(type_, ensure_ascii=False)},"version":{version}}}'
    )
    return hashlib.sha256((previous + body).encode()).hexdigest()


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
