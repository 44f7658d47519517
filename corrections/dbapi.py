"""Below the ORM, for the few statements where its cost shows: rows inserted with nothing asked back, and a
psycopg cursor on Django's own connection whose parameters the server binds."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection, models


def insert(instances: Sequence[models.Model]) -> None:
    """One INSERT of new rows of one model, with nothing asked back.

    What ``save()`` or ``bulk_create`` do (defaults, ``auto_now_add``) at a third of
    ``bulk_create``'s cost per call, and without its RETURNING of generated keys:
    inside ``store.atomic``'s pipeline, waiting for that answer would cost a round trip.
    """
    model = type(instances[0])
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    one = f"({', '.join(['%s'] * len(fields))})"
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in instances for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
            f"VALUES {', '.join([one] * len(instances))}",
            params,
        )


@contextmanager
def server_bound() -> Iterator[psycopg.Cursor[Any]]:
    """A cursor whose parameters are bound by the server (PostgreSQL only).

    Django's cursor writes every parameter into the query text, in Python: an array
    of thousands of keys becomes a long literal. Bound by the server, it travels as
    one value that psycopg dumps in C. Same connection, same transaction; its queries
    are counted where Django counts its own (``assertNumQueries``, ``connection.queries``).
    """
    connection.ensure_connection()
    cursor_class = _Counted if connection.queries_logged else psycopg.Cursor
    with cursor_class(connection.connection) as cursor:
        yield cursor


class _Counted(psycopg.Cursor[Any]):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> _Counted:
        start = time.monotonic()
        try:
            super().execute(query, params, **kwargs)
        finally:
            connection.queries_log.append({"sql": str(query), "time": f"{time.monotonic() - start:.3f}"})
        return self
