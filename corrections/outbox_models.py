"""The notification outbox's model (not a projection), re-exported by ``corrections.models``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Not a projection: the outbox. Written in the append's transaction, delivered once by a Celery task.

    Recipients are kept as references (``ticket:<id>``, ``comment:<id>``,
    ``desk``, ``webhook``) and resolved at delivery, so an erased e-mail is
    never used and no personal data is copied here.
    """

    DESK_SUGGESTION = "desk_suggestion"
    DESK_DIGEST = "desk_digest"
    READER_DECISION = "reader_decision"
    COMMENT_REPLY = "comment_reply"
    COMMENT_CONFIRM = "comment_confirm"
    WEBHOOK = "webhook"
    KINDS = [
        (DESK_SUGGESTION, _("New suggestion (desk)")),
        (DESK_DIGEST, _("Daily digest (desk)")),
        (READER_DECISION, _("Decision (reader)")),
        (COMMENT_REPLY, _("Reply (comment author)")),
        (COMMENT_CONFIRM, _("Confirm the address (comment author)")),
        (WEBHOOK, _("Webhook")),
    ]
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    STATUSES = [
        (PENDING, _("Pending")),
        (SENT, _("Sent")),
        (FAILED, _("Failed")),
        (SKIPPED, _("Skipped (no recipient)")),
    ]

    key = models.CharField(
        _("key"),
        max_length=200,
        help_text=_("What must happen only once, e.g. event:42:reader_decision:ticket:7."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=KINDS)
    status = models.CharField(_("status"), max_length=16, choices=STATUSES, default=PENDING)
    recipient = models.CharField(
        _("recipient"), max_length=100, help_text=_("Resolved at delivery: desk, webhook, ticket:<id>, comment:<id>.")
    )
    event_position = models.BigIntegerField(
        _("event position"), null=True, blank=True, help_text=_("The event that caused it, if any.")
    )
    event_type = models.CharField(_("event type"), max_length=64, blank=True)
    stream_id = models.UUIDField(_("stream id"), null=True, blank=True)
    event_version = models.PositiveIntegerField(_("event version"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(
        _("last error"), blank=True, help_text=_("Why the last attempt failed, or why nothing was sent.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(
        _("due at"), default=timezone.now, help_text=_("The relay leaves it alone until then.")
    )
    enqueued_at = models.DateTimeField(
        _("enqueued at"), null=True, blank=True, help_text=_("Last handed to the broker.")
    )
    claimed_until = models.DateTimeField(
        _("claimed until"), null=True, blank=True, help_text=_("A worker is delivering it until then.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A constraint and a named index rather than unique=True and db_index=True, which on PostgreSQL
        # add varchar_pattern_ops indexes (for LIKE 'x%') that nothing uses.
        constraints = [models.UniqueConstraint(fields=["key"], name="notification_key_unique")]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_status_due"),
            models.Index(fields=["kind"], name="notification_kind_idx"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.status})"
