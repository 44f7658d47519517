"""The Editors group: just the permissions the desk needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
EDITOR_PERMISSION = "corrections.work_desk"

# The desk permission plus read-only access to what the admin shows editors.
# Read models are changed by services only, never through the admin's forms.
PERMISSIONS = [
    "work_desk",
    "view_event",
    "view_article",
    "view_comment",  # moderation; approve and hide need work_desk, never change_comment
    "view_suggestion",  # the review queue; its actions need work_desk, never change_suggestion
    "view_notification",  # the outbox; retrying a failed one needs work_desk
]


def editors_group() -> Group:
    """Create (or bring up to date) the Editors group and return it."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    perms = Permission.objects.filter(content_type__app_label="corrections", codename__in=PERMISSIONS)
    group.permissions.set(perms)
    return group


def is_editor(user: Any) -> bool:
    """Editors hold the desk permission (the Editors group has it); superusers have every permission."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(EDITOR_PERMISSION)
    )
