"""The event log and the read models projected from it.

``Event`` is the only source of truth and is append-only (database triggers
refuse UPDATE and DELETE). Every other model here is a projection that
``manage.py rebuild_projections`` can rebuild from the log.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .domain.review import SuggestionState
from .domain.state import ArticleState
from .domain.suggestions import OPEN_STATUSES

# The ingest models live in ``ingest_models``, re-exported here.
from .ingest_models import Source as Source
from .ingest_models import TrackedPage as TrackedPage
from .ingest_models import UnannouncedEdit as UnannouncedEdit

# The notification outbox lives in ``outbox_models``, re-exported here.
from .outbox_models import Notification as Notification


class Event(models.Model):
    """One immutable event in an article's stream."""

    position = models.BigAutoField(_("position"), primary_key=True, help_text=_("Global position in the log."))
    stream_id = models.UUIDField(_("stream id"), help_text=_("The article this event belongs to."))
    version = models.PositiveIntegerField(_("version"), help_text=_("Place in the article's stream: 1, 2, 3…"))
    type = models.CharField(_("type"), max_length=64, help_text=_("Past-tense event name, e.g. ArticlePublished."))
    schema = models.PositiveSmallIntegerField(_("schema"), default=1, help_text=_("Schema version of the data."))
    data = models.JSONField(_("data"))
    meta = models.JSONField(_("meta"), default=dict, help_text=_("Actor, request id, causation."))
    recorded_at = models.DateTimeField(_("recorded at"))
    hash = models.CharField(
        _("hash"), max_length=64, help_text=_("sha256(previous hash + canonical JSON of this event).")
    )

    # Not a column: set by ``selectors.comments`` on the rows of one page of a public log.
    comment_withheld: bool

    class Meta:
        ordering = ["position"]
        # Reading a stream (stream_id = …, ORDER BY version) uses the unique index: stream_id needs none of its own.
        constraints = [models.UniqueConstraint(fields=["stream_id", "version"], name="event_stream_version_unique")]
        # The desk metrics count reports per article over time by type and date.
        indexes = [models.Index(fields=["type", "recorded_at"], name="event_type_recorded_idx")]
        permissions = [("work_desk", "Can work the corrections desk (editor)")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.type} v{self.version} of {self.stream_id}"


class Stream(models.Model):
    """The head of each stream: locked to serialise appends to one article."""

    id = models.UUIDField(primary_key=True)
    version = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"stream {self.id} at version {self.version}"


class Article(models.Model):
    """Read model: the article as it stands now."""

    PUBLISHED = "published"
    RETRACTED = "retracted"
    STATUSES = [(PUBLISHED, _("Published")), (RETRACTED, _("Retracted"))]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField()
    byline = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=STATUSES, default=PUBLISHED)
    version = models.PositiveIntegerField(_("version"), help_text="Version of the last event of the stream.")
    text_version = models.PositiveIntegerField(help_text="Version of the last event that changed the text.")
    published_at = models.DateTimeField(_("published at"))
    updated_at = models.DateTimeField(_("updated at"))
    comment_moderation = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=[("post", _("Post-moderation")), ("pre", _("Pre-moderation"))],
        help_text="Empty: the site's COMMENT_MODERATION setting applies.",
    )
    comment_count = models.PositiveIntegerField(default=0, help_text="Comments readers see.")
    pending_comment_count = models.PositiveIntegerField(default=0, help_text="Comments awaiting approval.")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    def as_state(self) -> ArticleState:
        """The folded state this row holds (notes aside), for commands to check against."""
        names = ("slug", "title", "body", "byline", "status", "version", "text_version", "published_at", "updated_at")
        return ArticleState(id=str(self.id), **{name: getattr(self, name) for name in names})


class PublicNote(models.Model):
    """Read model: one line of an article's public correction history."""

    # No index of its own: UNIQUE(article, version) serves lookups by article.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes", db_index=False)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    note = models.TextField()
    issued_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="note_article_version_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.note[:60]}"


