"""Tamper evidence: verify every hash chain against its stream head, and the log against signed checkpoints.

``verify`` recomputes each stream's chain and checks that it ends where the
stream's head says, that every head and every article has events, and (given
checkpoints) that the log still extends every checkpointed head. A checkpoint
(``checkpoint_create``) is an HMAC-signed list of all stream heads, written
outside the database with a key the database never sees: whoever can rewrite
the database can re-chain a stream, but cannot make it extend a checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import store, vault
from .models import Article, PersonalDatum, Stream
from .models import Event as EventRow

FORMAT = "newsdesk-checkpoint/1"


@dataclass(frozen=True)
class Breach:
    position: int | None  # None when the breach is not one event (a head, an article, a checkpoint)
    stream_id: str
    version: int
    reason: str


class CheckpointError(Exception):
    """A checkpoint cannot be written or read (no key, an unreachable target, a malformed line)."""


# --- Checkpoints ----------------------------------------------------------------------


def _key() -> bytes:
    if not settings.CHECKPOINT_KEY:
        raise CheckpointError("CHECKPOINT_KEY is not set: checkpoints are signed with a key kept outside the database.")
    return settings.CHECKPOINT_KEY.encode()


def _sign(body: dict[str, Any]) -> str:
    return hmac.new(_key(), store.canonical_json(body).encode(), hashlib.sha256).hexdigest()


def heads() -> dict[str, list[Any]]:
    """Every stream's head as [version, last hash], by stream id."""
    return {str(pk): [version, last] for pk, version, last in Stream.objects.values_list("id", "version", "last_hash")}


def checkpoint_body() -> dict[str, Any]:
    """The signed document: every head, and a digest of them all for a quick comparison."""
    current = heads()
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "streams": len(current),
        "digest": hashlib.sha256(store.canonical_json(current).encode()).hexdigest(),
        "heads": current,
    }


