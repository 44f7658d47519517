"""Articles, read-only: each one's event log (who did what, when) and the diffs between its text versions."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..domain.errors import NotFound
from ..domain.events import TEXT_CHANGING
from ..domain.suggestions import OPEN_STATUSES
from ..models import Article, Event
from ..roles import is_editor
from .base import ReadOnlyAdmin
from .writing import publish_view, write_view

LOG_PAGE = 200


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "status", "version", "open_suggestions", "updated_at", "public_links")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .annotate(open_items=Count("suggestions", filter=Q(suggestions__status__in=OPEN_STATUSES)))
        )

    @admin.display(description=_("open suggestions"), ordering="open_items")
    def open_suggestions(self, article: Article) -> Any:
        open_items = getattr(article, "open_items", 0)  # annotated by get_queryset
        if not open_items:
            return 0
        url = reverse("admin:corrections_suggestion_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}&amp;status__in=new,assigned">{}</a>', url, article.id, open_items
        )

    @admin.display(description=_("public pages"))
    def public_links(self, article: Article) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("corrections:article", args=[article.slug]),
            gettext("page"),
            reverse("corrections:history", args=[article.slug]),
            gettext("history"),
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Editors publish from the admin ('Add article' is the publish form, through the service)."""
        return is_editor(request.user)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        return publish_view(self, request)

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        write = self.admin_site.admin_view(lambda request, object_id: write_view(self, request, object_id))
        return [
            path("<path:object_id>/write/", write, name="{}_{}_write".format(*info)),
            path("<path:object_id>/diff/", self.admin_site.admin_view(self.diff_view), name="{}_{}_diff".format(*info)),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The article's event log (who did what, when) and its text versions with links to diffs."""
        article = self.get_object(request, object_id)
        if article is None:
            return self.missing(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        text_versions = list(
            Event.objects.filter(stream_id=article.id, type__in=sorted(TEXT_CHANGING))
            .order_by("version")
            .values_list("version", flat=True)
        )
        # A long comment thread makes a long log: show it a page at a time.
        events = Paginator(Event.objects.filter(stream_id=article.id).order_by("version"), LOG_PAGE).get_page(
            request.GET.get("page")
        )
        # Editors see the personal fields the log holds as commitments (erased ones as a placeholder).
        events.object_list = selectors.events_opened(list(events.object_list))
        diff_url = reverse("admin:corrections_article_diff", args=[article.id])
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": gettext("Event log: %(title)s") % {"title": article.title},
            "subtitle": None,
            "original": article,
            "article": article,
            "page_obj": events,
            "events": [
                (
                    event,
                    event.meta.get("actor", {}),
                    json.dumps(event.data, ensure_ascii=False),
                    _previous(text_versions, event.version),
                )
                for event in events
            ],
            "text_versions": text_versions,
            "diff_url": diff_url,
            "notes": article.notes.all(),
            "has_view_permission": True,
            "event_changelist_url": reverse("admin:corrections_event_changelist") + f"?q={article.id}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/article/log.html", context)

    def diff_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """What changed between two versions of the text, word by word."""
        article = self.get_object(request, object_id)
        if article is None:
            return self.missing(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        versions = list(
            Event.objects.filter(stream_id=article.id, type__in=sorted(TEXT_CHANGING))
            .order_by("version")
            .values_list("version", flat=True)
        )
        try:
            to_version = int(request.GET.get("to") or article.text_version)
            # By default, against the text version before (events in between left the text as it was).
            from_version = int(request.GET.get("from") or (_previous(versions, to_version) or 1))
            diff = selectors.article_diff(article.slug, from_version, to_version)
        except (ValueError, NotFound) as error:
            messages.error(request, getattr(error, "message", gettext("Give two version numbers.")))
            return HttpResponseRedirect(reverse("admin:corrections_article_change", args=[article.id]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Diff: %(title)s, version %(from)d → %(to)d")
            % {"title": article.title, "from": from_version, "to": to_version},
            "subtitle": None,
            "original": article,
            "article": article,
            "diff": diff,
            "versions": versions,
            "from_version": from_version,
            "to_version": to_version,
            "log_url": reverse("admin:corrections_article_change", args=[article.id]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/article/diff.html", context)


def _previous(text_versions: list[int], version: int) -> int | None:
    """The text version before ``version`` (to diff a text-changing event against), if there is one."""
    earlier = [v for v in text_versions if v < version]
    return earlier[-1] if earlier and version in text_versions else None


# --- The event log: read-only for everyone -----------------------------------------------


#: The fields of an event's data a summary starts with.
SUMMARY_FIRST = ["title", "kind", "note", "exact", "suggestion", "category", "reason", "reply", "assignee", "comment"]


class EventChangeList(ChangeList):
    """Each row shows its article's title: the page's titles are looked up in one query."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        ids = {event.stream_id for event in self.result_list}
        titles = dict(Article.objects.filter(id__in=ids).values_list("id", "title"))
        for event in self.result_list:
            event.article_title = titles.get(event.stream_id)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("position", "type", "version", "article", "actor", "summary", "recorded_at")
    list_filter = ("type",)
    search_fields = ("type",)
    actions = None
    readonly_fields = ("position", "stream_id", "version", "type", "schema", "data", "meta", "recorded_at", "hash")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return EventChangeList

    @admin.display(description=_("article"))
    def article(self, event: Event) -> Any:
        title = getattr(event, "article_title", None)
        if title is None:
            return str(event.stream_id)
        url = reverse("admin:corrections_article_change", args=[event.stream_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(title).chars(40))

    @admin.display(description=_("what"))
    def summary(self, event: Event) -> str:
        """The event's data as a short line of 'field: value' pairs instead of raw JSON."""
        parts = []
        # What a person looks for first, then the rest alphabetically (PostgreSQL keeps JSON keys in its own order).
        data = sorted(
            event.data.items(), key=lambda kv: (SUMMARY_FIRST.index(kv[0]) if kv[0] in SUMMARY_FIRST else 99, kv[0])
        )
        for key, value in data:
            if value in ("", None, [], {}) or key.endswith("_id"):
                continue
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key.replace('_', ' ')}: {Truncator(text).chars(40)}")
        return Truncator("; ".join(parts)).chars(120)

    @admin.display(description=_("actor"))
    def actor(self, event: Event) -> str:
        """The kind of actor; the account is in the personal-data vault (see the article's event log)."""
        actor = event.meta.get("actor", {})
        username = actor.get("username")
        return str(username if isinstance(username, str) else actor.get("kind", "system"))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Event], search_term: str) -> Any:
        """An article's id finds its stream; anything else searches the event type."""
        try:
            return queryset.filter(stream_id=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
