"""Small pieces every API view uses: validating a request."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


def validated(serializer_class: type[serializers.Serializer], request: Request, data: Any = None) -> dict[str, Any]:
    """The request's body (or ``data``, e.g. the query string) validated; a 400 with field errors otherwise."""
    serializer = serializer_class(data=request.data if data is None else data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
