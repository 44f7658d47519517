"""Who a request is, for limits that must hold per person: an account, or a keyed pseudonym of the client."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


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

    The address is the throttles' (``X-Forwarded-For`` only as far as NUM_PROXIES
    trusts it). Keyed with SECRET_KEY, the pseudonym cannot be turned back into an
    address by someone who holds only the database.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    ident = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), f"client:{ident}".encode(), hashlib.sha256).hexdigest()
    return f"client:{digest[:40]}"
