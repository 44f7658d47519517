"""The personal-data vault: personal fields of events live here, the log holds salted commitments.

At append (``seal``), each personal field of an event's data (see
``domain.privacy.PERSONAL_FIELDS``) and the actor's id and username in its meta
are replaced by ``{"$pd": digest}`` where digest = HMAC-SHA256(salt, value);
the value and the salt go into ``PersonalDatum``. The hash chain then covers
the commitment only, so erasing a value keeps every chain valid, and a public
hash cannot confirm a guessed name or text (the salt is secret and random).

At read (``reveal``), commitments are resolved back in one query per batch;
an erased value reads as ``ERASED`` (a text) or ``None`` (an id). Events
recorded before the vault hold their values in the clear and read unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection

from .dbapi import insert, server_bound
from .domain.privacy import AUTHORED_BY_ACTOR, ERASED, PERSONAL_ACTOR_FIELDS, PERSONAL_FIELDS
from .models import Event as EventRow
from .models import PersonalDatum

MARK = "$pd"


def commitment(salt: str, value: Any) -> str:
    """HMAC-SHA256 of the canonical JSON of ``value``, keyed with the salt."""
    body = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(bytes.fromhex(salt), body.encode(), hashlib.sha256).hexdigest()


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {MARK} and isinstance(value[MARK], str)


def _personal(value: Any) -> bool:
    return value is not None and value != ""


def _seal_value(
    rows: list[PersonalDatum], stream_id: Any, version: int, field: str, subject: str, value: Any
) -> dict[str, str]:
    salt = secrets.token_hex(16)
    digest = commitment(salt, value)
    rows.append(
        PersonalDatum(
            digest=digest, stream_id=stream_id, version=version, field=field, subject=subject, salt=salt, value=value
        )
    )
    return {MARK: digest}


def seal(
    stream_id: uuid.UUID | str,
    first_version: int,
    events: Sequence[tuple[str, dict[str, Any]]],
    meta: dict[str, Any],
    *,
    into: list[PersonalDatum] | None = None,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The data and meta each event is stored with, personal fields committed; the values go into the vault.

    ``events`` are (type, JSON-ready data) in order; the first gets ``first_version``.
    One INSERT for the whole append, none when nothing is personal; with ``into``,
    the vault's rows are added to that list for the caller to write (a bulk load).
    """
    rows: list[PersonalDatum] = []
    actor = meta.get("actor") or {}
    actor_subject = f"user:{actor['id']}" if actor.get("id") is not None else ""
    sealed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for offset, (type_name, data) in enumerate(events):
        version = first_version + offset
        original, data = data, dict(data)
        for name in PERSONAL_FIELDS.get(type_name, ()):
            if not _personal(data.get(name)) or is_sealed(data[name]):
                continue
            subject = actor_subject if type_name in AUTHORED_BY_ACTOR else ""
            if name in ("author_user_id", "assignee_id"):
                subject = f"user:{original[name]}"
            elif name == "assignee" and original.get("assignee_id") is not None:
                subject = f"user:{original['assignee_id']}"
            data[name] = _seal_value(rows, stream_id, version, name, subject, data[name])
        event_meta = dict(meta)
        if actor:
            event_actor = dict(actor)
            for name in PERSONAL_ACTOR_FIELDS:
                if _personal(event_actor.get(name)):
                    event_actor[name] = _seal_value(
                        rows, stream_id, version, f"actor.{name}", actor_subject, event_actor[name]
                    )
            event_meta["actor"] = event_actor
        sealed.append((data, event_meta))
    if into is not None:
        into.extend(rows)
    elif rows:
        insert(rows)  # every reader's comment and report writes two rows: bulk_create would triple their cost
    return sealed


def _digests(data: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    actor = meta.get("actor")
    values = [*data.values(), *actor.values()] if isinstance(actor, dict) else data.values()
    # (The rebuild opens every event of the log: ``is_sealed`` spelled out here is a third of its cost.)
    return [value[MARK] for value in values if type(value) is dict and len(value) == 1 and MARK in value]


def _open_values(digests: set[str]) -> dict[str, Any]:
    """The values still held for these digests (an erased one has none), in one query."""
    if connection.vendor == "postgresql":
        # One array parameter (a short query, parsed once), and most values, strings, read as text: no JSON.
        with server_bound() as cursor:
            cursor.execute(
                f"SELECT digest, jsonb_typeof(value) = 'string', value #>> '{{}}' "
                f"FROM {PersonalDatum._meta.db_table} WHERE digest = ANY(%s) AND erased_at IS NULL",
                [list(digests)],
            )
            return {
                digest: text if is_text or text is None else json.loads(text)
                for digest, is_text, text in cursor.fetchall()
            }
    rows = PersonalDatum.objects.filter(digest__in=digests, erased_at__isnull=True).values_list("digest", "value")
    return dict(rows.iterator())


def reveal(items: Sequence[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(type, data, meta) as stored → (data, meta) with personal fields opened, in one query for the batch.

    An erased text reads as ``ERASED``; an erased id as ``None``.
    """
    sealed = [_digests(data, meta) for _, data, meta in items]
    wanted = {digest for digests in sealed for digest in digests}
    vault = _open_values(wanted) if wanted else {}
    opened = []
    for (_, data, meta), digests in zip(items, sealed, strict=True):
        if not digests:
            opened.append((data, meta))
            continue
        clear = {name: _resolve(name, value, vault) for name, value in data.items()}
        clear_meta = dict(meta)
        if isinstance(meta.get("actor"), dict):
            clear_meta["actor"] = {name: _resolve(name, value, vault) for name, value in meta["actor"].items()}
        opened.append((clear, clear_meta))
    return opened


def _resolve(name: str, value: Any, vault: dict[str, Any]) -> Any:
    if not (type(value) is dict and len(value) == 1 and MARK in value):
        return value
    if value[MARK] in vault:
        return vault[value[MARK]]
    return None if name in ID_FIELDS else ERASED


#: Fields holding an account id: erased, they read as None (no account) rather than as text.
ID_FIELDS = ("author_user_id", "assignee_id", "id")


def reveal_rows(rows: Sequence[EventRow]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The opened (data, meta) of each event row, in one query."""
    return reveal([(row.type, row.data, row.meta) for row in rows])


def open_rows(rows: Sequence[EventRow]) -> None:
    """For display only: replace each row's data and meta with the opened ones (never save such a row)."""
    for row, (data, meta) in zip(rows, reveal_rows(rows), strict=True):
        row.data, row.meta = data, meta
