"""Rate limits shared by the API and the HTML forms, so a reader has one budget whichever they use."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle


class CommentThrottle(AnonRateThrottle):
    """Anonymous comment posts, per client, at the rate of ``COMMENT_RATE`` (logged-in users are not throttled)."""

    scope = "comments"


class CommentFlagThrottle(CommentThrottle):
    """Anonymous flags: the same rate as posts, counted apart from them."""

    cache_format = "throttle_%(scope)s_flag_%(ident)s"
