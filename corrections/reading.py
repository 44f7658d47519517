"""Reading the log: events as stored, in stream or global order, their personal fields opened from the vault."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from django.db import connection
from psycopg.types.json import set_json_loads

from . import vault
from .dbapi import server_bound
from .domain.events import Recorded, decode
from .models import Event as EventRow

EVENTS = EventRow._meta.db_table
#: The columns every reader of the log selects, in the order ``to_recorded_many`` expects.
#: (The stream id as text: building a ``UUID`` object per row would cost more than the rest of the row.)
#: (The meta as text: most events of a batch share a handful of metas, each then parsed once.)
COLUMNS = "position, CAST(stream_id AS text), version, type, schema, data, CAST(meta AS text), recorded_at"


def _uuid_text(value: Any) -> str:
    if isinstance(value, str) and len(value) == 36:
        return value
    return str(value) if isinstance(value, uuid.UUID) else str(uuid.UUID(value))


def _json(value: Any) -> Any:
    return _loads(value) if isinstance(value, str) else value


def _loads(data: str | bytes | memoryview) -> Any:
    """JSON from the log: orjson (a rebuild parses every event), ``json`` for what orjson refuses (huge integers)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps naive UTC


def to_recorded_many(rows: Iterable[Sequence[Any]]) -> list[Recorded]:
    """The one place rows of the log (``COLUMNS``, in that order) become ``Recorded`` events.

    Personal fields stored as commitments are opened from the vault, one query per batch.
    """
    metas: dict[Any, Any] = {}  # most events of a batch share a handful of metas: parse each once
    parsed_rows = []
    for position, stream_id, version, type_, schema, data, meta, recorded_at in rows:
        key = meta if isinstance(meta, str) else None
        parsed = metas.get(key) if key is not None else None
        if parsed is None:
            parsed = _json(meta)
            if key is not None:
                metas[key] = parsed
        parsed_rows.append((position, stream_id, version, type_, schema, _json(data), parsed, recorded_at))
    opened = vault.reveal([(row[3], row[5], row[6]) for row in parsed_rows])
    return [
        Recorded(
            stream_id=_uuid_text(stream_id),
            version=version,
            event=decode(type_, schema, data),
            recorded_at=_moment(recorded_at),
            meta=meta,
            position=position,
        )
        for (position, stream_id, version, type_, schema, *_, recorded_at), (data, meta) in zip(
            parsed_rows, opened, strict=True
        )
    ]


def records(rows: Sequence[EventRow]) -> list[Recorded]:
    """Rows as domain events, their personal fields opened from the vault in one query."""
    return to_recorded_many(
        (row.position, row.stream_id, row.version, row.type, row.schema, row.data, row.meta, row.recorded_at)
        for row in rows
    )


def to_recorded(row: EventRow) -> Recorded:
    return records([row])[0]


def _db_uuid(value: uuid.UUID | str) -> Any:
    key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return key if connection.features.has_native_uuid_field else key.hex


def read_stream(stream_id: uuid.UUID | str, upto: int | None = None) -> list[Recorded]:
    sql = f"SELECT {COLUMNS} FROM {EVENTS} WHERE stream_id = %s"
    params: list[Any] = [_db_uuid(stream_id)]
    if upto is not None:
        sql += " AND version <= %s"
        params.append(upto)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY version", params)
        return to_recorded_many(cursor.fetchall())


def read_after(position: int, limit: int, part: tuple[int, int] | None = None) -> list[Recorded]:
    """Up to ``limit`` events after a global position, in position order (the rebuild's scan).

    ``part`` (k, n) keeps the streams of the k-th of n shares (PostgreSQL only): a parallel
    rebuild's workers each fold whole streams, so they never touch the same rows.
    """
    if connection.vendor == "postgresql":
        share, params = "", [position]
        if part:
            index, shares = part
            share = " AND get_byte(uuid_send(stream_id), 15) %% %s = %s"  # a stream's share: its id's last byte
            params += [shares, index]
        sql = f"SELECT {COLUMNS} FROM {EVENTS} WHERE position > %s{share} ORDER BY position LIMIT %s"
        params.append(limit)
        # Binary results: psycopg decodes timestamps in C, where Django's text cursor parses them in Python.
        with server_bound() as cursor:
            set_json_loads(_loads, cursor)
            cursor.execute(sql, params, binary=True)
            return to_recorded_many(cursor.fetchall())
    if part:
        raise ValueError("Reading a share of the log's streams needs PostgreSQL.")
    sql = f"SELECT {COLUMNS} FROM {EVENTS} WHERE position > %s ORDER BY position LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [position, limit])
        return to_recorded_many(cursor.fetchall())


def read_streams_after(heads: dict[str, int]) -> list[Recorded]:
    """The events of each stream after the version given for it, in position order (the rebuild's catch-up)."""
    found: list[Recorded] = []
    pairs = list(heads.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s::uuid, %s::integer)"] * len(chunk))
                cursor.execute(
                    f"SELECT {COLUMNS} FROM {EVENTS} JOIN (VALUES {values}) AS h (head_id, head_version) "
                    "ON stream_id = head_id AND version > head_version",
                    [value for pair in chunk for value in pair],
                )
                found.extend(to_recorded_many(cursor.fetchall()))
                continue
            for stream_id, version in chunk:
                sql = f"SELECT {COLUMNS} FROM {EVENTS} WHERE stream_id = %s AND version > %s"
                cursor.execute(sql, [_db_uuid(stream_id), version])
                found.extend(to_recorded_many(cursor.fetchall()))
    return sorted(found, key=lambda r: r.position or 0)


def iter_batches(batch: int = 2000) -> Iterator[list[EventRow]]:
    """Every event row as stored, in global order, a batch at a time."""
    last = 0
    while rows := list(EventRow.objects.filter(position__gt=last).order_by("position")[:batch]):
        yield rows
        last = rows[-1].position


def iter_all(batch: int = 2000) -> Iterator[EventRow]:
    """Every event row as stored (personal fields committed, as hashed), in global order."""
    for rows in iter_batches(batch):
        yield from rows
