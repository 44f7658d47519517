"""The event store: append to a stream, read it back, compute its hash chain (verified in ``integrity``).

An append is a fixed handful of statements, whatever the command: one
conditional UPDATE moves the stream's head from ``expected_version`` (or one
INSERT creates it), one multi-row INSERT writes the events, and the projections
write their read models in bulk (``projections.project``). A head that moved
since the caller read it raises ``StreamMoved`` (HTTP 409) and nothing is
written. Services read the head together with their state, under a row lock, in
one query (``locked``), so appends to one stream queue instead of failing; on
SQLite every transaction is ``BEGIN IMMEDIATE``, which takes the write lock up
front. Appends to different streams never wait on each other on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import psycopg
from django.db import connection, models, transaction
from django.utils import timezone

from . import projections, vault
from .chain import canonical_json, chained_hash, event_hash, timestamp
from .domain.errors import StreamMoved
from .domain.events import Event, Recorded, decode
from .models import Event as EventRow
from .models import Stream
from .triggers import drop_triggers, install_triggers

__all__ = [
    "append",
    "canonical_json",
    "drop_triggers",
    "event_hash",
    "install_triggers",
    "read_stream",
    "records",
]

#: Reactions that run inside the append's transaction but are not projections, so a
#: rebuild never replays them (the notification outbox writes its rows here).
REACTORS: list[Callable[[Recorded], None]] = []

EVENTS = EventRow._meta.db_table
STREAMS = Stream._meta.db_table
#: The columns every reader of the log selects, in the order ``to_recorded_many`` expects.
#: (The stream id as text: building a ``UUID`` object per row would cost more than the rest of the row.)
COLUMNS = "position, CAST(stream_id AS text), version, type, schema, data, meta, recorded_at"

M = TypeVar("M", bound=models.Model)


def serialise(event: Event) -> str:
    """The one place an event's data becomes the canonical JSON that is stored and hashed."""
    return canonical_json(event.to_data())


# --- Reading -----------------------------------------------------------------------


def _uuid_text(value: Any) -> str:
    if isinstance(value, str) and len(value) == 36:
        return value
    return str(value) if isinstance(value, uuid.UUID) else str(uuid.UUID(value))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


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


def read_after(position: int, limit: int) -> list[Recorded]:
    """Up to ``limit`` events after a global position, in position order (the rebuild's scan)."""
    sql = f"SELECT {COLUMNS} FROM {EVENTS} WHERE position > %s ORDER BY position LIMIT %s"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # Binary results: psycopg decodes timestamps in C, where Django's text cursor parses them in Python.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, [position, limit], binary=True)
            return to_recorded_many(cursor.fetchall())
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


# --- Appending ------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """Where a stream stood when its caller read it: the version to append after and the hash to chain from."""

    stream_id: uuid.UUID
    version: int
    last_hash: str


def locked(model: type[M], column: str, value: Any) -> tuple[M, Head] | None:
    """One query: a read-model row whose id is a stream's id, and that stream's head, both locked.

    The row is current for the rest of the transaction: every append to the
    stream takes the same locks first. (PostgreSQL re-reads both locked rows if
    it had to wait for them; SQLite's IMMEDIATE transactions hold the whole file.)
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(f"r.{connection.ops.quote_name(str(f.column))}" for f in model._meta.concrete_fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT {columns}, h.version AS head_version, h.last_hash AS head_hash "
        f"FROM {table} r JOIN {STREAMS} h ON h.id = r.id WHERE r.{connection.ops.quote_name(column)} = %s{lock}"
    )
    params = [cast(models.Field, model._meta.get_field(column)).get_db_prep_value(value, connection)]
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # In a pipeline the transaction's BEGIN travels with this query instead of taking a round trip of its own.
        with connection.cursor() as cursor:
            with connection.wrap_database_errors, connection.connection.pipeline():
                cursor.execute(sql, params)
            found = cursor.fetchone()
        names = [f.attname for f in model._meta.concrete_fields]
        if found is None:
            return None
        row = model.from_db(connection.alias, names, found[: len(names)])
        return row, Head(uuid.UUID(str(row.pk)), found[-2], found[-1])
    rows = list(model._default_manager.raw(sql, params))
    if not rows:
        return None
    row = rows[0]
    extra: Any = row
    return row, Head(uuid.UUID(str(row.pk)), extra.head_version, extra.head_hash)


def head_of(stream_id: uuid.UUID | str) -> Head | None:
    """The stream's head, locked for the rest of the transaction; None if the stream is new."""
    head = Stream.objects.select_for_update().filter(id=stream_id).first()
    return Head(head.id, head.version, head.last_hash) if head else None


