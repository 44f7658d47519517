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
from django.utils.text import Truncator

from ..domain.errors import DomainError, NotFound, StaleVersion
from ..domain.suggestions import OPEN_STATUSES
from ..models import Suggestion
from ..roles import is_editor
from ..selectors import review as review_selectors
from ..services import review as review_services
from ..services.meta import request_meta
from .base import ReadOnlyAdmin, ask_reason
from .forms import REVIEW_FORMS, AcceptForm, RejectFields, ReviewForm
from .metrics import metrics_view


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
                messages.error(request, "Unknown action.")
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
                messages.error(request, error.message)
                form = self._refused(form, error, request, object_id)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(change_url)
        return self._review_page(request, object_id, bound=form)

    def _refused(self, form: ReviewForm, error: DomainError, request: HttpRequest, object_id: str) -> ReviewForm:
        if isinstance(error, StaleVersion):
            # Show the current text and offer the same edit against it: the editor decides again.
            item = review_selectors.suggestion_review(object_id).item
            data = request.POST.copy()
            data["expected_version"] = str(item.article.version)
            form = AcceptForm(data, item=item)
            form.is_valid()
        form.add_error(None, error.message)
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
            "title": f"Review: {review.item}",
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
            "is_open": review.item.status in OPEN_STATUSES,
            "has_view_permission": True,
            "article_log_url": reverse("admin:corrections_article_change", args=[review.item.article_id]),
            "changelist_url": reverse("admin:corrections_suggestion_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/suggestion/review.html", context)

    # --- Bulk actions ---

    @admin.action(permissions=["desk"], description="Assign selected suggestions to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        done, skipped = 0, 0
        for item in queryset.filter(status__in=OPEN_STATUSES):
            try:
                review_services.suggestion_assign(
                    suggestion_id=item.id, editor=request.user, meta=request_meta(request)
                )
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
                review_services.suggestion_mark_duplicate(
                    suggestion_id=item.id, of=original.id, meta=request_meta(request)
                )
                done += 1
            except DomainError:
                skipped += 1
        self._report(request, done, skipped, f"marked as duplicates of “{Truncator(original.exact).chars(40)}”")

    @admin.action(permissions=["desk"], description="Reject selected suggestions…")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> TemplateResponse | None:
        """Asks for one reason (and reply) first, like the delete confirmation, then rejects the open items."""
        form = RejectFields(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, skipped = 0, queryset.exclude(status__in=OPEN_STATUSES).count()
            for item in queryset.filter(status__in=OPEN_STATUSES):
                try:
                    review_services.suggestion_reject(
                        suggestion_id=item.id, meta=request_meta(request), **form.cleaned_data
                    )
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