def checkpoint_create(target: str | None = None) -> dict[str, Any]:
    """Sign the current heads and write them to ``CHECKPOINT_TARGET`` (a file, appended; or an http(s) URL)."""
    target = target or settings.CHECKPOINT_TARGET
    if not target:
        raise CheckpointError("CHECKPOINT_TARGET is not set: give a file path or an https:// URL outside the database.")
    body = checkpoint_body()
    document = {**body, "signature": _sign(body)}
    line = store.canonical_json(document)
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(
            target, data=line.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CHECKPOINT_TIMEOUT) as response:
                response.read()
        except OSError as error:
            raise CheckpointError(f"The checkpoint could not be sent to {target}: {error}") from error
    else:
        path = Path(target.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return document


def checkpoints_read(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Checkpoints, one JSON document a line (as ``checkpoint_create`` appends them); blank lines skipped."""
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as error:
            raise CheckpointError(f"Line {number} of the checkpoints is not JSON.") from error
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CheckpointError(f"Line {number} is not a {FORMAT} document.")
        found.append(document)
    return found


def signature_valid(document: dict[str, Any]) -> bool:
    body = {key: value for key, value in document.items() if key != "signature"}
    return hmac.compare_digest(str(document.get("signature", "")), _sign(body))


# --- Verification -------------------------------------------------------------------------


@dataclass
class _Expected:
    """Hashes the checkpoints say each (stream, version) had: the log must still hold exactly these."""

    hashes: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)

    def add(self, document: dict[str, Any]) -> Breach | None:
        if not signature_valid(document):
            return Breach(None, "", 0, f"the checkpoint of {document.get('created_at')} has a bad signature")
        for stream, (version, last) in document.get("heads", {}).items():
            if version:
                self.hashes[(stream, int(version))] = (last, str(document.get("created_at")))
        return None


def verify(checkpoints: Iterable[dict[str, Any]] = ()) -> tuple[int, Breach | None]:
    """Recompute every chain, compare its end with the head, and check it extends every checkpoint.

    Returns how many events were checked and the first breach, if any.
    """
    expected = _Expected()
    for document in checkpoints:
        breach = expected.add(document)
        if breach is not None:
            return 0, breach
    ends: dict[str, tuple[int, str]] = {}
    checked = 0
    for row in store.iter_all():
        stream = str(row.stream_id)
        version, previous = ends.get(stream, (0, ""))
        if row.version != version + 1:
            return checked, Breach(row.position, stream, row.version, f"expected version {version + 1}")
        if store.event_hash(previous, row) != row.hash:
            return checked, Breach(row.position, stream, row.version, "hash does not match its content")
        promised = expected.hashes.pop((stream, row.version), None)
        if promised is not None and promised[0] != row.hash:
            reason = f"the chain no longer extends the checkpoint of {promised[1]} (re-chained)"
            return checked, Breach(row.position, stream, row.version, reason)
        ends[stream] = (row.version, row.hash)
        checked += 1
    breach = _heads_match(ends) or _articles_have_events(ends) or _vault_matches()
    if breach is None and expected.hashes:
        (stream, version), (_, when) = min(expected.hashes.items(), key=lambda item: item[1][1])
        reason = f"the checkpoint of {when} has version {version}, which is no longer in the log (truncated or deleted)"
        breach = Breach(None, stream, version, reason)
    return checked, breach


def _catch_up(
    stream: str, end: tuple[int, str] | None, upto: int | None
) -> tuple[tuple[int, str] | None, Breach | None]:
    """Verify the events appended to ``stream`` since the pass read it (verify_log runs beside live appends)."""
    rows = EventRow.objects.filter(stream_id=stream, version__gt=end[0] if end else 0).order_by("version")
    if upto is not None:
        rows = rows.filter(version__lte=upto)
    for row in rows:
        version, previous = end or (0, "")
        if row.version != version + 1:
            return end, Breach(row.position, stream, row.version, f"expected version {version + 1}")
        if store.event_hash(previous, row) != row.hash:
            return end, Breach(row.position, stream, row.version, "hash does not match its content")
        end = (row.version, row.hash)
    return end, None


def _heads_match(ends: dict[str, tuple[int, str]]) -> Breach | None:
    """Each chain must end where its head says; a head without events, or events without a head, is a breach."""
    seen = set()
    for pk, version, last in Stream.objects.order_by("id").values_list("id", "version", "last_hash"):
        stream = str(pk)
        seen.add(stream)
        end = ends.get(stream)
        if end is None or end[0] < version:
            end, breach = _catch_up(stream, end, version)
            if breach is not None:
                return breach
        if end is None:
            return Breach(None, stream, version, "the stream's head has no events (its log was deleted)")
        ends[stream] = end
        if end[0] != version:
            return Breach(None, stream, end[0], f"the chain ends at version {end[0]} but the head says {version}")
        if end[1] != last:
            return Breach(None, stream, end[0], "the chain's last hash differs from the head's")
    for stream in sorted(set(ends) - seen):
        return Breach(None, stream, ends[stream][0], "events without a stream head")
    return None


def _vault_matches() -> Breach | None:
    """Every value still in the vault must match the commitment its event holds (the digest is its key)."""
    rows = PersonalDatum.objects.filter(erased_at__isnull=True).order_by("stream_id", "version")
    for digest, stream, version, salt, value in rows.values_list("digest", "stream_id", "version", "salt", "value"):
        if vault.commitment(salt, value) != digest:
            return Breach(None, str(stream), version, "a personal field in the vault no longer matches its commitment")
    return None


def _articles_have_events(ends: dict[str, tuple[int, str]]) -> Breach | None:
    for pk, version in Article.objects.order_by("id").values_list("id", "version"):
        stream = str(pk)
        if stream not in ends and _catch_up(stream, None, None)[0] is None:
            return Breach(None, stream, version, "an article without events (its log was deleted)")
    return None
