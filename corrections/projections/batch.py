"""The projection engine: a batch of events folded into read-model rows held in memory, then written in bulk.

Inline (one command's events) and in a rebuild (thousands of events into fresh
tables) the same projectors run on the same ``Batch``: it first loads, in one
query per kind of row, the rows the events will touch (those the caller does not
already hold), lets the projectors change them in memory, and then writes what
changed with one INSERT per table (COPY in a rebuild on PostgreSQL) and one
UPDATE per set of changed columns.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from django.db import connection, models

from ..dbapi import server_bound
from ..domain.events import Recorded

Row = dict[str, Any]


@dataclass(frozen=True)
class Want:
    """Rows a projector will need: those of ``model`` whose ``column`` is ``value`` (and that match ``where``)."""

    model: type[models.Model]
    column: str
    value: Any
    where: str = ""


@dataclass
class Tables:
    """Where each read model lives: its own table, or a fresh one a rebuild is filling."""

    names: dict[type[models.Model], str] = field(default_factory=dict)
    bulk: bool = False  # COPY instead of INSERT (PostgreSQL only)

    def of(self, model: type[models.Model]) -> str:
        return self.names.get(model, model._meta.db_table)


LIVE = Tables()


def _pk_key(model: type[models.Model], value: Any) -> Any:
    """Rows are keyed by their id as text: events carry UUIDs as text, rows read back carry ``UUID`` objects."""
    return str(value) if isinstance(value, uuid.UUID) else value


def as_row(instance: models.Model) -> Row:
    """A model instance the caller holds (possibly behind a lazy ``request.user``) as a row."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


