"""Rate limits shared by the API and the HTML forms, so a reader has one budget whichever they use."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle


class CommentThrottle(AnonRateThrottle):
    """Anonymous comment posts, per client, at the rate of ``COMMENT_RATE`` (logged-in users are not throttled)."""

    scope = "comments"


class CommentFlagThrottle(CommentThrottle):
    """Anonymous flags: the same rate as posts, counted apart from them."""

    cache_format = "throttle_%(scope)s_flag_%(ident)s"


class SuggestionThrottle(ScopedRateThrottle):
    """Submissions per client (IP address, or user when logged in) at the rate of ``SUGGESTION_RATE``."""

    def get_rate(self) -> str | None:
        # Read at request time, not at import time, so that a changed setting applies at once.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)
