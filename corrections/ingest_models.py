"""The ingest models: the sources and pages ingest tracks, and the unannounced edits it finds (a read model)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.Model):
    """Not a projection: a place the newsroom's articles come from (a feed, a sitemap, WordPress, a webhook)."""

    FEED = "feed"
    SITEMAP = "sitemap"
    WORDPRESS = "wordpress"
    WEBHOOK = "webhook"
    KINDS = [
        (FEED, _("RSS or Atom feed")),
        (SITEMAP, _("Sitemap")),
        (WORDPRESS, _("WordPress site (REST API)")),
        (WEBHOOK, _("Push webhook")),
    ]

    name = models.CharField(
        pgettext_lazy("a source", "name"),
        max_length=200,
        blank=True,
        help_text=_("What editors call it, e.g. “Gazette politics feed”."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    url = models.URLField(
        _("URL"),
        max_length=1000,
        blank=True,
        help_text=_("The feed, the sitemap, or the WordPress site's address; for a webhook, the site (optional)."),
    )
    selector = models.CharField(
        _("selector"),
        max_length=500,
        blank=True,
        help_text=_("CSS selector of the article body on the site’s pages, e.g. “.story-body”; empty: automatic."),
    )
    interval_minutes = models.PositiveIntegerField(
        _("interval minutes"),
        default=15,
        help_text=_("How often the source is checked (webhook sources are pushed to, never polled)."),
    )
    secret = models.CharField(max_length=64, blank=True, help_text="Webhook signing key (HMAC-SHA256).")
    active = models.BooleanField(
        pgettext_lazy("a source", "active"),
        default=True,
        help_text=_("Paused sources are neither polled nor accept webhooks."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    # Conditional GET and WordPress's modified_after cursor for the listing itself.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    cursor = models.CharField(max_length=40, blank=True, help_text="WordPress: the newest modified time seen.")
    # Health
    next_poll_at = models.DateTimeField(_("next poll at"), default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    last_error = models.TextField(
        _("last error"), blank=True, help_text=_("What went wrong last time, in words; empty when it worked.")
    )
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failures = models.PositiveIntegerField(
        _("failures"), default=0, help_text=_("Failed polls in a row; each doubles the wait.")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.url}".strip()


class TrackedPage(models.Model):
    """Not a projection: what ingest last saw of one page of the site, and the article it became."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=1000, help_text="Canonical URL: tracking parameters removed.")
    article_id = models.UUIDField(db_index=True, help_text="The article's stream.")
    cms_id = models.CharField(max_length=200, blank=True, help_text="The CMS's own id, if it gave one.")
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
        # A constraint and a named index rather than unique=True and db_index=True, which on PostgreSQL
        # add varchar_pattern_ops indexes (for LIKE 'x%') that nothing uses.
        constraints = [models.UniqueConstraint(fields=["url"], name="trackedpage_url_unique")]
        indexes = [models.Index(fields=["cms_id"], name="trackedpage_cms_id_idx")]

    def __str__(self) -> str:
        return self.url


class UnannouncedEdit(models.Model):
    """Read model: a revision from the site that no correction announced, awaiting the desk's answer."""

    OPEN = "open"
    NOTED = "noted"
    WAIVED = "waived"
    STATUSES = [(OPEN, _("Awaiting the desk")), (NOTED, _("Public note added")), (WAIVED, _("No note needed"))]

    article = models.ForeignKey(
        "corrections.Article",
        on_delete=models.CASCADE,
        related_name="unannounced_edits",
        verbose_name=_("article"),
        db_index=False,  # UNIQUE(article, version) serves lookups by article
    )
    version = models.PositiveIntegerField(_("version"), help_text=_("The revision's version."))
    status = models.CharField(_("status"), max_length=8, choices=STATUSES, default=OPEN)
    detected_at = models.DateTimeField(_("detected at"), db_index=True)
    resolution = models.TextField(_("resolution"), blank=True, help_text=_("The public note, or why none is needed."))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_version = models.PositiveIntegerField(null=True, blank=True, help_text="The event that resolved it.")

    class Meta:
        ordering = ["-detected_at", "-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="unannounced_article_version")]
        indexes = [models.Index(fields=["status"], name="unannounced_status_idx")]  # not db_index: no pattern-ops twin
        verbose_name = _("unannounced edit")
        verbose_name_plural = _("unannounced edits")

    def __str__(self) -> str:
        return f"{self.article.title} — version {self.version} ({self.get_status_display().lower()})"
