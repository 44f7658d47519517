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

import contextlib
import dataclasses
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

import psycopg
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from . import heads, projections, vault
from .chain import canonical_json, chained_hash, event_hash, timestamp
from .domain.errors import StreamMoved
from .domain.events import Event, Recorded
from .heads import Head, forget
from .models import Event as EventRow
from .models import PersonalDatum, Stream
from .reading import (
    COLUMNS,
    _db_uuid,
    iter_all,
    iter_batches,
    read_after,
    read_stream,
    read_streams_after,
    records,
    to_recorded,
    to_recorded_many,
)
from .triggers import drop_triggers, install_triggers

__all__ = [
    "COLUMNS",
    "Head",
    "append",
    "atomic",
    "canonical_json",
    "drop_triggers",
    "event_hash",
    "forget",
    "install_triggers",
    "iter_all",
    "iter_batches",
    "read_after",
    "read_stream",
    "read_streams_after",
    "records",
    "to_recorded",
    "to_recorded_many",
]

#: Reactions that run inside the append's transaction but are not projections, so a
#: rebuild never replays them (the notification outbox writes its rows here).
REACTORS: list[Callable[[Recorded], None]] = []

EVENTS = EventRow._meta.db_table
STREAMS = Stream._meta.db_table
ARTICLES = projections.HEAD_MODEL._meta.db_table
M = TypeVar("M", bound=models.Model)


def serialise(event: Event) -> str:
    """The one place an event's data becomes the canonical JSON that is stored and hashed."""
    return canonical_json(event.to_data())


# --- Appending ------------------------------------------------------------------------


def locked(model: type[M], column: str, value: Any, *, recent: bool = False) -> tuple[M, Head] | None:
    """One query: a read-model row whose id is a stream's id, and that stream's head, both locked.

    The row is current for the rest of the transaction: every append to the
    stream takes the same locks first. (PostgreSQL re-reads both locked rows if
    it had to wait for them; SQLite's IMMEDIATE transactions hold the whole file.)

    With ``recent``, the row and head as this process last committed them, if it
    did, without a query or a lock (``heads``): the append's head check then
    refuses them with ``StreamMoved`` if another process has appended since.
    """
    key = (model._meta.label, column, str(value))
    if recent and model is projections.HEAD_MODEL and (cached := heads.recall(model, key)) is not None:
        if connection.vendor == "postgresql" and _in_pipeline():
            # Lock the row now, before the command reads anything else (its answer is not awaited): every
            # append, and a rebuild's swap, takes the head-model row first, so none waits for another in a circle.
            _lock_row(cached[1].stream_id)
        return cached
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
            with connection.wrap_database_errors, _pipeline():
                cursor.execute(sql, params)
            found = cursor.fetchone()
        names = [f.attname for f in model._meta.concrete_fields]
        if found is None:
            return None
        row = model.from_db(connection.alias, names, found[: len(names)])
        heads.note(key, row.pk)
        return row, Head(uuid.UUID(str(row.pk)), found[-2], found[-1])
    rows = list(model._default_manager.raw(sql, params))
    if not rows:
        return None
    row = rows[0]
    extra: Any = row
    return row, Head(uuid.UUID(str(row.pk)), extra.head_version, extra.head_hash)


@contextlib.contextmanager
def atomic() -> Iterator[None]:
    """``transaction.atomic`` for a command; on PostgreSQL its BEGIN and COMMIT travel with its statements.

    psycopg spends a round trip on a transaction's BEGIN and another on its
    COMMIT. Here, in a transaction of its own, the command runs in a psycopg
    pipeline on an autocommit connection that says BEGIN and COMMIT itself: the
    statements queue until one of them must be answered (a locked read) or the
    end, so a command that needs no answer before the end (an append from a
    ``recent`` head) is one round trip. Django still sees an atomic block, so
    ``transaction.on_commit`` runs after the real COMMIT. Inside an outer
    transaction, or on SQLite, this is a plain ``transaction.atomic``.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    refused: tuple[uuid.UUID, int] | None = None
    try:
        with transaction.atomic():
            connection.ensure_connection()
            conn = connection.connection
            conn.autocommit = True  # the transaction is still idle: psycopg sends nothing for this
            _IN_FLIGHT.head = _IN_FLIGHT.unread = None
            _IN_FLIGHT.rows = set()
            try:
                with connection.wrap_database_errors, conn.pipeline():
                    conn.execute("BEGIN")
                    yield
                    conn.execute("COMMIT")
            except BaseException as error:
                _IN_FLIGHT.unread = None
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                refused = _refused_head(error)
                raise
            finally:
                conn.autocommit = False
                _IN_FLIGHT.head = None
                _IN_FLIGHT.rows = set()
    except IntegrityError as error:
        if refused is None:
            raise
        raise _moved(*refused) from error


def _in_pipeline() -> bool:
    return connection.connection.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF


def _pipeline() -> contextlib.AbstractContextManager[Any]:
    """A psycopg pipeline, or the one ``atomic`` holds open: entering or leaving one, even nested, waits for
    every answer, so inside ``atomic`` none is opened and only a read's fetch waits."""
    return contextlib.nullcontext() if _in_pipeline() else connection.connection.pipeline()


def _refused_head(error: BaseException) -> tuple[uuid.UUID, int] | None:
    """The stream and expected version whose head check refused the events (``_append_pipelined``), if it did."""
    cause = error.__cause__ if isinstance(error, IntegrityError) else error
    if not isinstance(cause, psycopg.errors.NotNullViolation):
        return None
    if (cause.diag.table_name, cause.diag.column_name) != (EVENTS, "stream_id"):
        return None
    return getattr(_IN_FLIGHT, "head", None)


