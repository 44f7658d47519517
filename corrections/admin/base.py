"""What every admin screen shares: read-only model admins, the 'ask for a reason' page of bulk actions, and
a paginator for long sorted lists."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse


def ask_reason(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
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

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def missing(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """Django's own "doesn't exist. Perhaps it was deleted?" message and redirect."""
        return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]


class KeysFirstPaginator(Paginator):
    """Pages of a long list sorted by something no index holds (the queue's urgency): the database sorts
    the keys alone and stops at the page's, then the page's rows are read with all they show."""

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        items = cast(QuerySet[Any], self.object_list)
        keys = list(items.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in items.filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