class Suggestion(models.Model):
    """Read model: one item of the editors' review queue (one per distinct span + fix)."""

    STATUSES = [
        ("new", _("New")),
        ("assigned", _("Assigned")),
        ("accepted", _("Accepted")),
        ("rejected", _("Rejected")),
        ("duplicate", _("Duplicate")),
    ]
    CATEGORIES = [
        ("typo", _("Typo")),
        ("factual", _("Factual")),
        ("legal", _("Legal")),
        ("clarification", _("Clarification")),
        ("other", _("Other")),
    ]
    ANCHOR_STATES = [("intact", _("Intact")), ("edited", _("Edited")), ("deleted", _("Deleted"))]

    id = models.UUIDField(primary_key=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("article")
    )
    status = models.CharField(_("status"), max_length=16, choices=STATUSES, default="new")
    category = models.CharField(_("category"), max_length=16, choices=CATEGORIES, default="typo")
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Higher is more urgent: the kind of report and how many readers sent it."
    )
    assignee = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_suggestions",
        verbose_name=_("assignee"),
    )
    reporter_count = models.PositiveIntegerField(default=1)
    exact = models.TextField(help_text="The text the reader selected, as it stood in the version they saw.")
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    start = models.PositiveIntegerField(help_text="Where the passage starts in the current text.")
    end = models.PositiveIntegerField(help_text="Where the passage ends in the current text.")
    current_exact = models.TextField(
        blank=True, help_text="The passage as it stands in the current text (empty once deleted)."
    )
    anchor_state = models.CharField(
        _("anchor state"),
        max_length=8,
        choices=ANCHOR_STATES,
        default="intact",
        help_text="What revisions did to the passage: intact (perhaps moved), edited, or deleted.",
    )
    probably_resolved = models.BooleanField(
        _("probably resolved"),
        default=False,
        help_text="The passage was edited and the reader's proposed text now stands there.",
    )
    against_version = models.PositiveIntegerField(help_text="The article version the reader saw.")
    suggestion = models.TextField(blank=True, help_text="The replacement the reader proposed.")
    fix_digest = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Digest of the normalised fix: finds open duplicates."
    )
    comment = models.TextField(blank=True)
    outdated = models.BooleanField(
        default=False, help_text="The selected passage is no longer in the article (anchor state deleted)."
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    reply = models.TextField(blank=True, help_text="The editor's public reply to the reader.")
    received_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(help_text="Stream version of the last event about this suggestion.")

    class Meta:
        ordering = ["-priority", "received_at"]
        # Named indexes rather than db_index=True: on PostgreSQL that adds a second, varchar_pattern_ops index
        # for LIKE 'x%', which nothing here runs. The (status, received_at) index serves lookups by status.
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["category"], name="suggestion_category_idx"),
            models.Index(fields=["anchor_state"], name="suggestion_anchor_state_idx"),
            # The queue's default order (admin list and review API): a page reads an index range, not the table.
            models.Index(F("priority").desc(), "received_at", name="suggestion_queue_order"),
            # A report's open duplicate (same passage, same fix): one index entry, however many fixes were sent.
            models.Index(
                fields=["article", "fix_digest"],
                condition=models.Q(status__in=OPEN_STATUSES, outdated=False),
                name="suggestion_open_duplicates",
            ),
        ]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        return f"“{self.exact[:40]}” → “{self.suggestion[:40]}”"

    def as_state(self) -> SuggestionState:
        """The queue item as the review commands see it."""
        return SuggestionState(
            id=str(self.id),
            article_id=str(self.article_id),
            status=self.status,
            category=self.category,
            exact=self.exact,
            prefix=self.prefix,
            suffix=self.suffix,
            start=self.start,
            suggestion=self.suggestion,
            assignee_id=self.assignee_id,
            duplicate_of=str(self.duplicate_of_id) if self.duplicate_of_id else None,
            end=self.end,
            current_exact=self.current_exact,
            anchor_state=self.anchor_state,
            probably_resolved=self.probably_resolved,
        )


class SuggestionTicket(models.Model):
    """Not a projection: the reader's secret status token and contact details, erasable on request."""

    suggestion_id = models.UUIDField(db_index=True)
    token = models.CharField(max_length=64)
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    event_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The stream version of the report this ticket came with (for erasure)."
    )
    language = models.CharField(max_length=16, blank=True, help_text="The site's language as the reader wrote.")

    class Meta:
        # A constraint rather than unique=True: on PostgreSQL that adds a varchar_pattern_ops index nothing uses.
        constraints = [models.UniqueConstraint(fields=["token"], name="suggestionticket_token_unique")]

    def __str__(self) -> str:
        return f"ticket for {self.suggestion_id}"


VISIBLE_ROOTS = models.Q(parent__isnull=True, status="visible")