#: Per thread (each has its own connection), inside ``atomic``: the head check an append queued,
#: (stream, expected version), and the cursor its events' positions come back on (``position_of``).
_IN_FLIGHT = threading.local()


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
            recorded, row = _append_pipelined(stream, expected_version, events, rows, meta, now, loaded)
            moved_to = Head(stream, expected_version + len(rows), previous)
            transaction.on_commit(lambda: heads.remember(row, moved_to))
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
    stream: uuid.UUID,
    after: int,
    events: Sequence[Event],
    meta: dict[str, Any],
    now: datetime,
    previous: str,
    *,
    vault_rows: list[PersonalDatum] | None = None,
) -> list[Encoded]:
    """The rows of events appended after version ``after``: sealed, serialised, their hashes chained.

    Personal fields become salted commitments before hashing; their values go to the vault
    (``vault.seal``), or into ``vault_rows`` for a bulk load to write.
    """
    at, text = timestamp(now), str(stream)
    plain = [(e.type, json.loads(serialise(e))) for e in events]
    sealed = vault.seal(stream, after + 1, plain, meta, into=vault_rows)
    rows: list[Encoded] = []
    for offset, (domain_event, (data, row_meta)) in enumerate(zip(events, sealed, strict=True), start=1):
        version, data_json, meta_json = after + offset, canonical_json(data), canonical_json(row_meta)
        type_, schema = domain_event.type, domain_event.schema
        previous = chained_hash(previous, text, version, type_, schema, data_json, meta_json, at)
        rows.append((version, type_, schema, data_json, meta_json, previous))
    return rows


def _moved(stream: uuid.UUID, expected: int) -> StreamMoved:
    heads.forget(stream, moved=True)  # whatever this process remembered of it is stale
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
) -> tuple[list[Recorded], dict[str, Any]]:
    """PostgreSQL: the head move, the events and the read models' writes, queued together in a pipeline.

    One statement moves the head and inserts the events. Inside ``atomic``,
    nothing here waits for an answer: if the head has moved, the UPDATE matches no
    row, the events' stream id is NULL and the INSERT fails (NOT NULL), which
    aborts the transaction and reaches ``atomic`` with the COMMIT as
    ``StreamMoved``; the events' positions come back then too (``position_of``).
    Otherwise the pipeline is answered here, and a moved head inserts no event and
    raises ``StreamMoved`` for the caller's transaction to roll back.
    Returns the events and the stream's head-model row after them.
    """
    pending = [
        Recorded(str(stream), version, domain_event, now, meta)
        for (version, *_), domain_event in zip(rows, events, strict=True)
    ]
    batch = projections.prepare(pending, loaded=loaded)
    one = "(%s::integer, %s::text, %s::smallint, %s::jsonb, %s::jsonb, %s::varchar)"
    params: list[Any] = [expected + len(rows), rows[-1][-1], stream, expected, now]
    for version, type_, schema, data, row_meta, digest in rows:
        params += [version, type_, schema, data, row_meta, digest]
    in_flight = _in_pipeline()
    stream_id, source = ("(SELECT id FROM head)", "") if in_flight else ("head.id", "head, ")
    if in_flight:
        # The refusal may come back with any later statement's answer: ``atomic`` must know what it refused.
        _IN_FLIGHT.head = (stream, expected)
    cursor = connection.cursor()
    with connection.wrap_database_errors, _pipeline():
        if stream not in getattr(_IN_FLIGHT, "rows", set()):
            _lock_row(stream)
        cursor.execute(
            f"WITH head AS (UPDATE {STREAMS} SET version = %s, last_hash = %s WHERE id = %s AND version = %s "
            f"RETURNING id) INSERT INTO {EVENTS} (stream_id, version, type, schema, data, meta, recorded_at, hash) "
            f"SELECT {stream_id}, e.version, e.type, e.schema, e.data, e.meta, %s::timestamptz, e.hash "
            f"FROM {source}(VALUES {', '.join([one] * len(rows))}) AS e (version, type, schema, data, meta, hash) "
            "RETURNING version, position",
            params,
        )
        batch.flush(projections.READ_MODELS)
    if in_flight:
        _IN_FLIGHT.unread = (stream, cursor, {})
    else:
        positions = dict(cursor.fetchall())
        cursor.close()
        if not positions:
            raise _moved(stream, expected)
        pending = [dataclasses.replace(item, position=positions[item.version]) for item in pending]
    return pending, dict(batch.get(projections.HEAD_MODEL, stream) or {})


def _lock_row(stream: uuid.UUID) -> None:
    """The stream's head-model row, locked before its head: the order ``locked`` and a rebuild's swap take
    them in (tables and rows), so appends from a ``recent`` head queue behind them instead of deadlocking."""
    with connection.cursor() as lock:
        lock.execute(f"SELECT 1 FROM {ARTICLES} WHERE id = %s FOR UPDATE", [stream])
    if _in_pipeline():
        _IN_FLIGHT.rows = {*getattr(_IN_FLIGHT, "rows", set()), stream}


def position_of(recorded: Recorded) -> int:
    """An appended event's global position; for one still in flight in a pipeline, waits for its answer."""
    if recorded.position is not None:
        return recorded.position
    unread = getattr(_IN_FLIGHT, "unread", None)
    if unread is not None and str(unread[0]) == recorded.stream_id:
        _, cursor, positions = unread
        if not positions:
            positions.update(cursor.fetchall())
            cursor.close()
        if recorded.version in positions:
            return positions[recorded.version]
    # Not the last pipelined append's: ask the log (in this transaction, it sees its own events).
    return EventRow.objects.values_list("position", flat=True).get(
        stream_id=recorded.stream_id, version=recorded.version
    )
