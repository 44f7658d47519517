"""The review queue: the list with its filters and bulk actions, and one suggestion's review page.

The review page shows a form per action; each posts to its own view
(``<id>/accept/``, ``<id>/reject/``, …), as ``django.contrib.auth``'s admin
gives the password change its own view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from ..domain.errors import DomainError, NotFound, StaleVersion
from ..domain.suggestions import OPEN_STATUSES
from ..models import Suggestion
from ..roles import is_editor
from ..selectors import review as review_selectors
from ..services import review as review_services
from ..services.meta import request_meta
from ..templatetags.desk import age
from .actions import each
from .base import KeysFirstPaginator, ReadOnlyAdmin, ask_reason
from .filters import ArticleFilter, AssigneeFilter
from .forms import REVIEW_FORMS, AcceptForm, RejectFields, ReviewForm
from .metrics import metrics_view

#: The queue's badges (msgids, translated when a row shows one).
BADGES = {
    "whole": gettext_noop("whole article"),
    "conflict": gettext_noop("conflicting fix"),
    "related": gettext_noop("overlaps another"),
    "outdated": gettext_noop("words deleted"),
    "edited": gettext_noop("words edited"),
    "resolved": gettext_noop("probably resolved"),
}

#: The actions after which the editor moves on to the next open item (assigning is not a decision).
DECISIONS = ("accept", "reject", "duplicate")


class QueueFilter(admin.SimpleListFilter):
    """The queue opens on open items; 'resolved' and 'all' are one click away (a status filter overrides it)."""

    # Translators: a filter's title, shown after Django's "By" ("By queue").
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", gettext("Open")), ("resolved", gettext("Resolved")), ("all", gettext("All"))]

    def value(self) -> str | None:
        return super().value() or "open"

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if "status__exact" in request.GET:
            return queryset
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "resolved":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    # Seven narrow columns fit a 1280 px screen: the fix, badges and assignee share cells.
    list_display = ("report", "article_title", "state", "category", "urgency", "readers", "waiting")
    list_display_links = ("report",)
    list_filter = (
        QueueFilter,
        "status",
        "category",
        "anchor_state",
        "probably_resolved",
        AssigneeFilter,
        ArticleFilter,
        ("received_at", admin.DateFieldListFilter),
    )
    search_fields = ("exact", "suggestion", "comment", "reply", "article__title", "article__slug")
    # The page's articles and assignees are read after it (``get_queryset``): joined in, they would come
    # before the sort, which then could not stop at the page's rows.
    list_select_related = False
    # One COUNT of what the filters keep, none of the whole table.
    show_full_result_count = False
    paginator = KeysFirstPaginator
    list_per_page = 50  # a triage screen: what an editor takes in at a glance, and half the rendering
    actions = ["assign_to_me", "close_probably_resolved", "mark_duplicates_of_oldest", "reject_selected"]
    change_list_template = "admin/corrections/suggestion/change_list.html"

    def has_desk_permission(self, request: HttpRequest) -> bool:
        """The review actions are for editors (the ``work_desk`` permission)."""
        return is_editor(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suggestion]:
        # Annotate before the changelist orders by the annotation (ModelAdmin.get_queryset would order first).
        return review_selectors.worklist(review_selectors.listed())

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("-urgency", "received_at")

    @admin.display(description=_("report"), ordering="exact")
    def report(self, item: Suggestion) -> SafeString:
        """The words and the reader's fix, with what the editor must know at a glance."""
        if item.exact:
            words = format_html("“{}” → “{}”", Truncator(item.exact).chars(40), Truncator(item.suggestion).chars(40))
        else:
            words = format_html("{}", Truncator(item.comment or item.suggestion).chars(60))
        badges = [
            (cls, gettext(text))  # translated only when shown: a page of 100 rows would translate 600 labels
            for cls, text, on in (
                ("whole", BADGES["whole"], not item.exact),
                ("conflict", BADGES["conflict"], getattr(item, "conflicting", False)),
                (
                    "related",
                    BADGES["related"],
                    getattr(item, "related", False) and not getattr(item, "conflicting", False),
                ),
                ("outdated", BADGES["outdated"], item.outdated),
                ("related", BADGES["edited"], item.exact and getattr(item, "anchor_state", "") == "edited"),
                ("whole", BADGES["resolved"], getattr(item, "probably_resolved", False)),
            )
            if on
        ]
        return format_html("{}{}", words, format_html_join("", ' <span class="badge badge-{}">{}</span>', badges))

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, item: Suggestion) -> str:
        return Truncator(item.article.title).chars(30)

    @admin.display(description=_("status"), ordering="status")
    def state(self, item: Suggestion) -> str:
        status = item.get_status_display().lower()
        return f"{status} ({item.assignee.get_username()})" if item.assignee else status

    @admin.display(description=_("priority"), ordering="-urgency")
    def urgency(self, item: Suggestion) -> int:
        return int(getattr(item, "urgency", item.priority))

    @admin.display(description=_("readers"), ordering="reporter_count")
    def readers(self, item: Suggestion) -> int:
        return item.reporter_count

    @admin.display(description=_("waiting"), ordering="received_at")
    def waiting(self, item: Suggestion) -> str:
        if item.status in OPEN_STATUSES:
            return age(item.received_at)
        return gettext("resolved %(age)s") % {"age": age(item.resolved_at)}

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        actions = [
            path(
                f"<path:object_id>/{action}/",
                self.admin_site.admin_view(self._action_view(action)),
                name="{}_{}_{}".format(*info, action),
            )
            for action in REVIEW_FORMS
        ]
        metrics = self.admin_site.admin_view(lambda request: metrics_view(self, request))
        return [
            path("metrics/", metrics, name="{}_{}_metrics".format(*info)),
            *actions,
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
            "all_url": f"{changelist}?queue=all",
            "open_count": sum(counts[status] for status in OPEN_STATUSES),
            "metrics_url": reverse("admin:corrections_suggestion_metrics"),
        }
        return super().changelist_view(request, extra_context)

    # --- One item: the review page, and a view per review action ---

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The sentence with the selection highlighted, the change as a diff, and the review forms."""
        if request.method == "POST":
            # A form posted to the page itself (an older page, a script) goes to its action's view.
            action = request.POST.get("action", "")
            if action not in REVIEW_FORMS:
                if not is_editor(request.user):
                    raise PermissionDenied
                messages.error(request, gettext("Unknown action."))
                return HttpResponseRedirect(request.path)
            return self.review_action(request, object_id, action)
        return self._review_page(request, object_id, extra_context=extra_context)

    def _action_view(self, action: str) -> Callable[..., HttpResponse]:
        def view(request: HttpRequest, object_id: str) -> HttpResponse:
            if request.method != "POST":
                return HttpResponseRedirect(reverse("admin:corrections_suggestion_change", args=[object_id]))
            return self.review_action(request, object_id, action)

        return view

    def review_action(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """Run one review action from its form; on a refusal show the review page again with the form's errors."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not is_editor(request.user):
            raise PermissionDenied
        try:
            item = review_selectors.suggestion_review(object_id).item
        except NotFound:
            return self.missing(request, object_id)
        change_url = reverse("admin:corrections_suggestion_change", args=[object_id])
        form = REVIEW_FORMS[action](request.POST, item=item)
        if form.is_valid():
            try:
                message = form.perform(meta=request_meta(request))
            except DomainError as error:
                form = self._refused(form, error, request, object_id)
            else:
                messages.success(request, message)
                if action in DECISIONS:
                    return self._next(request)
                return HttpResponseRedirect(change_url)
        return self._review_page(request, object_id, bound=form)

    def _next(self, request: HttpRequest) -> HttpResponseRedirect:
        """After a decision: the most urgent open item nobody else has taken, or the queue when it is clear."""
        item = review_selectors.next_open(editor=request.user)
        if item is None:
            messages.info(request, gettext("The queue is clear: no open suggestion is waiting."))
            return HttpResponseRedirect(reverse("admin:corrections_suggestion_changelist"))
        return HttpResponseRedirect(reverse("admin:corrections_suggestion_change", args=[item.id]))

    def _refused(self, form: ReviewForm, error: DomainError, request: HttpRequest, object_id: str) -> ReviewForm:
        """Say why once, on the field it concerns when there is one (not in a message as well)."""
        if isinstance(error, StaleVersion):
            # Show the current text and offer the same edit against it: the editor decides again.
            item = review_selectors.suggestion_review(object_id).item
            data = request.POST.copy()
            data["expected_version"] = str(item.article.version)
            form = AcceptForm(data, item=item)
            form.is_valid()
        field = error.details.get("field")
        form.add_error(field if isinstance(field, str) and field in form.fields else None, error.message)
        return form

    def _review_page(
        self,
        request: HttpRequest,
        object_id: str,
        *,
        bound: ReviewForm | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            review = review_selectors.suggestion_review(object_id)
        except NotFound:
            return self.missing(request, object_id)
        forms = {action: form.blank(review.item) for action, form in REVIEW_FORMS.items()}
        if bound is not None:
            forms[bound.action] = bound
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": gettext("Review: %(item)s") % {"item": review.item},
            "subtitle": None,
            "original": review.item,
            "review": review,
            "item": review.item,
            "forms": forms,
            "action_urls": {
                action: reverse(f"admin:corrections_suggestion_{action}", args=[review.item.id])
                for action in REVIEW_FORMS
            },
            "can_review": is_editor(request.user) and review.item.status in OPEN_STATUSES,
            # Words that are no longer in the article cannot be replaced: such an item is rejected or merged.
            "can_accept": not review.outdated,
            "next_item": review_selectors.next_open(review.item, editor=request.user),
            "can_close_resolved": is_editor(request.user)
            and review.item.status in OPEN_STATUSES
            and review.item.probably_resolved,
            "is_open": review.item.status in OPEN_STATUSES,
            "has_view_permission": True,
            "article_log_url": reverse("admin:corrections_article_change", args=[review.item.article_id]),
            "changelist_url": reverse("admin:corrections_suggestion_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/suggestion/review.html", context)

    # --- Bulk actions ---

    @admin.action(permissions=["desk"], description=_("Assign selected suggestions to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        done, refused = each(
            queryset.filter(status__in=OPEN_STATUSES),
            lambda item: review_services.suggestion_assign(
                suggestion_id=item.id, editor=request.user, meta=request_meta(request)
            ),
        )
        skipped = len(refused) + queryset.exclude(status__in=OPEN_STATUSES).count()  # refused: e.g. already mine
        self._report(request, done, skipped, gettext("assigned to you"))

    @admin.action(permissions=["desk"], description=_("Close selected items a revision already fixed"))
    def close_probably_resolved(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        """Accept the open, probably-resolved items: the text already has their fix, so nothing else is written."""
        items = list(queryset.select_related("article"))
        closable = [item for item in items if item.status in OPEN_STATUSES and item.probably_resolved]
        done, _refused = each(
            closable,
            # No text changes here, so the version the desk sees now is the one to guard with.
            lambda item: review_services.suggestion_accept(
                suggestion_id=item.id, expected_version=item.article.version, meta=request_meta(request)
            ),
        )
        skipped = len(items) - done
        self._report(request, done, skipped, gettext("closed as already fixed"))

    @admin.action(permissions=["desk"], description=_("Mark selected as duplicates of the oldest selected"))
    def mark_duplicates_of_oldest(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        items = list(queryset.order_by("received_at"))
        if len({item.article_id for item in items}) != 1 or len(items) < 2:
            messages.error(request, gettext("Select two or more suggestions on the same article."))
            return
        original = items[0]
        done, refused = each(
            items[1:],
            lambda item: review_services.suggestion_mark_duplicate(
                suggestion_id=item.id, of=original.id, meta=request_meta(request)
            ),
        )
        skipped = len(refused)
        what = gettext("marked as duplicates of “%(exact)s”") % {"exact": Truncator(original.exact).chars(40)}
        self._report(request, done, skipped, what)

    @admin.action(permissions=["desk"], description=_("Reject selected suggestions…"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> TemplateResponse | None:
        """Asks for one reason (and reply) first, like the delete confirmation, then rejects the open items."""
        form = RejectFields(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            resolved = queryset.exclude(status__in=OPEN_STATUSES).count()  # counted before the rejections resolve more
            done, refused = each(
                queryset.filter(status__in=OPEN_STATUSES),
                lambda item: review_services.suggestion_reject(
                    suggestion_id=item.id, meta=request_meta(request), **form.cleaned_data
                ),
            )
            skipped = resolved + len(refused)
            self._report(request, done, skipped, gettext("rejected"))
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Reject suggestions"),
            action="reject_selected",
            submit=gettext("Reject them"),
        )

    def _report(self, request: HttpRequest, done: int, skipped: int, what: str) -> None:
        text = ngettext("%(count)d suggestion %(what)s.", "%(count)d suggestions %(what)s.", done) % {
            "count": done,
            "what": what,
        }
        if skipped:
            text += " " + gettext("%(count)d skipped (already resolved, unchanged or not probably resolved).") % {
                "count": skipped
            }
        if done:
            messages.success(request, text)
        else:
            messages.warning(request, text)
