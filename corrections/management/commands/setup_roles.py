"""Create the Editors group, and on PostgreSQL the least-privileged role the app runs as.

    python manage.py setup_roles
    python manage.py setup_roles --database-role newsdesk_app     # password from NEWSDESK_APP_PASSWORD
    python manage.py setup_roles --database-role newsdesk_app --print-sql

Run it as the owner of the tables (the role that runs ``migrate``), after every migrate.
The runtime role may read and write the read models, but on the event log it may only
SELECT and INSERT: it cannot UPDATE, DELETE or TRUNCATE an event, and as it owns no table
it cannot ALTER one to disable the append-only triggers.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from corrections.models import Event
from corrections.roles import PERMISSIONS, editors_group

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def role_sql(role: str, database: str, events_table: str) -> list[str]:
    """Statements that create (if need be) and grant the runtime role; names are checked by the caller."""
    quote = connection.ops.quote_name
    r, db, events = quote(role), quote(database), quote(events_table)
    return [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {r} LOGIN; END IF;
            END $$""",
        f"ALTER ROLE {r} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        f"GRANT CONNECT ON DATABASE {db} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # Tables a later migration creates get the same; the event log already exists and keeps its own.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {events} FROM {r}",
    ]


class Command(BaseCommand):
    help = "Create the Editors group and permissions; on PostgreSQL, optionally the app's least-privileged role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-role",
            metavar="NAME",
            help="PostgreSQL role for web and worker processes: SELECT and INSERT only on the event log.",
        )
        parser.add_argument(
            "--password-env",
            default="NEWSDESK_APP_PASSWORD",
            metavar="VAR",
            help="Environment variable holding the role's password (default NEWSDESK_APP_PASSWORD; unset: unchanged).",
        )
        parser.add_argument("--print-sql", action="store_true", help="Print the role's SQL instead of running it.")

    def handle(self, *args: Any, database_role: str | None, password_env: str, print_sql: bool, **options: Any) -> None:
        if database_role:
            self._database_role(database_role, password_env, print_sql)
            if print_sql:
                return
        group = editors_group()
        self.stdout.write(f"Group {group.name!r}: {', '.join(PERMISSIONS)}.")

    def _database_role(self, role: str, password_env: str, print_sql: bool) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("--database-role needs PostgreSQL (DATABASE_URL=postgres://…); SQLite has no roles.")
        if not ROLE_NAME.fullmatch(role):
            raise CommandError("A role name is lower-case letters, digits and underscores, starting with a letter.")
        statements = role_sql(role, connection.settings_dict["NAME"], Event._meta.db_table)
        password = os.environ.get(password_env, "")
        if print_sql:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if password:
                from psycopg import sql

                literal = sql.Literal(password).as_string(connection.connection)
                cursor.execute(f"ALTER ROLE {connection.ops.quote_name(role)} PASSWORD {literal}")
        self.stdout.write(
            f"Role {role!r}: SELECT and INSERT on {Event._meta.db_table}, read and write on the read models"
            + (f"; password from ${password_env}." if password else "; password unchanged.")
        )
