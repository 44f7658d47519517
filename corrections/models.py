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

from .domain.review import SuggestionState
from .domain.state import ArticleState


class Event(models.Model):
    """One immutable event in an article's stream."""

    position = models.BigAutoField(primary_key=True, help_text="Global position in the log.")
    stream_id = models.UUIDField(db_index=True, help_text="The article this event belongs to.")
    version = models.PositiveIntegerField(help_text="Place in the article's stream: 1, 2, 3…")
    type = models.CharField(max_length=64, help_text="Past-tense event name, e.g. ArticlePublished.")
    schema = models.PositiveSmallIntegerField(default=1, help_text="Schema version of the data.")
    data = models.JSONField()
    meta = models.JSONField(default=dict, help_text="Actor, request id, causation.")
    recorded_at = models.DateTimeField()
    hash = models.CharField(max_length=64, help_text="sha256(previous hash + canonical JSON of this event).")

    # Not a column: set by ``selectors.comments`` on the rows of one page of a public log.
    comment_withheld: bool

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["stream_id", "version"], name="event_stream_version_unique")]
        # The desk metrics count reports per article over time by type and date.
        indexes = [models.Index(fields=["type", "recorded_at"], name="event_type_recorded_idx")]
        permissions = [("work_desk", "Can work the corrections desk (editor)")]

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
    STATUSES = [(PUBLISHED, "Published"), (RETRACTED, "Retracted")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    body = models.TextField()
    byline = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PUBLISHED)
    version = models.PositiveIntegerField(help_text="Version of the last event of the stream.")
    text_version = models.PositiveIntegerField(help_text="Version of the last event that changed the text.")
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    comment_moderation = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=[("post", "Post-moderation"), ("pre", "Pre-moderation")],
        help_text="Empty: the site's COMMENT_MODERATION setting applies.",
    )
    comment_count = models.PositiveIntegerField(default=0, help_text="Comments readers see.")
    pending_comment_count = models.PositiveIntegerField(default=0, help_text="Comments awaiting approval.")

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def as_state(self) -> ArticleState:
        """The folded state this row holds (notes aside), for commands to check against."""
        names = ("slug", "title", "body", "byline", "status", "version", "text_version", "published_at", "updated_at")
        return ArticleState(id=str(self.id), **{name: getattr(self, name) for name in names})


