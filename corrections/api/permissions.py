from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

EDITOR_PERMISSION = "corrections.work_desk"


def is_editor(user: Any) -> bool:
    """Editors hold the desk permission (the Editors group has it); superusers have every permission."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(EDITOR_PERMISSION))


class IsEditor(BasePermission):
    message = "Only editors can do this; log in with an editor account or send an editor's API token."

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_editor(request.user)
