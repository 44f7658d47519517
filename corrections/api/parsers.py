"""A JSON parser that refuses bodies over the size limit (413) and nesting deeper than any request needs (400)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        super().__init__(f"The request body is larger than the limit of {settings.API_MAX_BODY_BYTES} bytes.")


#: No request body needs more than a few levels (an object holding a list of objects).
MAX_DEPTH = 16


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Does the JSON text open more than ``limit`` arrays or objects inside each other? (Scanned, not parsed.)"""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        if not raw:
            raise ParseError("The request body is empty; send a JSON object.")
        # Deep nesting would exhaust the parser's recursion (a 500); the scan is linear and allocates nothing.
        if too_deep(raw):
            raise ParseError(f"The JSON is nested more than {MAX_DEPTH} levels deep; no request needs that.")
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as error:
            raise ParseError("The JSON is nested too deeply.") from error
