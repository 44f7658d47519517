"""The ``meta`` every event carries: who acted and the request that did it, built in this one place."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.request import Request


def actor_meta(
    user: AbstractBaseUser | AnonymousUser | None = None, *, kind: str | None = None, request_id: str = ""
) -> dict[str, Any]:
    """The ``meta`` of an event: who acted (editor, reader or system) and the request that did it."""
    if user is not None and user.is_authenticated:
        actor: dict[str, Any] = {"kind": kind or "editor", "id": user.pk, "username": user.get_username()}
    else:
        actor = {"kind": kind or "reader"}
    meta: dict[str, Any] = {"actor": actor}
    if request_id:
        meta["request_id"] = request_id
    return meta


def request_meta(request: HttpRequest | Request, *, kind: str | None = None, anonymous: bool = False) -> dict[str, Any]:
    """The meta of the events a request appends (API, admin or page): its user, unless ``anonymous``, and its id.

    The id is the one the request-id middleware set on the request (validated or
    generated there); the header is never read here.
    """
    user = None if anonymous else getattr(request, "user", None)
    return actor_meta(user, kind=kind, request_id=getattr(request, "request_id", "") or "")