class Batch:
    def __init__(
        self,
        events: Sequence[Recorded],
        *,
        tables: Tables = LIVE,
        loaded: Iterable[models.Model] = (),
        cache: dict[type[models.Model], dict[Any, Row]] | None = None,
    ) -> None:
        self.events = events
        self.tables = tables
        self.rows: dict[type[models.Model], dict[Any, Row]] = defaultdict(dict)
        if cache:
            for model, rows in cache.items():
                self.rows[model].update(rows)
        self.new: dict[type[models.Model], dict[Any, Row]] = defaultdict(dict)
        self.appended: dict[type[models.Model], list[Row]] = defaultdict(list)
        self.dirty: dict[type[models.Model], dict[Any, set[str]]] = defaultdict(dict)
        self.scopes: set[Want] = set()
        self.indexes: dict[tuple[type[models.Model], str], dict[str, list[Row]]] = {}
        for instance in loaded:
            model = instance._meta.concrete_model or type(instance)
            self.rows[model][_pk_key(model, instance.pk)] = as_row(instance)

    # --- what projectors call ------------------------------------------------------

    def get(self, model: type[models.Model], pk: Any) -> Row | None:
        key = str(pk) if type(pk) is uuid.UUID else pk  # ``_pk_key``, inlined: the fold's most frequent call
        return self.new[model].get(key) or self.rows[model].get(key)

    def fetch(self, model: type[models.Model], pk: Any) -> Row | None:
        """``get``, reading the row now if the batch does not hold it (for rows no ``Want`` could name)."""
        row = self.get(model, pk)
        if row is None and pk is not None:
            self.load([Want(model, model._meta.pk.attname, pk)])
            row = self.get(model, pk)
        return row

    def exists(self, model: type[models.Model], pk: Any) -> bool:
        return self.get(model, pk) is not None

    def add(self, model: type[models.Model], row: Row) -> Row:
        """A new row; a model whose key is generated (``AutoField``) gets it from the database."""
        if isinstance(model._meta.pk, models.AutoField):
            self.appended[model].append(row)
        else:
            self.new[model][_pk_key(model, row[model._meta.pk.attname])] = row
        for (indexed, column), index in self.indexes.items():
            if indexed is model:
                index.setdefault(str(row[column]), []).append(row)
        return row

    def change(self, model: type[models.Model], row: Row, **values: Any) -> None:
        row.update(values)
        pk = row.get(_pk_name(model))
        if pk is None:  # added in this batch, its key still to come from the database: written as it stands
            return
        key = _pk_key(model, pk)
        if key not in self.new[model]:
            self.dirty[model].setdefault(key, set()).update(values)

    def having(self, model: type[models.Model], column: str, value: Any) -> list[Row]:
        """Rows of ``model`` this batch holds (loaded or new) whose ``column`` is ``value``; ``Want`` them first."""
        index = self.indexes.get((model, column))
        if index is None:
            index = self.indexes[(model, column)] = {}
            for row in [*self.rows[model].values(), *self.new[model].values(), *self.appended[model]]:
                index.setdefault(str(row[column]), []).append(row)
        return index.get(str(value), [])

    # --- loading -------------------------------------------------------------------

    def load(self, wants: Iterable[Want]) -> None:
        """Read the wanted rows this batch does not hold yet: one query per (model, column, where)."""
        groups: dict[tuple[type[models.Model], str, str], set[Any]] = defaultdict(set)
        for want in wants:
            if want.value is None or want in self.scopes:
                continue
            by_key = want.column == want.model._meta.pk.attname
            if by_key and self.get(want.model, want.value) is not None:
                continue
            self.scopes.add(want)
            groups[(want.model, want.column, want.where)].add(_pk_key(want.model, want.value) if by_key else want.value)
        for (model, column, where), values in groups.items():
            self._fetch(model, column, where, sorted(values, key=str))

    def _fetch(self, model: type[models.Model], column: str, where: str, values: list[Any]) -> None:
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields if model._meta.app_label == "corrections" else [model._meta.pk]
        target = cast(models.Field, model._meta.get_field(column))
        select = (
            f"SELECT {', '.join(quote(_column(f)) for f in fields)} FROM {quote(self.tables.of(model))} "
            f"WHERE {quote(_column(target))}"
        )
        found = self.rows[model]
        for start in range(0, len(values), 1000):
            chunk = [target.get_db_prep_value(v, connection) for v in values[start : start + 1000]]
            if connection.vendor == "postgresql":
                # One array parameter: a short query psycopg parses once, and rows as tuples, not model instances.
                sql = f"{select} = ANY(%s::{target.db_type(connection)}[])" + (f" AND {where}" if where else "")
                loaders = [getattr(f, "from_db_value", None) for f in fields]
                with server_bound() as cursor:
                    cursor.execute(sql, [chunk])
                    for values_ in cursor.fetchall():
                        row = {
                            f.attname: load(value, None, connection) if load and value is not None else value
                            for f, load, value in zip(fields, loaders, values_, strict=True)
                        }
                        found.setdefault(_pk_key(model, row[model._meta.pk.attname]), row)
                continue
            sql = f"{select} IN ({', '.join(['%s'] * len(chunk))})" + (f" AND {where}" if where else "")
            for instance in model._default_manager.raw(sql, chunk):
                key = _pk_key(model, instance.pk)
                if key not in found:
                    found[key] = {f.attname: instance.__dict__.get(f.attname) for f in fields}
        self.indexes = {key: index for key, index in self.indexes.items() if key[0] is not model}

    # --- writing -------------------------------------------------------------------

    def flush(self, order: Sequence[type[models.Model]]) -> None:
        """Write new rows (parents first) and then changed ones."""
        for model in order:
            rows = list(self.new[model].values()) + self.appended[model]
            if rows:
                self._insert(model, rows)
        for model in order:
            by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
            for key, changed in self.dirty[model].items():
                by_columns[tuple(sorted(changed))].append(self.rows[model][key])
            for columns, rows in by_columns.items():
                self._update(model, columns, rows)

    def _fields(self, model: type[models.Model], names: Iterable[str] | None = None) -> list[models.Field]:
        concrete = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
        return concrete if names is None else [f for f in concrete if f.attname in set(names)]

    def _values(self, fields: Sequence[models.Field], rows: Iterable[Row]) -> Iterator[list[Any]]:
        """Each row's values for ``fields``, ready for the database."""
        if connection.vendor != "postgresql":
            for row in rows:
                yield [f.get_db_prep_save(row.get(f.attname, _default(f)), connection) for f in fields]
            return
        # psycopg adapts these Python types itself but for JSON; projectors write whole rows, so defaults are rare.
        names = [f.attname for f in fields]
        json_at = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        for row in rows:
            values = [row[name] if name in row else _default(f) for name, f in zip(names, fields, strict=True)]
            for i, json_field in json_at:
                values[i] = json_field.get_db_prep_save(values[i], connection)
            yield values

    def _insert(self, model: type[models.Model], rows: list[Row]) -> None:
        quote = connection.ops.quote_name
        fields = self._fields(model)
        columns = ", ".join(quote(_column(f)) for f in fields)
        table = quote(self.tables.of(model))
        with connection.cursor() as cursor:
            if self.tables.bulk and connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in self._values(fields, rows):
                        copy.write_row(values)
                return
            one = f"({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                params = [value for values in self._values(fields, chunk) for value in values]
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}", params)

    def _update(self, model: type[models.Model], names: tuple[str, ...], rows: list[Row]) -> None:
        quote = connection.ops.quote_name
        pk = model._meta.pk
        fields = self._fields(model, names)
        table = quote(self.tables.of(model))
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql" or len(rows) == 1:
                sets = ", ".join(f"{quote(_column(f))} = %s" for f in fields)
                sql = f"UPDATE {table} SET {sets} WHERE {quote(_column(pk))} = %s"
                cursor.executemany(sql, [[*values[1:], values[0]] for values in self._values([pk, *fields], rows)])
                return
            # One statement for many rows: one typed array per column, unnested and joined on the key
            # (a short query psycopg parses once, however many rows).
            typed = [pk, *fields]
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in typed)
            names_sql = ", ".join(quote(_column(f)) for f in typed)
            sets = ", ".join(f"{quote(_column(f))} = v.{quote(_column(f))}" for f in fields)
            sql = (
                f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS v ({names_sql}) "
                f"WHERE t.{quote(_column(pk))} = v.{quote(_column(pk))}"
            )
            for start in range(0, len(rows), 5000):
                columns = zip(*self._values(typed, rows[start : start + 5000]), strict=True)
                cursor.execute(sql, [list(column) for column in columns])


@cache
def _pk_name(model: type[models.Model]) -> str:
    return str(model._meta.pk.attname)


def _column(field: models.Field) -> str:
    return str(field.column)


def _default(field: models.Field) -> Any:
    return field.get_default() if field.has_default() else None
