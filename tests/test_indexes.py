"""An append maintains no index that another already provides, and the lookups those served still use an index."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from corrections import reading
from corrections.models import (
    Comment,
    CommentAuthor,
    Event,
    Notification,
    PersonalDatum,
    PublicNote,
    Suggestion,
    SuggestionTicket,
    TextVersion,
    UnannouncedEdit,
)

from .conftest import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

#: The tables a reader's comment or report inserts into.
APPEND_PATH = [Event, PersonalDatum, Comment, Suggestion, SuggestionTicket, CommentAuthor, Notification]


@dataclass(frozen=True)
class Index:
    table: str
    name: str
    unique: bool
    partial: str | None
    keys: tuple[tuple[str, str, int], ...]  # (column, operator class, sort options); column "" for an expression


def indexes(tables: list[str]) -> list[Index]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, c.relname, i.indisunique, pg_get_expr(i.indpred, i.indrelid),
                   array(SELECT COALESCE(a.attname, '') FROM unnest(i.indkey) WITH ORDINALITY k (attnum, n)
                         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         ORDER BY k.n),
                   array(SELECT o.opcname FROM unnest(i.indclass) WITH ORDINALITY k (oid, n)
                         JOIN pg_opclass o ON o.oid = k.oid ORDER BY k.n),
                   i.indoption::int2[]
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) ORDER BY t.relname, c.relname
            """,
            [tables],
        )
        return [
            Index(table, name, unique, partial, tuple(zip(columns, classes, options, strict=True)))
            for table, name, unique, partial, columns, classes, options in cursor.fetchall()
        ]


def leads(short: Index, long: Index) -> bool:
    """``long`` serves every lookup ``short`` serves: its leading keys are ``short``'s, over the same rows."""
    if short is long or short.unique or long.partial not in {None, short.partial}:
        return False
    if any(column == "" for column, _, _ in short.keys):
        return False
    return long.keys[: len(short.keys)] == short.keys


def pattern_ops(found: list[Index]) -> set[tuple[str, str]]:
    return {(i.table, column) for i in found for column, opclass, _ in i.keys if opclass.endswith("_pattern_ops")}


def test_the_append_path_has_no_pattern_ops_index() -> None:
    """A comment or a report maintains no varchar_pattern_ops index: no query matches those columns by prefix."""
    require_postgres()
    found = indexes([model._meta.db_table for model in APPEND_PATH])
    assert {index.table for index in found} == {model._meta.db_table for model in APPEND_PATH}
    assert pattern_ops(found) == set()


def test_only_the_slug_keeps_a_pattern_ops_index() -> None:
    """Ingest finds a free slug with slug__startswith (LIKE 'x%'): the article's slug is the one such index."""
    require_postgres()
    found = indexes([model._meta.db_table for model in apps.get_app_config("corrections").get_models()])
    assert pattern_ops(found) == {("corrections_article", "slug")}


def test_no_index_is_led_by_another() -> None:
    """No index's columns lead another index over the same rows (that one serves its lookups): none creeps back."""
    require_postgres()
    tables = [model._meta.db_table for model in apps.get_app_config("corrections").get_models()]
    found = indexes(tables)
    redundant = [
        f"{short.name} (led by {long.name})"
        for short in found
        for long in found
        if short.table == long.table and leads(short, long)
    ]
    assert redundant == []


def test_the_check_sees_a_redundant_index() -> None:
    """The check above fails for a plain index on event.stream_id and a pattern-ops index, as 0014 had."""
    require_postgres()
    table = Event._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX test_redundant_stream ON {table} (stream_id)")
            cursor.execute(f"CREATE INDEX test_redundant_like ON {table} (type varchar_pattern_ops)")
        found = indexes([table])
        transaction.set_rollback(True)
    short = next(i for i in found if i.name == "test_redundant_stream")
    assert any(leads(short, long) for long in found if long.name == "event_stream_version_unique")
    like = next(i for i in found if i.name == "test_redundant_like")
    assert like.keys[0][1] == "varchar_pattern_ops"


def plan(sql: str, *, ordered: bool = False) -> str:
    """The plan PostgreSQL chooses with sequential scans off (as on a large table), as JSON text.

    ``ordered``: bitmap scans off too, which leaves an index scan, in the index's order where it has one.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if ordered:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        found = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return json.dumps(found if not isinstance(found, str) else json.loads(found))


def uses(text: str, index: str) -> bool:
    nodes = json.loads(text)
    stack: list[Any] = [nodes[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node.get("Index Name") == index:
            return True
        stack.extend(node.get("Plans", []))
    return False


def test_reading_a_stream_reads_the_unique_index_in_order() -> None:
    """Reading an article's stream uses UNIQUE(stream_id, version), which also gives the version order."""
    require_postgres()
    with CaptureQueriesContext(connection) as queries:
        reading.read_stream(uuid.uuid4())
    sql = queries.captured_queries[-1]["sql"]
    text = plan(sql)
    assert uses(text, "event_stream_version_unique"), text
    # A few events may be fetched by bitmap and sorted; a long stream is walked in order, unsorted.
    text = plan(sql, ordered=True)
    assert uses(text, "event_stream_version_unique") and '"Sort"' not in text, text


def sql_of(queryset: QuerySet[Any]) -> str:
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    return queries.captured_queries[-1]["sql"]


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: TextVersion.objects.filter(article_id=uuid.uuid4()), "textversion_article_version"),
        (lambda: PublicNote.objects.filter(article_id=uuid.uuid4()), "note_article_version_unique"),
        (lambda: UnannouncedEdit.objects.filter(article_id=uuid.uuid4()), "unannounced_article_version"),
        (lambda: Suggestion.objects.filter(status="new").order_by(), "corrections_status_466bfa_idx"),
    ],
)
def test_lookups_whose_index_went_use_the_wider_one(queryset: Any, index: str) -> None:
    """Lookups by article and by a suggestion's status read the unique (or wider) index that leads with them."""
    require_postgres()
    text = plan(sql_of(queryset()))
    assert uses(text, index), text
