"""The Django admin as the editors' main tool: the review queue, read-only article logs, desk metrics.

Nothing here writes a model through a form. Every action calls a service,
which appends events; the read models follow from them. The event log is
read-only for everyone, superusers included.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from . import charts, selectors
from .domain.errors import DomainError, NotFound, StaleVersion
from .domain.events import CORRECTION_KINDS, TEXT_CHANGING
from .domain.review import default_kind
from .domain.suggestions import OPEN_STATUSES
from .models import Article, Comment, Event, Notification, Suggestion
from .roles import is_editor
from .selectors import metrics as metrics_selectors
from .selectors import review as review_selectors
from .services import comments as comment_services
from .services import notifications
from .services import review as review_services
from .services.meta import request_meta

admin.site.site_header = "Newsdesk — corrections desk"
admin.site.site_title = "Newsdesk desk"
admin.site.index_title = "The desk"


def ask_reason(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form: forms.Form,
    title: str,
    action: str,
    submit: str,
) -> TemplateResponse:
    """The page a bulk action shows to ask for its reason before it acts (like the delete confirmation)."""
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "subtitle": None,
        "items": queryset.select_related("article"),
        "form": form,
        "action": action,
        "submit_label": submit,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, f"admin/{opts.app_label}/{opts.model_name}/{action}.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read models and the log are written by services only: no add, change or delete through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _meta(request: HttpRequest) -> dict[str, Any]:
    return request_meta(request)


# --- Review forms -----------------------------------------------------------------------


class AcceptForm(forms.Form):
    replacement = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="The text that replaces the selection. Edit the reader's suggestion if it needs it.",
    )
    kind = forms.ChoiceField(choices=[(kind, kind.replace("_", " ").capitalize()) for kind in CORRECTION_KINDS])
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Public correction note: may be left empty for a typo, required for a factual correction.",
    )
    reply = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2_000, help_text="Kept in the log, for the desk.")
    reply = forms.CharField(
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="To the reader.",
    )


class DuplicateForm(forms.Form):
    of = forms.ChoiceField(label="Duplicate of")

    def __init__(self, *args: Any, item: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Suggestion.objects.filter(article_id=item.article_id).exclude(id=item.id).order_by("received_at")
        # An empty first choice, so that a hurried submit does not close the item into the first one listed.
        self.fields["of"].choices = [("", "---------")] + [
            (str(other.id), f"{Truncator(str(other)).chars(70)} ({other.status})") for other in others
        ]


class AssignForm(forms.Form):
    editor = forms.ModelChoiceField(queryset=review_selectors.editor_users(), to_field_name="username")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = review_selectors.editor_users()


class MetricsForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=metrics_selectors.MAX_DAYS, initial=30, required=False)
    bucket = forms.ChoiceField(choices=[(b, b) for b in metrics_selectors.BUCKETS], initial="day", required=False)


# --- The review queue -------------------------------------------------------------------


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = (
        "selection",
        "proposed",
        "article_title",
        "status",
        "category",
        "priority",
        "reporter_count",
        "assignee",
        "outdated",
        "received_at",
    )
    list_display_links = ("selection",)
    list_filter = (
        "status",
        "category",
        "outdated",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("exact", "suggestion", "comment", "reply", "article__title", "article__slug")
    list_select_related = ("article", "assignee")
    date_hierarchy = "received_at"
    actions = ["assign_to_me", "mark_duplicates_of_oldest", "reject_selected"]
    change_list_template = "admin/corrections/suggestion/change_list.html"

    def has_desk_permission(self, request: HttpRequest) -> bool:
        """The review actions are for editors (the ``work_desk`` permission)."""
        return is_editor(request.user)

    @admin.display(description="selection", ordering="exact")
    def selection(self, item: Suggestion) -> str:
        return Truncator(item.exact).chars(50)

    @admin.display(description="proposed", ordering="suggestion")
    def proposed(self, item: Suggestion) -> str:
        return Truncator(item.suggestion).chars(50)

    @admin.display(description="article", ordering="article__title")
    def article_title(self, item: Suggestion) -> str:
        return Truncator(item.article.title).chars(40)

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("metrics/", self.admin_site.admin_view(self.metrics_view), name="{}_{}_metrics".format(*info)),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        counts = review_selectors.counts_by_status()
        changelist = reverse("admin:corrections_suggestion_changelist")
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                (status, count, f"{changelist}?status__exact={status}") for status, count in counts.items()
            ],
            "open_count": sum(counts[status] for status in OPEN_STATUSES),
            "metrics_url": reverse("admin:corrections_suggestion_metrics"),
        }
        return super().changelist_view(request, extra_context)

    # --- One item: the review page ---

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The sentence with the selection highlighted, the change as a diff, and the review forms."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            review = review_selectors.suggestion_review(object_id)
        except NotFound:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        forms_by_action = self._forms(review)
        if request.method == "POST":
            if not is_editor(request.user):
                raise PermissionDenied
            action = request.POST.get("action", "")
            if action not in forms_by_action:
                messages.error(request, "Unknown action.")
                return HttpResponseRedirect(request.path)
            form = self._bound_form(action, request, review.item)
            if form.is_valid():
                try:
                    message = self._perform(action, request, review.item, form.cleaned_data)
                except DomainError as error:
                    messages.error(request, error.message)
                    review = review_selectors.suggestion_review(object_id)
                    if isinstance(error, StaleVersion):
                        # Show the current text and offer the same edit against it: the editor decides again.
                        data = request.POST.copy()
                        data["expected_version"] = str(review.item.article.version)
                        form = AcceptForm(data)
                        form.is_valid()
                    form.add_error(None, error.message)
                else:
                    messages.success(request, message)
                    return HttpResponseRedirect(request.path)
            forms_by_action[action] = form
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": f"Review: {review.item}",
            "subtitle": None,
            "original": review.item,
            "review": review,
            "item": review.item,
            "forms": forms_by_action,
            "can_review": is_editor(request.user) and review.item.status in OPEN_STATUSES,
            "is_open": review.item.status in OPEN_STATUSES,
            "has_view_permission": True,
            "article_log_url": reverse("admin:corrections_article_change", args=[review.item.article_id]),
            "changelist_url": reverse("admin:corrections_suggestion_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/suggestion/review.html", context)

    def _forms(self, review: review_selectors.ReviewItem) -> dict[str, forms.Form]:
        item = review.item
        return {
            "accept": AcceptForm(
                initial={
                    "replacement": item.suggestion,
                    "kind": default_kind(item.category),
                    "expected_version": item.article.version,
                }
            ),
            "reject": RejectForm(),
            "duplicate": DuplicateForm(item=item),
            "assign": AssignForm(),
        }

    def _bound_form(self, action: str, request: HttpRequest, item: Suggestion) -> forms.Form:
        if action == "duplicate":
            return DuplicateForm(request.POST, item=item)
        return {"accept": AcceptForm, "reject": RejectForm, "assign": AssignForm}[action](request.POST)

    def _perform(self, action: str, request: HttpRequest, item: Suggestion, data: dict[str, Any]) -> str:
        meta = _meta(request)
        if action == "accept":
            # An emptied box where the reader proposed nothing is no instruction to delete: let the domain say so.
            replacement = data["replacement"] if data["replacement"] or item.suggestion else None
            recorded = review_services.suggestion_accept(
                suggestion_id=item.id,
                expected_version=data["expected_version"],
                replacement=replacement,
                kind=data["kind"],
                note=data["note"],
                reply=data["reply"],
                meta=meta,
            )
            return f"Accepted: the article is corrected (now version {recorded[-1].version})."
        if action == "reject":
            review_services.suggestion_reject(
                suggestion_id=item.id, reason=data["reason"], reply=data["reply"], meta=meta
            )
            return "Rejected."
        if action == "duplicate":
            review_services.suggestion_mark_duplicate(suggestion_id=item.id, of=data["of"], meta=meta)
            return "Marked as a duplicate."
        editor = data["editor"]
        review_services.suggestion_assign(suggestion_id=item.id, editor=editor, meta=meta)
        return f"Assigned to {editor.get_username()}."

    # --- Bulk actions ---

    @admin.action(permissions=["desk"], description="Assign selected suggestions to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        done, skipped = 0, 0
        for item in queryset.filter(status__in=OPEN_STATUSES):
            try:
                review_services.suggestion_assign(suggestion_id=item.id, editor=request.user, meta=_meta(request))
                done += 1
            except DomainError:
                skipped += 1  # e.g. already assigned to me
        skipped += queryset.exclude(status__in=OPEN_STATUSES).count()
        self._report(request, done, skipped, "assigned to you")

    @admin.action(permissions=["desk"], description="Mark selected as duplicates of the oldest selected")
    def mark_duplicates_of_oldest(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        items = list(queryset.order_by("received_at"))
        if len({item.article_id for item in items}) != 1 or len(items) < 2:
            messages.error(request, "Select two or more suggestions on the same article.")
            return
        original, done, skipped = items[0], 0, 0
        for item in items[1:]:
            try:
                review_services.suggestion_mark_duplicate(suggestion_id=item.id, of=original.id, meta=_meta(request))
                done += 1
            except DomainError:
                skipped += 1
        self._report(request, done, skipped, f"marked as duplicates of “{Truncator(original.exact).chars(40)}”")

    @admin.action(permissions=["desk"], description="Reject selected suggestions…")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> TemplateResponse | None:
        """Asks for one reason (and reply) first, like the delete confirmation, then rejects the open items."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, skipped = 0, queryset.exclude(status__in=OPEN_STATUSES).count()
            for item in queryset.filter(status__in=OPEN_STATUSES):
                try:
                    review_services.suggestion_reject(suggestion_id=item.id, meta=_meta(request), **form.cleaned_data)
                    done += 1
                except DomainError:
                    skipped += 1
            self._report(request, done, skipped, "rejected")
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title="Reject suggestions",
            action="reject_selected",
            submit="Reject them",
        )

    def _report(self, request: HttpRequest, done: int, skipped: int, what: str) -> None:
        text = f"{done} suggestion{'s' if done != 1 else ''} {what}."
        if skipped:
            text += f" {skipped} skipped (already resolved or unchanged)."
        if done:
            messages.success(request, text)
        else:
            messages.warning(request, text)

    # --- Desk metrics ---

    def metrics_view(self, request: HttpRequest) -> TemplateResponse:
        """Time to resolution, acceptance rate, open items by age and reports per article, as SVG charts."""
        if not is_editor(request.user):
            raise PermissionDenied
        form = MetricsForm(request.GET or None)
        query = form.cleaned_data if form.is_valid() else {}
        figures = metrics_selectors.desk_metrics(days=query.get("days") or 30, bucket=query.get("bucket") or "day")
        outcomes = figures.outcomes
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Desk metrics",
            "subtitle": None,
            "form": form if form.is_bound else MetricsForm(),
            "m": figures,
            "acceptance_percent": round(outcomes.acceptance_rate * 100)
            if outcomes.acceptance_rate is not None
            else None,
            "resolution_chart": charts.bar_chart(
                [(b.label, b.count) for b in figures.resolution.histogram], title="Time to resolution"
            ),
            "outcomes_chart": charts.bar_chart(
                [("accepted", outcomes.accepted), ("rejected", outcomes.rejected), ("duplicate", outcomes.duplicate)],
                title="Outcomes",
                width=320,
                colours=("#5a9e4b", "#b04a6c", "#8a8a8a"),
            ),
            "age_chart": charts.bar_chart(
                [(b.label, b.count) for b in figures.open_by_age], title="Open items by age", colours=("#e07b39",)
            ),
            "reports_chart": charts.line_chart(
                [period.strftime("%-d %b") for period in figures.reports.periods],
                [(s.title, s.counts) for s in figures.reports.series],
                title=f"Reports per article, by {figures.reports.bucket}",
            ),
            "api_url": reverse("api:review-metrics"),
            "changelist_url": reverse("admin:corrections_suggestion_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/suggestion/metrics.html", context)


