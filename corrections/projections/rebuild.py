"""Rebuild every read model from the log, in batches, while the desk keeps working.

On PostgreSQL the read models are rebuilt into fresh tables (``<table>__rebuild``)
that nobody reads: each batch of events is folded in memory by the same
projectors as inline appends (``run``) and written with COPY, and the position
reached is committed with it, so an interrupted rebuild resumes where it
stopped. Forked worker processes fold a share of the streams each (an article's
events all belong to one share, and no read-model row spans two articles), each
reading its next batch on a second connection while it folds the last; the
shares and their positions are kept for a resume. Events appended meanwhile
are caught up stream by stream (a later
position can commit before an earlier one, so positions alone would miss some).
Then, under a brief lock that holds appends back, the last few events are
caught up and the fresh tables are renamed into place, with the names of the
old ones' indexes and constraints; ANALYZE follows. Memory is bounded by the
batch size (three batches per worker at most) and a capped cache of article rows.

Elsewhere (SQLite, one writer at a time) the read models are emptied and
refilled in one transaction by the same engine.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from types import ModuleType
from typing import Any, Protocol

from django.db import OperationalError, connection, connections, transaction
from psycopg.errors import DeadlockDetected, LockNotAvailable

from ..domain.events import Recorded
from ..models import Event, Stream
from . import HEAD_MODEL, READ_MODELS, run
from .batch import Batch, Tables

SUFFIX = "__rebuild"
EVENTS = Event._meta.db_table
PROGRESS = "corrections_rebuild_shares"
CACHE_LIMIT = 20_000


class Log(Protocol):
    """Where the events come from (the ``store`` module): a scan by position and a catch-up by stream."""

    @property
    def read_after(self) -> Callable[[int, int, tuple[int, int] | None], list[Recorded]]: ...

    @property
    def read_streams_after(self) -> Callable[[dict[str, int]], list[Recorded]]: ...


Progress = Callable[[int], None]


def rebuild(
    log: Log | ModuleType, *, batch_size: int = 5000, progress: Progress | None = None, workers: int | None = None
) -> int:
    """Replay the whole log into the read models; return how many events were folded.

    On PostgreSQL, ``workers`` processes (default: one per CPU, at most four) each fold a share of the streams.
    """
    if connection.vendor == "postgresql":
        return _Fresh(log, batch_size, progress, workers or min(4, os.cpu_count() or 1)).run()
    return _in_place(log, batch_size, progress)


def _fold(events: Sequence[Recorded], tables: Tables, cache: dict, *, skip_gaps: bool) -> int:
    """Fold and write one batch; return how many events it applied (held-back streams' events excluded)."""
    batch = Batch(events, tables=tables, cache=cache)
    held = run(batch, skip_gaps=skip_gaps)
    batch.flush(READ_MODELS)
    rows = cache.setdefault(HEAD_MODEL, {})
    if len(rows) > CACHE_LIMIT:
        rows.clear()
    rows.update(batch.rows[HEAD_MODEL])
    rows.update(batch.new[HEAD_MODEL])
    return sum(1 for r in events if r.stream_id not in held)


@transaction.atomic
def _in_place(log: Log, batch_size: int, progress: Progress | None) -> int:
    with connection.cursor() as cursor:
        for model in reversed(READ_MODELS):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    cache: dict = {}
    count = position = 0
    while events := log.read_after(position, batch_size, None):
        count += _fold(events, Tables(), cache, skip_gaps=False)
        position = events[-1].position or position
        if progress:
            progress(len(events))
    return count


#: Read-model columns the projectors look rows up by, besides the primary key (``Want(model, column, …)``):
#: their indexes are built with the fresh tables; the others once the scan is done.
#: (``tests/test_rebuild_projections.py`` checks this list against the projectors' Wants.)
LOOKUP_COLUMNS = {("corrections_comment", "thread_id"), ("corrections_unannouncededit", "article_id")}


def _needed_during_scan(table: str, definition: str) -> bool:
    """A unique index (a constraint in all but name) or one on a column the projectors look rows up by."""
    columns = definition[definition.index("(") + 1 : definition.index(")")]
    first = columns.split(",")[0].strip().strip('"')
    return definition.startswith("CREATE UNIQUE") or (table, first) in LOOKUP_COLUMNS


def _fresh_index(table: str, name: str, definition: str) -> str:
    definition = definition.replace(f" INDEX {name} ON ", f" INDEX {_tmp_name(name)} ON ", 1)
    return definition.replace(f" ON public.{table} ", f" ON public.{table}{SUFFIX} ", 1)


def _tmp_name(name: str) -> str:
    """A fresh table's index or constraint, named after the one it will replace (stable across resumes)."""
    return "rb_" + hashlib.sha1(name.encode()).hexdigest()[:24]


class _Fresh:
    """The PostgreSQL rebuild into fresh tables, swapped in at the end."""

    def __init__(self, log: Log, batch_size: int, progress: Progress | None, workers: int) -> None:
        self.log, self.batch_size, self.progress, self.workers = log, batch_size, progress, workers
        self.live = [m._meta.db_table for m in READ_MODELS]
        self.tables = Tables({m: m._meta.db_table + SUFFIX for m in READ_MODELS}, bulk=True)
        self.cache: dict = {}

    def run(self) -> int:
        shares = self._resume_or_start()
        # The scan stops at the log's end as it stands now: events appended meanwhile are caught up by
        # stream afterwards. (Chasing the end instead never finishes while appends outpace the scan.)
        end = self._execute(f"SELECT COALESCE(MAX(position), 0) FROM {EVENTS}")[0][0]
        if len(shares) > 1 and not connection.in_atomic_block:
            count = self._in_parallel(shares, end)
        else:
            count = sum(self._fold_share(part, len(shares), position, end) for part, position in shares.items())
        self._index_after_scan()
        self._add_foreign_keys()
        for _ in range(5):  # catch up without holding anyone back, until little is left
            caught = self._catch_up()
            count += caught
            if caught < 100:
                break
        count += self._swap_when_free()
        for table in self.live:
            self._execute(f"ANALYZE {table}")
        return count

    def _fold_share(self, part: int, parts: int, position: int, end: int, report: Progress | None = None) -> int:
        """Fold one share of the streams up to ``end``, committing each batch with the position it reached."""
        count = 0
        report = report or self.progress
        with closing(self._scan(position, end, (part, parts) if parts > 1 else None)) as batches:
            for events in batches:
                with transaction.atomic():
                    count += _fold(events, self.tables, self.cache, skip_gaps=True)
                    position = events[-1].position or position
                    self._execute(f"UPDATE {PROGRESS} SET position = %s WHERE part = %s", [position, part])
                if report:
                    report(len(events))
        return count

    def _in_parallel(self, shares: dict[int, int], end: int) -> int:
        """One forked process per share of the streams; their progress and errors come back on a queue."""
        context = multiprocessing.get_context("fork")
        connections.close_all()  # a child must open its own connection, never share the parent's socket
        done = context.Queue()
        workers = [
            context.Process(target=self._share_worker, args=(part, len(shares), position, end, done), daemon=True)
            for part, position in shares.items()
        ]
        for worker in workers:
            worker.start()
        count, running = 0, len(workers)
        try:
            while running:
                try:
                    kind, part, value = done.get(timeout=1)
                except queue.Empty:
                    if any(worker.exitcode not in (None, 0) for worker in workers):
                        raise RuntimeError("A rebuild worker died; run the rebuild again to resume.") from None
                    continue
                if kind == "error":
                    raise RuntimeError(f"Rebuild worker {part} failed: {value}")
                if kind == "done":
                    count += value
                    running -= 1
                elif self.progress:
                    self.progress(value)
        finally:
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()  # its batch in flight rolls back; the committed ones are kept
                worker.join()
        return count

    def _share_worker(self, part: int, parts: int, position: int, end: int, done: Any) -> None:
        """A forked child's whole life: fold its share, report each batch, close what it opened."""
        _leave_parents_connections()
        try:
            done.put(
                ("done", part, self._fold_share(part, parts, position, end, lambda n: done.put(("batch", part, n))))
            )
        except BaseException as error:
            done.put(("error", part, f"{type(error).__name__}: {error}"))
        finally:
            connection.close()
            if connection.vendor == "postgresql":
                connection.close_pool()  # type: ignore[attr-defined]  # Django >= 5.1, not in the stubs

    def _scan(self, position: int, end: int, part: tuple[int, int] | None) -> Generator[list[Recorded], None, None]:
        """The log's batches after ``position`` up to ``end``, each read while the one before is folded.

        Reading (the scan, the vault, decoding) was two fifths of a rebuild, much of it waiting for the
        database: a second connection reads the next batch meanwhile, one batch ahead at most.
        """
        if connection.in_atomic_block:
            # A caller's transaction (a test's) may hold rows that another connection cannot see.
            while position < end and (events := self.log.read_after(position, self.batch_size, part)):
                yield events
                position = events[-1].position or position
            return
        ahead: queue.Queue[list[Recorded] | BaseException | None] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def hand_over(item: list[Recorded] | BaseException | None) -> None:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def read(position: int) -> None:
            try:
                while position < end and not stop.is_set():
                    events = self.log.read_after(position, self.batch_size, part)
                    if not events:
                        break
                    hand_over(events)
                    position = events[-1].position or position
                hand_over(None)
            except BaseException as error:  # handed to the folding thread, which raises it
                hand_over(error)
            finally:
                connection.close()  # this thread's own connection

        reader = threading.Thread(target=read, args=(position,), name="rebuild-reader", daemon=True)
        reader.start()
        try:
            while (item := ahead.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            reader.join()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _resume_or_start(self) -> dict[int, int]:
        """Each share's position: where an interrupted rebuild stopped, or 0 in fresh tables."""
        if self._execute("SELECT to_regclass(%s)", [PROGRESS])[0][0] is not None:
            return dict(self._execute(f"SELECT part, position FROM {PROGRESS} ORDER BY part"))
        # Inside a caller's transaction (a test's) other connections could not see its rows: one share.
        parts = 1 if connection.in_atomic_block else self.workers
        with transaction.atomic():
            self._execute("DROP TABLE IF EXISTS corrections_rebuild_progress")  # an older release's, single share
            for table in self.live:
                fresh = table + SUFFIX
                self._execute(f"DROP TABLE IF EXISTS {fresh} CASCADE")
                self._execute(
                    f"CREATE TABLE {fresh} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY "
                    "INCLUDING CONSTRAINTS INCLUDING GENERATED)"
                )
                for name, definition in self._constraints(table, "pu"):
                    self._execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {_tmp_name(name)} {definition}")
                for name, definition in self._plain_indexes(table):
                    if _needed_during_scan(table, definition):
                        self._execute(_fresh_index(table, name, definition))
            self._execute(f"CREATE TABLE {PROGRESS} (part integer PRIMARY KEY, position bigint NOT NULL)")
            self._execute(f"INSERT INTO {PROGRESS} SELECT generate_series(0, %s - 1), 0", [parts])
        return dict.fromkeys(range(parts), 0)

    def _constraints(self, table: str, kinds: str) -> list[tuple[str, str]]:
        return [
            (name, definition)
            for name, definition in self._execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY conname",
                [table, list(kinds)],
            )
        ]

    def _plain_indexes(self, table: str) -> list[tuple[str, str]]:
        """Indexes that back no constraint (those come with their constraints)."""
        return self._execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [table],
        )

    def _index_after_scan(self) -> None:
        """The fresh tables' other indexes, built once over all their rows (faster than row by row during COPY)."""
        for table in self.live:
            for name, definition in self._plain_indexes(table):
                if not _needed_during_scan(table, definition):
                    self._execute(_fresh_index(table, name, definition).replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))

    def _add_foreign_keys(self) -> None:
        """The live tables' foreign keys, under their own names, pointing at the fresh tables (checked in bulk)."""
        with transaction.atomic():
            for table in self.live:
                fresh = table + SUFFIX
                have = {name for name, _ in self._constraints(fresh, "f")}
                for name, definition in self._constraints(table, "f"):
                    if name in have:
                        continue
                    for other in self.live:
                        definition = definition.replace(f"REFERENCES {other}(", f"REFERENCES {other}{SUFFIX}(")
                    self._execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {name} {definition}")

    def _behind(self) -> dict[str, int]:
        """Streams whose head is past what the fresh tables hold, with the version they hold."""
        fresh = HEAD_MODEL._meta.db_table + SUFFIX
        rows = self._execute(
            f"SELECT s.id, COALESCE(a.version, 0) FROM {Stream._meta.db_table} s "
            f"LEFT JOIN {fresh} a ON a.id = s.id WHERE s.version > COALESCE(a.version, 0)"
        )
        return {str(stream): version for stream, version in rows}

    def _catch_up(self) -> int:
        behind = self._behind()
        if not behind:
            return 0
        events = self.log.read_streams_after(behind)
        with transaction.atomic():
            count = _fold(events, self.tables, self.cache, skip_gaps=False)
        if self.progress:
            self.progress(len(events))
        return count

    def _swap_when_free(self, attempts: int = 5) -> int:
        """The swap, tried again if a command that read a read model before locking its article stood in a
        lock cycle with it (PostgreSQL then refuses one of the two: the swap gives way and comes back)."""
        attempt = 1
        while True:
            try:
                return self._swap()
            except OperationalError as error:
                if attempt == attempts or not isinstance(error.__cause__, (DeadlockDetected, LockNotAvailable)):
                    raise
                time.sleep(0.1 * attempt)
                attempt += 1

    @transaction.atomic
    def _swap(self) -> int:
        # Readers of the read models wait here for the few milliseconds of the swap; appends wait
        # on the stream heads. The read models are locked first, in the order appends touch them.
        self._execute("SET LOCAL lock_timeout = '10s'")
        # Check deferred foreign keys now: a table with pending checks cannot be dropped (matters when a
        # caller's transaction, a test's for one, wraps the rebuild).
        self._execute("SET CONSTRAINTS ALL IMMEDIATE")
        self._execute(f"LOCK TABLE {', '.join(self.live)} IN ACCESS EXCLUSIVE MODE")
        self._execute(f"LOCK TABLE {Stream._meta.db_table} IN EXCLUSIVE MODE")
        count = self._catch_up()
        renames = []
        for table in self.live:
            names = [name for name, _ in self._constraints(table, "pu")]
            names += [name for name, _ in self._plain_indexes(table)]
            sequence = self._execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0]
            renames.append((table, names, sequence))
        for table in self.live:
            self._execute(f"ALTER TABLE {table} RENAME TO {table}__old")
        for table in self.live:
            self._execute(f"DROP TABLE {table}__old CASCADE")
            self._execute(f"ALTER TABLE {table}{SUFFIX} RENAME TO {table}")
        for table, names, sequence in renames:
            for name in names:
                self._execute(f"ALTER INDEX {_tmp_name(name)} RENAME TO {name}")
            if sequence:
                fresh = self._execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0]
                self._execute(f"ALTER SEQUENCE {fresh} RENAME TO {sequence.split('.')[-1]}")
        self._execute(f"DROP TABLE {PROGRESS}")
        return count


#: A forked child keeps the parent's connection pools referenced and never touches them: their sockets
#: are the parent's sessions, and closing (or garbage-collecting) them would end those sessions.
_PARENTS_POOLS: list[dict] = []


def _leave_parents_connections() -> None:
    for alias in connections:
        pools = getattr(type(connections[alias]), "_connection_pools", None)
        if pools:
            _PARENTS_POOLS.append(dict(pools))
            pools.clear()
        connections[alias].connection = None
