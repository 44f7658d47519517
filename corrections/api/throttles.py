"""Throttles for reading what costs more than a row: history and diffs (per account, or per client)."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from ..roles import is_editor


class HistoryThrottle(UserRateThrottle):
    """History pages and diffs at ``HISTORY_RATE`` per account or client; editors are not held back."""

    scope = "history"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Any, view: Any) -> bool:
        if is_editor(request.user):
            return True
        return super().allow_request(request, view)