# --- Articles: read-only, with the event log and version diffs ---------------------------

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

    @admin.display(description="open suggestions", ordering="open_items")
    def open_suggestions(self, article: Article) -> Any:
        if not article.open_items:
            return 0
        url = reverse("admin:corrections_suggestion_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}&amp;status__in=new,assigned">{}</a>', url, article.id, article.open_items
        )

    @admin.display(description="public pages")
    def public_links(self, article: Article) -> str:
        return format_html(
            '<a href="{}">page</a> · <a href="{}">history</a>',
            reverse("corrections:article", args=[article.slug]),
            reverse("corrections:history", args=[article.slug]),
        )

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/diff/", self.admin_site.admin_view(self.diff_view), name="{}_{}_diff".format(*info)),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The article's event log (who did what, when) and its text versions with links to diffs."""
        article = self.get_object(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
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
        diff_url = reverse("admin:corrections_article_diff", args=[article.id])
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": f"Event log: {article.title}",
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
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
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
            messages.error(request, getattr(error, "message", "Give two version numbers."))
            return HttpResponseRedirect(reverse("admin:corrections_article_change", args=[article.id]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Diff: {article.title}, version {from_version} → {to_version}",
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


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("position", "type", "version", "stream_id", "actor", "recorded_at")
    list_filter = ("type",)
    search_fields = ("type",)
    actions = None
    readonly_fields = ("position", "stream_id", "version", "type", "schema", "data", "meta", "recorded_at", "hash")

    @admin.display(description="actor")
    def actor(self, event: Event) -> str:
        actor = event.meta.get("actor", {})
        return str(actor.get("username") or actor.get("kind", "system"))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Event], search_term: str) -> Any:
        """An article's id finds its stream; anything else searches the event type."""
        try:
            return queryset.filter(stream_id=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term)


# --- Comments: moderation -----------------------------------------------------------------


class HideCommentsForm(forms.Form):
    reason = forms.CharField(
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why they are hidden: kept in the log. Hidden comments are never shown publicly again.",
    )


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Flagged, not yet reviewed"), ("no", "Not flagged")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Readers' comments: approve pending or flagged ones, hide bad ones with a reason. The text is never edited."""

    list_display = ("excerpt", "author_name", "article_title", "status", "flag_count", "is_reply", "posted_at")
    list_display_links = ("excerpt",)
    list_filter = ("status", FlaggedFilter, ("article", admin.RelatedOnlyFieldListFilter))
    search_fields = ("body", "author_name", "article__title", "article__slug")
    list_select_related = ("article",)
    date_hierarchy = "posted_at"
    ordering = ("-posted_at",)
    actions = ["approve_selected", "hide_selected"]
    fields = (
        "article",
        "author_name",
        "author_user",
        "body",
        "status",
        "flag_count",
        "hidden_reason",
        "parent",
        "thread",
        "posted_at",
        "version",
    )

    def has_desk_permission(self, request: HttpRequest) -> bool:
        """Moderation is for editors (the ``work_desk`` permission)."""
        return is_editor(request.user)

    @admin.display(description="comment", ordering="body")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description="article", ordering="article__title")
    def article_title(self, comment: Comment) -> str:
        return Truncator(comment.article.title).chars(40)

    @admin.display(description="reply", boolean=True)
    def is_reply(self, comment: Comment) -> bool:
        return comment.parent_id is not None

    @admin.action(permissions=["desk"], description="Approve selected comments (show pending, keep flagged)")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done, refused = 0, []
        for comment in queryset:
            try:
                comment_services.comment_approve(comment_id=str(comment.id), meta=_meta(request))
                done += 1
            except DomainError as error:
                refused.append(error.message)
        self._report_comments(request, done, refused, "approved")

    @admin.action(permissions=["desk"], description="Hide selected comments…")
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> TemplateResponse | None:
        """Asks for the reason first, like the delete confirmation, then hides each comment."""
        form = HideCommentsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for comment in queryset:
                try:
                    comment_services.comment_hide(
                        comment_id=str(comment.id), reason=form.cleaned_data["reason"], meta=_meta(request)
                    )
                    done += 1
                except DomainError as error:
                    refused.append(error.message)
            self._report_comments(request, done, refused, "hidden")
            return None
        return ask_reason(
            self, request, queryset, form=form, title="Hide comments", action="hide_selected", submit="Hide them"
        )

    def _report_comments(self, request: HttpRequest, done: int, refused: list[str], what: str) -> None:
        text = f"{done} comment{'s' if done != 1 else ''} {what}."
        if refused:
            reasons = "; ".join(sorted(set(refused)))
            text += f" {len(refused)} skipped: {reasons}"
        (messages.success if done else messages.warning)(request, text)


# --- Notifications (the outbox) ---------------------------------------------------------


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

    @admin.display(description="last error", ordering="last_error")
    def error(self, notification: Notification) -> str:
        return Truncator(notification.last_error).chars(80)

    @admin.action(permissions=["desk"], description="Retry selected failed notifications")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        ids = queryset.filter(status=Notification.FAILED).values_list("id", flat=True)
        count = notifications.notifications_retry(ids=ids)
        if count:
            messages.success(request, f"{count} notification{'s' if count != 1 else ''} queued again.")
        else:
            messages.warning(request, "Nothing to retry: only failed notifications can be retried.")
