"""Make the event log append-only in the database itself: UPDATE and DELETE are refused.

The SQL is written out here, frozen: this migration does the same thing whatever
``corrections/triggers.py`` (the live copy, re-asserted after every migrate) later says.
"""

from __future__ import annotations

from django.db import migrations

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS corrections_event_no_update BEFORE UPDATE ON corrections_event
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: UPDATE is not allowed'); END""",
    """CREATE TRIGGER IF NOT EXISTS corrections_event_no_delete BEFORE DELETE ON corrections_event
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: DELETE is not allowed'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS corrections_event_no_update",
    "DROP TRIGGER IF EXISTS corrections_event_no_delete",
]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION newsdesk_events_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP;
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER corrections_event_append_only BEFORE UPDATE OR DELETE ON corrections_event
        FOR EACH ROW EXECUTE FUNCTION newsdesk_events_append_only()""",
    """CREATE OR REPLACE TRIGGER corrections_event_no_truncate BEFORE TRUNCATE ON corrections_event
        FOR EACH STATEMENT EXECUTE FUNCTION newsdesk_events_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS corrections_event_append_only ON corrections_event",
    "DROP TRIGGER IF EXISTS corrections_event_no_truncate ON corrections_event",
]

SQL = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, create: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise NotImplementedError(f"No append-only triggers for {vendor}.")
    for statement in SQL[vendor][0 if create else 1]:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, create=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, create=False)


class Migration(migrations.Migration):
    dependencies = [("corrections", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
