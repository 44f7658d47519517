"""The log's hash chain: each event's hash covers its canonical JSON and the hash before it.

``store.append`` chains new events (``chained_hash``); ``integrity.verify``
recomputes every stream's chain from the rows (``event_hash``).
"""

from __future__ import annotations

import hashlib
import json
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
