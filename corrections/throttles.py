"""Rate limits shared by the API and the HTML forms, so a reader has one budget whichever they use.

Readers are counted per account when logged in and per client address otherwise
(``X-Forwarded-For`` only as far as NUM_PROXIES trusts it); editors are not held
back. ``person_key`` names the person for limits that hold once per person.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from .roles import is_editor


class ReaderThrottle(UserRateThrottle):
    """Per account for logged-in readers, per client for anonymous ones; editors pass."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if is_editor(request.user):
            return True
        return super().allow_request(request, view)


class CommentThrottle(ReaderThrottle):
    """Comment posts at the rate of ``COMMENT_RATE``."""

    scope = "comments"


class CommentFlagThrottle(CommentThrottle):
    """Flags: the same rate as posts, counted apart from them."""

    cache_format = "throttle_%(scope)s_flag_%(ident)s"


class SuggestionThrottle(ScopedRateThrottle):
    """Submissions per client (IP address, or user when logged in) at the rate of ``SUGGESTION_RATE``."""

    def get_rate(self) -> str | None:
        # Read at request time, not at import time, so that a changed setting applies at once.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)


class HistoryThrottle(ReaderThrottle):
    """History pages and diffs at ``HISTORY_RATE``."""

    scope = "history"

    def get_rate(self) -> str | None:
        # Read at request time, so that a changed setting applies at once.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate else None


class _Ident(SimpleRateThrottle):
    """Only for ``get_ident``: the client address exactly as the throttles see it."""

    rate = "1/s"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return None


def client_address(request: Any) -> str:
    """The client's address as the throttles see it (also django-axes' address for login lockouts)."""
    return _Ident().get_ident(request)


def person_key(request: Any) -> str:
    """``user:<id>`` when logged in; otherwise ``client:`` and an HMAC of the client's address.

    Keyed with SECRET_KEY, the pseudonym cannot be turned back into an address by
    someone who holds only the database.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    digest = hmac.new(settings.SECRET_KEY.encode(), f"client:{client_address(request)}".encode(), hashlib.sha256)
    return f"client:{digest.hexdigest()[:40]}"
