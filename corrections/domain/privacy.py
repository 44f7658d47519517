"""Personal data in events: which fields are personal, and the event that records an erasure. Pure Python.

The store keeps each personal field out of the hashed event: the event holds a
salted commitment and the value lives in the erasable vault (``corrections.vault``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event, event

#: What readers and editors see where erased words or names were.
ERASED = "[removed at the author's request]"

#: Per event type, the fields of its data that are personal.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "CommentPosted": ("body", "author_name", "author_user_id"),
    "CommentFlagged": ("reason",),
    "SuggestionReceived": ("comment",),
    "SuggestionSeconded": ("comment",),
    "SuggestionAssigned": ("assignee_id", "assignee"),
}

#: Fields of ``meta["actor"]`` that name a person.
PERSONAL_ACTOR_FIELDS = ("id", "username")

#: Event types a reader writes: everything personal in them belongs to their author.
AUTHORED_BY_ACTOR = ("CommentPosted", "CommentFlagged", "SuggestionReceived", "SuggestionSeconded")

#: The kinds of personal data an erasure reports (never the data itself).
KINDS = {
    "body": "comment text",
    "author_name": "name",
    "author_user_id": "account",
    "reason": "flag reason",
    "comment": "private comment to the desk",
    "assignee_id": "account",
    "assignee": "account",
    "actor.id": "account",
    "actor.username": "account",
}


@event
@dataclass(frozen=True)
class PersonalDataErased(Event):
    """Someone's personal data in this stream was erased on request; the log still verifies.

    ``versions`` are the events whose personal fields were erased, ``kinds`` what
    sort of data it was, ``requested_by`` who asked (``the person`` or ``the desk``).
    """

    versions: tuple[int, ...]
    kinds: tuple[str, ...]
    requested_by: str = "the person"

    @classmethod
    def from_data(cls, data: dict) -> PersonalDataErased:
        return cls(
            versions=tuple(data["versions"]),
            kinds=tuple(data["kinds"]),
            requested_by=data.get("requested_by", "the person"),
        )
