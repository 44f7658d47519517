"""Comment moderation: approve pending or flagged comments, hide bad ones with a reason. The text is never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.text import Truncator

from ..domain.errors import DomainError
from ..models import Comment, CommentAuthor
from ..roles import is_editor
from ..services import comments as comment_services
from ..services import erasure
from ..services.meta import request_meta
from .base import ReadOnlyAdmin, ask_reason
from .forms import EraseAuthorsForm, HideCommentsForm


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
    actions = ["approve_selected", "hide_selected", "erase_authors"]
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
                comment_services.comment_approve(comment_id=str(comment.id), meta=request_meta(request))
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
                        comment_id=str(comment.id), reason=form.cleaned_data["reason"], meta=request_meta(request)
                    )
                    done += 1
                except DomainError as error:
                    refused.append(error.message)
            self._report_comments(request, done, refused, "hidden")
            return None
        return ask_reason(
            self, request, queryset, form=form, title="Hide comments", action="hide_selected", submit="Hide them"
        )

    @admin.action(permissions=["desk"], description="Erase the authors' personal data…")
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
                f"Erased the personal data of {len(ids)} comment(s) ({done.fields} field(s)) and everything left "
                f"under {len(addresses)} e-mail address(es). The log still verifies and records the erasure.",
            )
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title="Erase the authors' personal data",
            action="erase_authors",
            submit="Erase",
        )

    def _report_comments(self, request: HttpRequest, done: int, refused: list[str], what: str) -> None:
        text = f"{done} comment{'s' if done != 1 else ''} {what}."
        if refused:
            reasons = "; ".join(sorted(set(refused)))
            text += f" {len(refused)} skipped: {reasons}"
        (messages.success if done else messages.warning)(request, text)
