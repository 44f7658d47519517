"""Re-anchoring open reports when the article's text changes: ``SuggestionReanchored`` events.

The command that changes the text appends, in the same append, one
``SuggestionReanchored`` for each open report whose passage moved or changed,
computed from the diff of the text before and after (``remap.follow``). The
state is judged against the reader's own selection, so a passage edited in one
revision and restored in the next is ``intact`` again; a deleted passage stays
deleted (it has no place to follow any more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from .events import Event, Recorded
from .remap import DELETED, Followed, follow, text_opcodes
from .review import SuggestionState
from .state import ArticleState, apply
from .suggestions import OPEN_STATUSES, SuggestionAccepted, SuggestionReanchored

#: Characters of context kept on each side of a passage, refreshed at every version.
CONTEXT = 32


def context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def reanchored(item: SuggestionState, followed: Followed, text: str) -> SuggestionReanchored | None:
    """The event recording where ``item`` now stands, or None if nothing about its anchor changed."""
    now = (followed.state, followed.start, followed.end, followed.exact, followed.probably_resolved)
    before = (item.anchor_state, item.start, item.end, item.current_exact, item.probably_resolved)
    if now == before:
        return None
    prefix, suffix = context(text, followed.start, followed.end)
    return SuggestionReanchored(
        suggestion_id=item.id,
        state=followed.state,
        start=followed.start,
        end=followed.end,
        exact=followed.exact,
        prefix=prefix,
        suffix=suffix,
        probably_resolved=followed.probably_resolved,
        how=followed.how,
    )


def reanchor(old: str, new: str, items: Iterable[SuggestionState]) -> list[SuggestionReanchored]:
    """Follow every open, still-anchored item from ``old`` into ``new`` (one diff for them all)."""
    if old == new:
        return []
    ops = text_opcodes(old, new)
    events = []
    for item in items:
        if item.status not in OPEN_STATUSES or item.anchor_state == DELETED or item.start is None:
            continue
        end = item.end if item.end is not None else item.start + len(item.exact)
        followed = follow(old, new, item.start, end, original=item.exact, proposed=item.suggestion, ops=ops)
        event = reanchored(item, followed, new)
        if event is not None:
            events.append(event)
    return events


def with_reanchoring(article: ArticleState, events: Sequence[Event], items: Iterable[SuggestionState]) -> list[Event]:
    """``events`` followed by the re-anchoring of ``items`` onto the text those events leave."""
    state = article
    for event in events:
        state = apply(state, Recorded(article.id, state.version + 1, event, datetime.now(UTC)))
    accepted = {e.suggestion_id for e in events if isinstance(e, SuggestionAccepted)}
    still_open = [item for item in items if item.id not in accepted]
    return [*events, *reanchor(article.body, state.body, still_open)]
