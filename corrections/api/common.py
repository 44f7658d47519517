"""Small pieces every API view uses: validating a request, and the meta of the events it appends."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from .. import services


def validated(serializer_class: type[serializers.Serializer], request: Request, data: Any = None) -> dict[str, Any]:
    """The request's body (or ``data``, e.g. the query string) validated; a 400 with field errors otherwise."""
    serializer = serializer_class(data=request.data if data is None else data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def request_id(request: Request) -> str:
    return request.headers.get("X-Request-ID", "")


def meta_of(request: Request) -> dict[str, Any]:
    """Who acts (the logged-in editor, or a reader) and the request id, for the events' meta."""
    return services.actor_meta(request.user, request_id=request_id(request))