class PublicNote(models.Model):
    """Read model: one line of an article's public correction history."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
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

    STATUSES = [(s, s.capitalize()) for s in ("new", "assigned", "accepted", "rejected", "duplicate")]
    CATEGORIES = [(c, c.capitalize()) for c in ("typo", "factual", "legal", "clarification", "other")]
    ANCHOR_STATES = [(s, s.capitalize()) for s in ("intact", "edited", "deleted")]

    id = models.UUIDField(primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    status = models.CharField(max_length=16, choices=STATUSES, default="new", db_index=True)
    category = models.CharField(max_length=16, choices=CATEGORIES, default="typo", db_index=True)
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Higher is more urgent: the kind of report and how many readers sent it."
    )
    assignee = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_suggestions"
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
        max_length=8,
        choices=ANCHOR_STATES,
        default="intact",
        db_index=True,
        help_text="What revisions did to the passage: intact (perhaps moved), edited, or deleted.",
    )
    probably_resolved = models.BooleanField(
        default=False, help_text="The passage was edited and the reader's proposed text now stands there."
    )
    against_version = models.PositiveIntegerField(help_text="The article version the reader saw.")
    suggestion = models.TextField(blank=True, help_text="The replacement the reader proposed.")
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
        indexes = [
            models.Index(fields=["status", "received_at"]),
            # The queue's default order (admin list and review API): a page reads an index range, not the table.
            models.Index(F("priority").desc(), "received_at", name="suggestion_queue_order"),
        ]

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
    token = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"ticket for {self.suggestion_id}"


VISIBLE_ROOTS = models.Q(parent__isnull=True, status="visible")


class Comment(models.Model):
    """Read model: a comment as readers and moderators see it."""

    STATUSES = [("visible", "Visible"), ("pending", "Awaiting approval"), ("hidden", "Hidden")]

    id = models.UUIDField(primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread_replies",
        help_text="The top-level comment this reply belongs to; empty for a top-level comment.",
    )
    author_name = models.CharField(max_length=100)
    author_user = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=STATUSES, db_index=True)
    flag_count = models.PositiveIntegerField(default=0)
    hidden_reason = models.TextField(blank=True)
    posted_at = models.DateTimeField(db_index=True)
    version = models.PositiveIntegerField(help_text="Stream version of the CommentPosted event.")

    # Not columns: set by ``selectors.comments`` on the comments of one page.
    in_reply_to: str | None
    thread_list: list[Comment]

    class Meta:
        ordering = ["posted_at"]
        # An article page's first comments: its visible top-level comments in order, read from the index.
        indexes = [models.Index(fields=["article", "version"], condition=VISIBLE_ROOTS, name="comment_visible_roots")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class CommentAuthor(models.Model):
    """Not a projection: a commenter's e-mail (for reply notices), erasable on request."""

    comment_id = models.UUIDField(unique=True)
    email = models.EmailField()

    def __str__(self) -> str:
        return f"author of {self.comment_id}"


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
    WEBHOOK = "webhook"
    KINDS = [
        (DESK_SUGGESTION, "New suggestion (desk)"),
        (DESK_DIGEST, "Daily digest (desk)"),
        (READER_DECISION, "Decision (reader)"),
        (COMMENT_REPLY, "Reply (comment author)"),
        (WEBHOOK, "Webhook"),
    ]
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    STATUSES = [(PENDING, "Pending"), (SENT, "Sent"), (FAILED, "Failed"), (SKIPPED, "Skipped (no recipient)")]

    key = models.CharField(
        max_length=200, unique=True, help_text="What must happen only once, e.g. event:42:reader_decision:ticket:7."
    )
    kind = models.CharField(max_length=32, choices=KINDS, db_index=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    recipient = models.CharField(
        max_length=100, help_text="Resolved at delivery: desk, webhook, ticket:<id>, comment:<id>."
    )
    event_position = models.BigIntegerField(null=True, blank=True, help_text="The event that caused it, if any.")
    event_type = models.CharField(max_length=64, blank=True)
    stream_id = models.UUIDField(null=True, blank=True)
    event_version = models.PositiveIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed, or why nothing was sent.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_at = models.DateTimeField(default=timezone.now, help_text="The relay leaves it alone until then.")
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last handed to the broker.")
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A worker is delivering it until then.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="notification_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.status})"


# --- Ingest: the newsroom's own site -------------------------------------------------


class Source(models.Model):
    """Not a projection: a place the newsroom's articles come from (a feed, a sitemap, WordPress, a webhook)."""

    FEED = "feed"
    SITEMAP = "sitemap"
    WORDPRESS = "wordpress"
    WEBHOOK = "webhook"
    KINDS = [
        (FEED, "RSS or Atom feed"),
        (SITEMAP, "Sitemap"),
        (WORDPRESS, "WordPress site (REST API)"),
        (WEBHOOK, "Push webhook"),
    ]

    name = models.CharField(max_length=200, blank=True, help_text="What editors call it, e.g. “Gazette politics feed”.")
    kind = models.CharField(max_length=16, choices=KINDS)
    url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="The feed, the sitemap, or the WordPress site's address; for a webhook, the site (optional).",
    )
    selector = models.CharField(
        max_length=500,
        blank=True,
        help_text="CSS selector of the article body on the site’s pages, e.g. “.story-body”; empty: automatic.",
    )
    interval_minutes = models.PositiveIntegerField(
        default=15, help_text="How often the source is checked (webhook sources are pushed to, never polled)."
    )
    secret = models.CharField(max_length=64, blank=True, help_text="Webhook signing key (HMAC-SHA256).")
    active = models.BooleanField(default=True, help_text="Paused sources are neither polled nor accept webhooks.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Conditional GET and WordPress's modified_after cursor for the listing itself.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    cursor = models.CharField(max_length=40, blank=True, help_text="WordPress: the newest modified time seen.")
    # Health
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="What went wrong last time, in words; empty when it worked.")
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="Failed polls in a row; each doubles the wait.")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.url}".strip()


class TrackedPage(models.Model):
    """Not a projection: what ingest last saw of one page of the site, and the article it became."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=1000, unique=True, help_text="Canonical URL: tracking parameters removed.")
    article_id = models.UUIDField(db_index=True, help_text="The article's stream.")
    cms_id = models.CharField(max_length=200, blank=True, db_index=True, help_text="The CMS's own id, if it gave one.")
    fingerprint = models.CharField(max_length=64, help_text="Digest of the normalised title and text last seen.")
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    site_modified_at = models.DateTimeField(null=True, blank=True, help_text="The site's own modified time.")
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-first_seen_at"]

    def __str__(self) -> str:
        return self.url


class UnannouncedEdit(models.Model):
    """Read model: a revision from the site that no correction announced, awaiting the desk's answer."""

    OPEN = "open"
    NOTED = "noted"
    WAIVED = "waived"
    STATUSES = [(OPEN, "Awaiting the desk"), (NOTED, "Public note added"), (WAIVED, "No note needed")]

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="unannounced_edits")
    version = models.PositiveIntegerField(help_text="The revision's version.")
    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN, db_index=True)
    detected_at = models.DateTimeField(db_index=True)
    resolution = models.TextField(blank=True, help_text="The public note, or why none is needed.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_version = models.PositiveIntegerField(null=True, blank=True, help_text="The event that resolved it.")

    class Meta:
        ordering = ["-detected_at", "-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="unannounced_article_version")]

    def __str__(self) -> str:
        return f"{self.article.title} — version {self.version} ({self.get_status_display().lower()})"
