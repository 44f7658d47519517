"""The event store: append to a stream, read it back, verify its hash chain.

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
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from . import projections
from .domain.errors import StreamMoved
from .domain.events import Event, Recorded, decode
from .models import Event as EventRow
from .models import Stream

#: Reactions that run inside the append's transaction but are not projections, so a
#: rebuild never replays them (the notification outbox writes its rows here).
REACTORS: list[Callable[[Recorded], None]] = []

EVENTS = EventRow._meta.db_table
STREAMS = Stream._meta.db_table
#: The columns every reader of the log selects, in the order ``to_recorded_many`` expects.
#: (The stream id as text: building a ``UUID`` object per row would cost more than the rest of the row.)
COLUMNS = "position, CAST(stream_id AS text), version, type, schema, data, meta, recorded_at"

M = TypeVar("M", bound=models.Model)


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


def _chained(previous: str, stream: str, version: int, type_: str, schema: int, data: str, meta: str, at: str) -> str:
    """``event_hash`` from parts already in canonical JSON: the same text, without encoding the data twice."""
    body = (
        f'{{"data":{data},"meta":{meta},"recorded_at":{json.dumps(at)},"schema":{schema},'
        f'"stream_id":"{stream}","type":{json.dumps(type_, ensure_ascii=False)},"version":{version}}}'
    )
    return hashlib.sha256((previous + body).encode()).hexdigest()


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
    """The one place rows of the log (``COLUMNS``, in that order) become ``Recorded`` events."""
    metas: dict[Any, Any] = {}  # most events of a batch share a handful of metas: parse each once
    out = []
    for position, stream_id, version, type_, schema, data, meta, recorded_at in rows:
        key = meta if isinstance(meta, str) else None
        parsed = metas.get(key) if key is not None else None
        if parsed is None:
            parsed = _json(meta)
            if key is not None:
                metas[key] = parsed
        out.append(
            Recorded(
                stream_id=_uuid_text(stream_id),
                version=version,
                event=decode(type_, schema, _json(data)),
                recorded_at=_moment(recorded_at),
                meta=parsed,
                position=position,
            )
        )
    return out


def to_recorded(row: EventRow) -> Recorded:
    fields = (row.position, row.stream_id, row.version, row.type, row.schema, row.data, row.meta, row.recorded_at)
    return to_recorded_many([fields])[0]


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
    columns = ", ".join(f"r.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT {columns}, h.version AS head_version, h.last_hash AS head_hash "
        f"FROM {table} r JOIN {STREAMS} h ON h.id = r.id WHERE r.{connection.ops.quote_name(column)} = %s{lock}"
    )
    params = [model._meta.get_field(column).get_db_prep_value(value, connection)]
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
    rows = list(model.objects.raw(sql, params))
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
        meta_json = canonical_json(meta)
        meta = json.loads(meta_json)
        rows = encode(stream, expected_version, events, meta_json, now, head_hash)
        previous = rows[-1][-1]
        if connection.vendor == "postgresql" and expected_version > 0:
            recorded = _append_pipelined(stream, expected_version, events, rows, meta, meta_json, now, loaded)
        else:
            _move_head(stream, expected_version, len(rows), previous)
            positions = _insert(stream, rows, meta_json, now)
            recorded = [
                Recorded(str(stream), version, domain_event, now, meta, positions[version])
                for (version, *_), domain_event in zip(rows, events, strict=True)
            ]
            projections.project(recorded, loaded=loaded)
        for item in recorded:
            for react in REACTORS:
                react(item)
    return recorded


Encoded = tuple[int, str, int, str, str]  # version, type, schema, data as canonical JSON, hash


def encode(
    stream: uuid.UUID, after: int, events: Sequence[Event], meta_json: str, now: datetime, previous: str
) -> list[Encoded]:
    """The rows of events appended after version ``after``: their data serialised and their hashes chained."""
    at, text = _timestamp(now), str(stream)
    rows: list[Encoded] = []
    for offset, domain_event in enumerate(events, start=1):
        version = after + offset
        data = serialise(domain_event)
        previous = _chained(previous, text, version, domain_event.type, domain_event.schema, data, meta_json, at)
        rows.append((version, domain_event.type, domain_event.schema, data, previous))
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


def _insert(stream: uuid.UUID, rows: list[Encoded], meta: str, now: datetime) -> dict[int, int]:
    """One multi-row INSERT of the events; returns each version's global position."""
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = f"(%s, %s, %s, %s, %s{json_cast}, %s{json_cast}, %s, %s)"
    key = _db_uuid(stream)
    moment = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for version, type_, schema, data, digest in rows:
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
    meta_json: str,
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
    one = "(%s::integer, %s::text, %s::smallint, %s::jsonb, %s::varchar)"
    params: list[Any] = [expected + len(rows), rows[-1][-1], stream, expected, stream, meta_json, now]
    for version, type_, schema, data, digest in rows:
        params += [version, type_, schema, data, digest]
    with connection.cursor() as cursor:
        with connection.wrap_database_errors, connection.connection.pipeline():
            cursor.execute(
                f"WITH head AS (UPDATE {STREAMS} SET version = %s, last_hash = %s WHERE id = %s AND version = %s "
                f"RETURNING id) INSERT INTO {EVENTS} (stream_id, version, type, schema, data, meta, recorded_at, hash) "
                f"SELECT %s::uuid, e.version, e.type, e.schema, e.data, %s::jsonb, %s::timestamptz, e.hash "
                f"FROM head, (VALUES {', '.join([one] * len(rows))}) AS e (version, type, schema, data, hash) "
                "RETURNING version, position",
                params,
            )
            batch.flush(projections.READ_MODELS)
        positions = dict(cursor.fetchall())
    if not positions:
        raise _moved(stream, expected)
    return [dataclasses.replace(item, position=positions[item.version]) for item in pending]


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


# --- Append-only triggers -------------------------------------------------------------

TABLE = EventRow._meta.db_table

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: UPDATE is not allowed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: DELETE is not allowed'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION newsdesk_events_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP;
       END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION newsdesk_events_append_only()""",
    f"""CREATE OR REPLACE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION newsdesk_events_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
]


def _statements(vendor: str, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_TRIGGERS if create else POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_TRIGGERS if create else SQLITE_DROP
    raise NotImplementedError(f"No append-only triggers for {vendor}.")


def install_triggers(conn: BaseDatabaseWrapper = connection) -> None:
    with conn.cursor() as cursor:
        for statement in _statements(conn.vendor, create=True):
            cursor.execute(statement)


def drop_triggers(conn: BaseDatabaseWrapper = connection) -> None:
    """Only for tests and disaster recovery: lets a row of the log be changed."""
    with conn.cursor() as cursor:
        for statement in _statements(conn.vendor, create=False):
            cursor.execute(statement)
