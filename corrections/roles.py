"""The Editors group: just the permissions the desk needs."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission, PermissionsMixin

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


def is_editor(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Editors hold the desk permission (the Editors group has it); superusers have every permission."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return isinstance(user, PermissionsMixin) and user.has_perm(EDITOR_PERMISSION)
