"""The append-only triggers on the event log: the SQL, defined once, and installing or dropping it.

Migration 0002 carries its own frozen copy of this SQL (a migration never imports
live code); ``CorrectionsConfig`` re-asserts these after every migrate or flush.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import Event as EventRow

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