def append(
    stream_id: uuid.UUID | str,
    events: Sequence[Event],
    *,
    expected_version: int,
    meta: dict[str, Any],
    head_hash: str | None = None,
    loaded: Iterable[models.Model] = (),
) -> list[Recorded]:
    """Append events after ``expected_version`` and update the read models, in the caller's transaction.

    ``expected_version`` is the stream's version as the caller read it (0 for a
    new stream); if the head has moved since, ``StreamMoved`` and nothing is
    written. ``head_hash`` is the head's hash read with it (``locked``); without
    it the head is read here, which costs one more query. ``loaded`` are rows the
    caller already holds, current under its lock, that projections need not read.
    """
    if not events:
        return []
    stream = stream_id if isinstance(stream_id, uuid.UUID) else uuid.UUID(str(stream_id))
    with transaction.atomic(savepoint=False):
        if head_hash is None:
            head = head_of(stream)
            if (head.version if head else 0) != expected_version:
                raise _moved(stream, expected_version)
            head_hash = head.last_hash if head else ""
        now = timezone.now()
        meta = json.loads(canonical_json(meta))
        rows = encode(stream, expected_version, events, meta, now, head_hash)
        previous = rows[-1][-1]
        if connection.vendor == "postgresql" and expected_version > 0:
            recorded = _append_pipelined(stream, expected_version, events, rows, meta, now, loaded)
        else:
            _move_head(stream, expected_version, len(rows), previous)
            positions = _insert(stream, rows, now)
            recorded = [
                Recorded(str(stream), version, domain_event, now, meta, positions[version])
                for (version, *_), domain_event in zip(rows, events, strict=True)
            ]
            projections.project(recorded, loaded=loaded)
        for item in recorded:
            for react in REACTORS:
                react(item)
    return recorded


Encoded = tuple[int, str, int, str, str, str]  # version, type, schema, data and meta as canonical JSON, hash


def encode(
    stream: uuid.UUID, after: int, events: Sequence[Event], meta: dict[str, Any], now: datetime, previous: str
) -> list[Encoded]:
    """The rows of events appended after version ``after``: sealed, serialised, their hashes chained.

    Personal fields become salted commitments before hashing; their values go to the vault (``vault.seal``).
    """
    at, text = timestamp(now), str(stream)
    sealed = vault.seal(stream, after + 1, [(e.type, json.loads(serialise(e))) for e in events], meta)
    rows: list[Encoded] = []
    for offset, (domain_event, (data, row_meta)) in enumerate(zip(events, sealed, strict=True), start=1):
        version, data_json, meta_json = after + offset, canonical_json(data), canonical_json(row_meta)
        type_, schema = domain_event.type, domain_event.schema
        previous = chained_hash(previous, text, version, type_, schema, data_json, meta_json, at)
        rows.append((version, type_, schema, data_json, meta_json, previous))
    return rows


def _moved(stream: uuid.UUID, expected: int) -> StreamMoved:
    current = Stream.objects.filter(id=stream).values_list("version", flat=True).first() or 0
    return StreamMoved(
        "The article changed while this request was being handled; reload it and try again.",
        current_version=current,
        expected_version=expected,
    )


def _move_head(stream: uuid.UUID, expected: int, count: int, last_hash: str) -> None:
    key = _db_uuid(stream)
    with connection.cursor() as cursor:
        if expected == 0:
            cursor.execute(
                f"INSERT INTO {STREAMS} (id, version, last_hash) VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
                [key, count, last_hash],
            )
        else:
            cursor.execute(
                f"UPDATE {STREAMS} SET version = %s, last_hash = %s WHERE id = %s AND version = %s",
                [expected + count, last_hash, key, expected],
            )
        if cursor.rowcount != 1:
            raise _moved(stream, expected)


def _insert(stream: uuid.UUID, rows: list[Encoded], now: datetime) -> dict[int, int]:
    """One multi-row INSERT of the events; returns each version's global position."""
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = f"(%s, %s, %s, %s, %s{json_cast}, %s{json_cast}, %s, %s)"
    key = _db_uuid(stream)
    moment = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for version, type_, schema, data, meta, digest in rows:
        params += [key, version, type_, schema, data, meta, moment, digest]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EVENTS} (stream_id, version, type, schema, data, meta, recorded_at, hash) "
            f"VALUES {', '.join([one] * len(rows))} RETURNING version, position",
            params,
        )
        return dict(cursor.fetchall())


def _append_pipelined(
    stream: uuid.UUID,
    expected: int,
    events: Sequence[Event],
    rows: list[Encoded],
    meta: dict[str, Any],
    now: datetime,
    loaded: Iterable[models.Model],
) -> list[Recorded]:
    """PostgreSQL: the head move, the events and the read models' writes, sent together and answered once.

    One statement moves the head and inserts the events (none if the head moved);
    the projections' writes follow in the same psycopg pipeline. If the head had
    moved, ``StreamMoved`` rolls all of it back.
    """
    pending = [
        Recorded(str(stream), version, domain_event, now, meta)
        for (version, *_), domain_event in zip(rows, events, strict=True)
    ]
    batch = projections.prepare(pending, loaded=loaded)
    one = "(%s::integer, %s::text, %s::smallint, %s::jsonb, %s::jsonb, %s::varchar)"
    params: list[Any] = [expected + len(rows), rows[-1][-1], stream, expected, stream, now]
    for version, type_, schema, data, row_meta, digest in rows:
        params += [version, type_, schema, data, row_meta, digest]
    with connection.cursor() as cursor:
        with connection.wrap_database_errors, connection.connection.pipeline():
            cursor.execute(
                f"WITH head AS (UPDATE {STREAMS} SET version = %s, last_hash = %s WHERE id = %s AND version = %s "
                f"RETURNING id) INSERT INTO {EVENTS} (stream_id, version, type, schema, data, meta, recorded_at, hash) "
                f"SELECT %s::uuid, e.version, e.type, e.schema, e.data, e.meta, %s::timestamptz, e.hash "
                f"FROM head, (VALUES {', '.join([one] * len(rows))}) AS e (version, type, schema, data, meta, hash) "
                "RETURNING version, position",
                params,
            )
            batch.flush(projections.READ_MODELS)
        positions = dict(cursor.fetchall())
    if not positions:
        raise _moved(stream, expected)
    return [dataclasses.replace(item, position=positions[item.version]) for item in pending]


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
