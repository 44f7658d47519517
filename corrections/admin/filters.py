"""List filters whose cost does not grow with the newsroom: no choice list read from every row of the table.

Django's ``RelatedOnlyFieldListFilter`` reads the distinct related rows of the whole
list (every article with a report: thousands, their texts included) to draw its
choices on every page of the list.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Article
from ..roles import EDITOR_PERMISSION


class ArticleFilter(admin.SimpleListFilter):
    """One article's rows, reached from a link (the article's open reports, a row's article): only the
    chosen article is shown as a choice, with "All" to leave it."""

    title = _("article")
    parameter_name = "article__id__exact"  # the parameter Django's own filter used: old links keep working

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        chosen = self._chosen()
        title = Article.objects.filter(id=chosen).values_list("title", flat=True).first() if chosen else None
        return [(str(chosen), title)] if title is not None else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        chosen = self._chosen()
        return queryset.filter(article_id=chosen) if chosen else queryset

    def _chosen(self) -> uuid.UUID | None:
        value = self.value()
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error


class AssigneeFilter(admin.SimpleListFilter):
    """Items assigned to one editor: the choices are the desk's editors, not every user an item names."""

    title = _("assignee")
    parameter_name = "assignee__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        app, codename = EDITOR_PERMISSION.split(".")
        holds = Q(permissions__content_type__app_label=app, permissions__codename=codename)
        editors = get_user_model().objects.filter(
            Q(is_superuser=True)
            | Q(groups__in=Group.objects.filter(holds))
            | Q(user_permissions__content_type__app_label=app, user_permissions__codename=codename),
            is_active=True,
        )
        return [(str(user.pk), user.get_username()) for user in editors.distinct().order_by("username")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) < 19):  # a bigint, in ASCII digits
            raise IncorrectLookupParameters(f"No editor {value!r}.")
        return queryset.filter(assignee_id=int(value))
