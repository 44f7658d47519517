"""Named domain errors; the API maps each to one HTTP status in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused; the message is written for a person."""

    code = "invalid"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class Unauthenticated(DomainError):
    """A request that must prove who sent it did not (e.g. a webhook's signature is missing or wrong)."""

    code = "unauthenticated"


class Conflict(DomainError):
    code = "conflict"


class StaleVersion(Conflict):
    """The text changed after the version the editor last saw."""

    code = "stale_version"


class SlugTaken(Conflict):
    code = "slug_taken"


class InvalidCommand(DomainError):
    """The request makes no sense for the article as it stands (HTTP 422)."""

    code = "invalid_command"


class SelectionNotFound(InvalidCommand):
    code = "selection_not_found"


class SelectionAmbiguous(InvalidCommand):
    code = "selection_ambiguous"


class ArticleRetractedError(InvalidCommand):
    code = "article_retracted"


class OutOfOrderEvent(RuntimeError):
    """The fold was handed an event whose version does not follow the state's.

    Not a ``DomainError``: no request can cause it, only a log or read model out
    of step with itself, so it is our fault and surfaces as a 500, never as a 400.
    """


class StreamMoved(Conflict):
    """Another append reached the stream between reading its head and appending (HTTP 409)."""

    code = "stream_moved"
