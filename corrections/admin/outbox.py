"""The notification outbox: what was sent, what waits, what failed and why. Failed ones can be retried."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import Notification
from ..roles import is_editor
from ..services import notifications
from .base import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The notification outbox: what was sent, what waits, what failed and why. Failed ones can be retried."""

    list_display = ("id", "kind", "status", "recipient", "event_type", "attempts", "error", "created_at", "sent_at")
    list_display_links = ("id", "kind")
    list_filter = ("status", "kind")
    search_fields = ("recipient", "event_type", "key", "last_error")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["retry_failed"]
    fields = (
        "kind",
        "status",
        "recipient",
        "key",
        "event_type",
        "event_position",
        "stream_id",
        "event_version",
        "payload",
        "attempts",
        "last_error",
        "created_at",
        "due_at",
        "enqueued_at",
        "claimed_until",
        "sent_at",
    )

    def has_desk_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    @admin.display(description=_("last error"), ordering="last_error")
    def error(self, notification: Notification) -> str:
        return Truncator(notification.last_error).chars(80)

    @admin.action(permissions=["desk"], description=_("Retry selected failed notifications"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        ids = queryset.filter(status=Notification.FAILED).values_list("id", flat=True)
        count = notifications.notifications_retry(ids=ids)
        if count:
            text = ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", count)
            messages.success(request, text % {"count": count})
        else:
            messages.warning(request, gettext("Nothing to retry: only failed notifications can be retried."))
