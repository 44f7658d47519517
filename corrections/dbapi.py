"""A psycopg cursor on Django's own connection, for the few queries where Django's cursor costs too much."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection


@contextmanager
def server_bound() -> Iterator[psycopg.Cursor]:
    """A cursor whose parameters are bound by the server (PostgreSQL only).

    Django's cursor writes every parameter into the query text, in Python: an array
    of thousands of keys becomes a long literal. Bound by the server, it travels as
    one value that psycopg dumps in C. Same connection, same transaction.
    """
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        yield cursor
