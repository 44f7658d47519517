from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from ..roles import is_editor


class IsEditor(BasePermission):
    message = "Only editors can do this; log in with an editor account or send an editor's API token."

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_editor(request.user)
