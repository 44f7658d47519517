"""URL converters: path parameters never carry control characters (PostgreSQL refuses NUL; a 404, not a 500)."""

from __future__ import annotations

from django.urls import register_converter


class PlainSegment:
    """Like ``str`` (anything but a slash) without control characters: ``/suggestions/%00/`` is a 404."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PlainSegment, "segment")
