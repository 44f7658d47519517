"""Unannounced edits: what the newsroom's site changed without a correction, and the desk's answer to each."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import UnannouncedEdit
from ..roles import is_editor
from ..selectors import sources as source_selectors
from ..services import unannounced as unannounced_services
from ..services.meta import request_meta
from .actions import each
from .base import ReadOnlyAdmin, ask_reason


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Note"),
        help_text=_("Shown to readers beside each edit, e.g. “An earlier version misspelled the mayor's name.”"),
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        label=_("Reason"),
        help_text=_("For the desk only, e.g. “typo” or “house style”."),
    )


@admin.register(UnannouncedEdit)
class UnannouncedEditAdmin(ReadOnlyAdmin):
    """Edits made on the site without a correction: attach a public note after the fact, or mark none needed."""

    list_display = ("article_title", "version", "status", "detected_at", "answer", "links")
    list_filter = ("status",)
    search_fields = ("article__title", "article__slug", "resolution")
    list_select_related = ("article",)
    date_hierarchy = "detected_at"
    ordering = ("-detected_at", "-version")
    actions = ["note_selected", "waive_selected"]
    fields = ("article", "version", "status", "detected_at", "changes", "resolution", "resolved_at")
    readonly_fields = fields

    class Media:
        css = {"all": ["corrections/admin.css"]}

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_editor(request.user)

    def has_desk_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The queue opens on the edits still waiting for the desk."""
        if not request.GET and request.method == "GET":
            return HttpResponseRedirect(f"{request.path}?status__exact={UnannouncedEdit.OPEN}")
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, edit: UnannouncedEdit) -> str:
        return Truncator(edit.article.title).chars(60)

    @admin.display(description=_("note or reason"), ordering="resolution")
    def answer(self, edit: UnannouncedEdit) -> str:
        return Truncator(edit.resolution).chars(60)

    @admin.display(description=_("diff"))
    def links(self, edit: UnannouncedEdit) -> SafeString:
        diff = reverse("admin:corrections_article_diff", args=[edit.article_id])
        return format_html(
            '<a href="{}?from={}&amp;to={}">{}</a> · <a href="{}">{}</a>',
            diff,
            edit.version - 1,
            edit.version,
            gettext("diff"),
            reverse("corrections:history", args=[edit.article.slug]),
            gettext("public history"),
        )

    @admin.display(description=_("what the site changed"))
    def changes(self, edit: UnannouncedEdit) -> SafeString:
        diff = source_selectors.unannounced_diff(edit)
        title = ""
        if diff.title_before != diff.title_after:
            title = format_html(
                "<p>{} <del>{}</del> <ins>{}</ins></p>", gettext("Title:"), diff.title_before, diff.title_after
            )
        tags = {"insert": "ins", "delete": "del"}
        body = format_html_join(
            "",
            "<{}>{}</{}>",
            (
                (tags.get(op.op, "span"), _elide(op.text) if op.op == "equal" else op.text, tags.get(op.op, "span"))
                for op in diff.ops
            ),
        )
        return format_html('{}<div class="nd-diff">{}</div>', title, body)

    @admin.action(permissions=["desk"], description=_("Attach a public note to selected edits…"))
    def note_selected(self, request: HttpRequest, queryset: QuerySet[UnannouncedEdit]) -> TemplateResponse | None:
        """Asks for the note first, then attaches it to each selected edit."""
        form = NoteForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._answer(
                request,
                queryset,
                gettext("noted"),
                unannounced_services.unannounced_note_add,
                note=form.cleaned_data["note"],
            )
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Attach a public note"),
            action="note_selected",
            submit=gettext("Publish the note"),
        )

    @admin.action(permissions=["desk"], description=_("Mark selected edits as needing no note…"))
    def waive_selected(self, request: HttpRequest, queryset: QuerySet[UnannouncedEdit]) -> TemplateResponse | None:
        """Asks for an optional reason (kept for the desk), then marks each selected edit."""
        form = WaiveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._answer(
                request,
                queryset,
                gettext("marked as needing no note"),
                unannounced_services.unannounced_waive,
                reason=form.cleaned_data["reason"],
            )
            return None
        return ask_reason(
            self,
            request,
            queryset,
            form=form,
            title=gettext("No note needed"),
            action="waive_selected",
            submit=gettext("Mark them"),
        )

    def _answer(
        self, request: HttpRequest, queryset: QuerySet[UnannouncedEdit], what: str, service: Any, **fields: str
    ) -> None:
        done, refused = each(queryset, lambda edit: service(edit_id=edit.id, meta=request_meta(request), **fields))
        text = ngettext("%(count)d edit %(what)s.", "%(count)d edits %(what)s.", done) % {"count": done, "what": what}
        if refused:
            reasons = "; ".join(sorted(set(refused)))
            text += " " + gettext("%(count)d skipped: %(reasons)s") % {"count": len(refused), "reasons": reasons}
        (messages.success if done else messages.warning)(request, text)


def _elide(text: str, keep: int = 120) -> str:
    """Long unchanged runs shortened to their edges, so the change stands out."""
    return text if len(text) <= 2 * keep else f"{text[:keep]} … {text[-keep:]}"
