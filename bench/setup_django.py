"""What every bench script does first: a fresh PostgreSQL database, then Django set up on it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def on_fresh_database(url: str) -> None:
    """Drop and create ``url``'s database, point Django at it and set Django up (request log quiet)."""
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    # One INFO line per request would bury the table: only warnings and errors from the request log.
    logging.getLogger("newsdesk.request").setLevel(logging.WARNING)
