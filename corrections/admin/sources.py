"""Sources: the newsroom's feeds, sitemaps, WordPress sites and webhooks, with their health. Saved through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..domain.errors import DomainError
from ..models import Source
from ..roles import is_editor
from ..services import sources as source_services

EDITABLE = ("name", "url", "selector", "interval_minutes", "active")
HEALTH = (
    "articles_tracked",
    "webhook_address",
    "last_polled_at",
    "last_success_at",
    "last_error",
    "last_error_at",
    "failures",
    "next_poll_at",
    "created_at",
    "created_by",
)


class SourceForm(forms.ModelForm):
    """The source's settings, checked by the same rules as the API (an address we may fetch, a usable selector)."""

    url = forms.URLField(
        label=Source._meta.get_field("url").verbose_name,
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=Source._meta.get_field("url").help_text,
    )

    class Meta:
        model = Source
        fields = ["name", "kind", "url", "selector", "interval_minutes", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.instance.kind if self.instance.pk else data.get("kind", "")
        try:
            source_services.source_validate(
                kind=kind,
                url=data.get("url") or "",
                selector=data.get("selector") or "",
                interval_minutes=data.get("interval_minutes") or 0,
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return data


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Where the newsroom's articles come from, and whether each source is healthy."""

    form = SourceForm
    list_display = ("__str__", "kind", "active", "articles_tracked", "last_success_at", "health", "next_poll_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "url")
    actions = ["poll_now", "pause", "resume"]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_editor(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # pause a source instead: its articles and their history stay

    def has_desk_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(tracked=Count("pages"))

    def get_fields(self, request: HttpRequest, obj: Source | None = None) -> list[str]:  # type: ignore[override]
        fields = ["name", "kind", "url", "selector", "interval_minutes", "active"]
        return [*fields, *HEALTH] if obj else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Source | None = None) -> tuple[str, ...]:
        return ("kind", *HEALTH) if obj else ()

    @admin.display(description=_("articles tracked"), ordering="tracked")
    def articles_tracked(self, source: Source) -> int:
        return getattr(source, "tracked", None) or source.pages.count()

    @admin.display(description=_("health"))
    def health(self, source: Source) -> str:
        if source.failures:
            return gettext("Failing (%(count)d×): %(error)s") % {
                "count": source.failures,
                "error": Truncator(source.last_error).chars(100),
            }
        if source.last_error:
            return Truncator(source.last_error).chars(100)
        return gettext("OK") if source.last_success_at else gettext("Not polled yet")

    @admin.display(description=_("webhook address"))
    def webhook_address(self, source: Source) -> str:
        if source.kind != Source.WEBHOOK:
            return "—"
        return reverse("api:source-webhook", args=[source.pk])

    def save_model(self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in EDITABLE}
            saved = source_services.source_update(source_id=obj.pk, **changes)
        else:
            saved = source_services.source_create(
                kind=data["kind"],
                url=data.get("url") or "",
                name=data.get("name") or "",
                selector=data.get("selector") or "",
                interval_minutes=data["interval_minutes"],
                user=request.user,
            )
            if not data.get("active", True):
                saved = source_services.source_update(source_id=saved.pk, active=False)
            if saved.secret:
                messages.warning(
                    request,
                    format_html(
                        gettext(
                            "Copy this webhook secret into the CMS now; it is not shown again: <code>{}</code> "
                            "(sign each POST to {} with X-Newsdesk-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;)."
                        ),
                        saved.secret,
                        request.build_absolute_uri(reverse("api:source-webhook", args=[saved.pk])),
                    ),
                )
        # The admin goes on with this object (its messages and redirect): give it what the service saved.
        for field in Source._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    @admin.action(permissions=["desk"], description=_("Poll selected sources now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        count = source_services.source_poll_enqueue(source_ids=list(queryset.values_list("id", flat=True)))
        text = ngettext(
            "%(count)d source will be polled now; reload to see.",
            "%(count)d sources will be polled now; reload to see.",
            count,
        )
        messages.success(request, text % {"count": count})

    @admin.action(permissions=["desk"], description=_("Pause selected sources"))
    def pause(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._set_active(request, queryset, False)

    @admin.action(permissions=["desk"], description=_("Resume selected sources"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._set_active(request, queryset, True)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Source], active: bool) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for source_id in ids:
            source_services.source_update(source_id=source_id, active=active)
        what = gettext("resumed") if active else gettext("paused")
        text = ngettext("%(count)d source %(what)s.", "%(count)d sources %(what)s.", len(ids))
        messages.success(request, text % {"count": len(ids), "what": what})
