"""Comment moderation: approve pending or flagged comments, hide bad ones with a reason. The text is never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..domain.errors import DomainError, NotFound
from ..models import Comment, CommentAuthor
from ..roles import is_editor
from ..selectors import comments as comment_selectors
from ..services import comments as comment_services
from ..services import erasure
from ..services.meta import request_meta
from .actions import each
from .base import ReadOnlyAdmin, ask_reason
from .filters import ArticleFilter
from .forms import EraseAuthorsForm, HideCommentsForm


class FlaggedFilter(admin.SimpleListFilter):
    # Translators: a filter's title, shown after Django's "By" ("By queue").
    title = _("flagged")
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Flagged, not yet reviewed")), ("no", gettext("Not flagged"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


class CommentChangeList(ChangeList):
    """The list with each comment's open flag reasons, looked up once per page."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        reasons = comment_selectors.comment_flag_reasons(list(self.result_list))
        for comment in self.result_list:
            comment.flag_reasons = reasons.get(str(comment.id), [])


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Readers' comments: approve pending or flagged ones, hide bad ones with a reason. The text is never edited."""

    list_display = ("excerpt", "author_name", "article_title", "status", "flags", "is_reply", "posted_at")
    list_display_links = ("excerpt",)
    list_filter = ("status", FlaggedFilter, ArticleFilter, ("posted_at", admin.DateFieldListFilter))
    search_fields = ("body", "author_name", "article__title", "article__slug")
    list_select_related = ("article",)
    show_full_result_count = False
    ordering = ("-posted_at",)
    actions = ["approve_selected", "hide_selected", "restore_selected", "erase_authors"]
    change_list_template = "admin/corrections/comment/change_list.html"
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

    @admin.display(description=_("comment"), ordering="body")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment: Comment) -> str:
        return Truncator(comment.article.title).chars(40)

    @admin.display(description=_("in reply to"), ordering="parent")
    def is_reply(self, comment: Comment) -> str:
        return gettext("a comment") if comment.parent_id is not None else "—"

    @admin.display(description=_("flags"), ordering="flag_count")
    def flags(self, comment: Comment) -> str:
        """How many readers flagged it since the last review, and why."""
        if not comment.flag_count:
            return "—"
        reasons = "; ".join(Truncator(r).chars(60) for r in getattr(comment, "flag_reasons", []))
        return f"{comment.flag_count}: {reasons}" if reasons else str(comment.flag_count)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CommentChangeList

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        counts = {
            "pending": Comment.objects.filter(status="pending").count(),
            "flagged": Comment.objects.filter(status="visible", flag_count__gt=0).count(),
        }
        return super().changelist_view(request, {**(extra_context or {}), "moderation_counts": counts})

    # --- One comment: its moderation page, with a view per button ---

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        buttons = [
            path(
                f"<path:object_id>/{action}/",
                self.admin_site.admin_view(self._button_view(action)),
                name="{}_{}_{}".format(*info, action),
            )
            for action in ("approve", "hide", "restore")
        ]
        return [*buttons, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The comment in its thread, the readers' flag reasons, and approve / hide / restore buttons."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            comment = comment_selectors.comment_get(object_id)
        except NotFound:
            return self.missing(request, object_id)
        root_id = comment.thread_id or comment.id
        thread = comment_selectors.comment_review_list().filter(Q(id=root_id) | Q(thread_id=root_id))
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": gettext("Comment by %(name)s") % {"name": comment.author_name},
            "subtitle": None,
            "original": comment,
            "comment": comment,
            "thread": thread.order_by("posted_at", "version"),
            "reasons": comment_selectors.comment_flag_reasons([comment]).get(str(comment.id), []),
            "can_moderate": is_editor(request.user),
            "hide_form": HideCommentsForm(),
            "urls": {
                action: reverse(f"admin:corrections_comment_{action}", args=[comment.id])
                for action in ("approve", "hide", "restore")
            },
            "changelist_url": reverse("admin:corrections_comment_changelist"),
            "has_view_permission": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/corrections/comment/moderate.html", context)

    def _button_view(self, action: str) -> Any:
        def view(request: HttpRequest, object_id: str) -> HttpResponse:
            page = reverse("admin:corrections_comment_change", args=[object_id])
            if request.method != "POST":
                return HttpResponseRedirect(page)
            if not is_editor(request.user):
                raise PermissionDenied
            reason = request.POST.get("reason", "")
            meta = request_meta(request)
            try:
                if action == "approve":
                    comment_services.comment_approve(comment_id=object_id, meta=meta)
                elif action == "hide":
                    comment_services.comment_hide(comment_id=object_id, reason=reason, meta=meta)
                else:
                    comment_services.comment_restore(comment_id=object_id, reason=reason, meta=meta)
            except NotFound:
                return self.missing(request, object_id)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                done = {"approve": gettext("Approved."), "hide": gettext("Hidden."), "restore": gettext("Restored.")}
                messages.success(request, done[action])
            return HttpResponseRedirect(page)

        return view

    @admin.action(permissions=["desk"], description=_("Approve selected comments (show pending, keep flagged)"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done, refused = each(
            queryset,
            lambda comment: comment_services.comment_approve(comment_id=str(comment.id), meta=request_meta(request)),
        )
        self._report_comments(request, done, refused, gettext("approved"))

    @admin.action(permissions=["desk"], description=_("Hide selected comments…"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> TemplateResponse | None:
        """Asks for the reason first, like the delete confirmation, then hides each comment."""
        form = HideCommentsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = each(
                queryset,
                lambda comment: comment_services.comment_hide(
                    comment_id=str(comment.id), reason=form.cleaned_data["reason"], meta=request_meta(request)
                ),
            )
            self._report_comments(request, done, refused, gettext("hidden"))
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Hide comments"),
            action="hide_selected",
            submit=gettext("Hide them"),
        )

    @admin.action(permissions=["desk"], description=_("Restore selected hidden comments"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done, refused = each(
            queryset,
            lambda comment: comment_services.comment_restore(comment_id=str(comment.id), meta=request_meta(request)),
        )
        self._report_comments(request, done, refused, gettext("restored"))

    @admin.action(permissions=["desk"], description=_("Erase the authors' personal data…"))
    def erase_authors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> TemplateResponse | None:
        """At the author's request: their words and name in these comments, and all left under their address."""
        form = EraseAuthorsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            ids = [str(pk) for pk in queryset.values_list("id", flat=True)]
            addresses = sorted(set(CommentAuthor.objects.filter(comment_id__in=ids).values_list("email", flat=True)))
            done = erasure.person_erase(
                comment_ids=ids, requested_by=form.cleaned_data["requested_by"], meta=request_meta(request)
            )
            for address in addresses:
                erasure.person_erase(
                    email=address, requested_by=form.cleaned_data["requested_by"], meta=request_meta(request)
                )
            messages.success(
                request,
                gettext(
                    "Erased the personal data of %(comments)d comment(s) (%(fields)d field(s)) and everything left "
                    "under %(addresses)d e-mail address(es). The log still verifies and records the erasure."
                )
                % {"comments": len(ids), "fields": done.fields, "addresses": len(addresses)},
            )
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Erase the authors' personal data"),
            action="erase_authors",
            submit=gettext("Erase"),
        )

    def _report_comments(self, request: HttpRequest, done: int, refused: list[str], what: str) -> None:
        text = ngettext("%(count)d comment %(what)s.", "%(count)d comments %(what)s.", done) % {
            "count": done,
            "what": what,
        }
        if refused:
            reasons = "; ".join(sorted(set(refused)))
            text += " " + gettext("%(count)d skipped: %(reasons)s") % {"count": len(refused), "reasons": reasons}
        (messages.success if done else messages.warning)(request, text)
