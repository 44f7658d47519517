from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from ..roles import is_editor


class IsEditor(BasePermission):
    message = "Only editors can do this; log in with an editor account or send an editor's API token."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_editor(request.user)