class Comment(models.Model):
    """Read model: a comment as readers and moderators see it."""

    STATUSES = [("visible", _("Visible")), ("pending", _("Awaiting approval")), ("hidden", _("Hidden"))]

    id = models.UUIDField(primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread_replies",
        help_text="The top-level comment this reply belongs to; empty for a top-level comment.",
    )
    author_name = models.CharField(_("author name"), max_length=100)
    author_user = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField()
    status = models.CharField(_("status"), max_length=16, choices=STATUSES)
    flag_count = models.PositiveIntegerField(default=0)
    hidden_reason = models.TextField(blank=True)
    posted_at = models.DateTimeField(_("posted at"), db_index=True)
    version = models.PositiveIntegerField(help_text="Stream version of the CommentPosted event.")

    # Not columns: set by ``selectors.comments`` on the comments of one page.
    in_reply_to: str | None
    thread_list: list[Comment]

    class Meta:
        ordering = ["posted_at"]
        # An article page's first comments: its visible top-level comments in order, read from the index.
        indexes = [
            models.Index(fields=["article", "version"], condition=VISIBLE_ROOTS, name="comment_visible_roots"),
            models.Index(fields=["status"], name="comment_status_idx"),  # not db_index: no pattern-ops twin
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class CommentAuthor(models.Model):
    """Not a projection: a commenter's e-mail (for reply notices), erasable on request."""

    comment_id = models.UUIDField(unique=True)
    email = models.EmailField()
    confirm_token = models.CharField(
        max_length=64,
        blank=True,
        help_text="The secret of the one-click link that confirms the address.",
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="Reply notices go only to a confirmed address (the desk is not a relay)."
    )
    language = models.CharField(max_length=16, blank=True, help_text="The site's language as the reader wrote.")

    class Meta:
        # Named, not db_index=True, which on PostgreSQL adds a varchar_pattern_ops twin that nothing uses.
        indexes = [models.Index(fields=["confirm_token"], name="commentauthor_token_idx")]

    def __str__(self) -> str:
        return f"author of {self.comment_id}"


class PersonalDatum(models.Model):
    """Not a projection: one personal field of an event, kept beside the log so that it can be erased.

    The event holds ``{"$pd": digest}``, a salted commitment to the value
    (HMAC-SHA256 keyed with the salt), so the hash chain covers the commitment and
    not the value. Erasure deletes the value and the salt; the digest alone
    neither reveals the value nor confirms a guess.
    """

    digest = models.CharField(
        max_length=64, primary_key=True, help_text="HMAC-SHA256(salt, value): what the event holds."
    )
    stream_id = models.UUIDField(help_text="The article whose event holds this field.")
    version = models.PositiveIntegerField(help_text="The event's version in its stream.")
    field = models.CharField(max_length=40, help_text="Where in the event: a data field, or actor.id / actor.username.")
    subject = models.CharField(max_length=40, blank=True, help_text="user:<id> when the data is about an account.")
    salt = models.CharField(max_length=64, blank=True)
    value = models.JSONField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "personal data"
        indexes = [
            models.Index(fields=["stream_id", "version"], name="personaldatum_event_idx"),
            models.Index(fields=["subject"], name="personaldatum_subject_idx"),  # not db_index: no pattern-ops twin
        ]

    def __str__(self) -> str:
        return f"{self.field} of v{self.version} of {self.stream_id}"


class FlagMark(models.Model):
    """Not a projection: who flagged which comment, so that one person flags one comment once.

    ``flagger`` is ``user:<id>`` or a keyed pseudonym of an anonymous client's address.
    """

    comment_id = models.UUIDField()
    flagger = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment_id", "flagger"], name="flagmark_once_per_person")]

    def __str__(self) -> str:
        return f"{self.flagger} flagged {self.comment_id}"


class TextVersion(models.Model):
    """Read model: one text-changing version of an article and its diff from the text before, computed once."""

    # No index of its own: UNIQUE(article, version) serves lookups by article.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="text_versions", db_index=False)
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, help_text="published, revision, retraction, or the correction's kind.")
    note = models.TextField(blank=True)
    announced = models.BooleanField(help_text="False for a revision without a note (an unannounced edit).")
    recorded_at = models.DateTimeField()
    from_version = models.PositiveIntegerField(null=True, blank=True, help_text="The text version diffed against.")
    title_before = models.CharField(max_length=300, blank=True)
    title_after = models.CharField(max_length=300, blank=True)
    ops = models.JSONField(default=list, help_text="[[op, text], …]: equal, delete, insert.")
    unified = models.TextField(blank=True)
    coarse = models.BooleanField(default=False, help_text="Some changes are shown by paragraph (the diff's bound).")

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="textversion_article_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} of {self.article_id}"
