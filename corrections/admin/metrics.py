"""The desk's metrics page: time to resolution, acceptance rate, open items by age, reports per article."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import charts
from ..roles import is_editor
from ..selectors import metrics as metrics_selectors
from .forms import MetricsForm


def metrics_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> TemplateResponse:
    """Time to resolution, acceptance rate, open items by age and reports per article, as SVG charts."""
    if not is_editor(request.user):
        raise PermissionDenied
    form = MetricsForm(request.GET or None)
    query = form.cleaned_data if form.is_valid() else {}
    figures = metrics_selectors.desk_metrics(days=query.get("days") or 30, bucket=query.get("bucket") or "day")
    outcomes = figures.outcomes
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Desk metrics"),
        "subtitle": None,
        "form": form if form.is_bound else MetricsForm(),
        "m": figures,
        "acceptance_percent": round(outcomes.acceptance_rate * 100) if outcomes.acceptance_rate is not None else None,
        "resolution_chart": charts.bar_chart(
            [(gettext(b.label), b.count) for b in figures.resolution.histogram], title=gettext("Time to resolution")
        ),
        "outcomes_chart": charts.bar_chart(
            [
                (gettext("accepted"), outcomes.accepted),
                (gettext("rejected"), outcomes.rejected),
                (gettext("duplicate"), outcomes.duplicate),
            ],
            title=gettext("Outcomes"),
            width=320,
            colours=("#5a9e4b", "#b04a6c", "#8a8a8a"),
        ),
        "age_chart": charts.bar_chart(
            [(gettext(b.label), b.count) for b in figures.open_by_age],
            title=gettext("Open items by age"),
            colours=("#e07b39",),
        ),
        "reports_chart": charts.line_chart(
            [date_format(period, "j M") for period in figures.reports.periods],
            [(s.title, s.counts) for s in figures.reports.series],
            title=gettext("Reports per article, by week")
            if figures.reports.bucket == "week"
            else gettext("Reports per article, by day"),
        ),
        "api_url": reverse("api:review-metrics"),
        "changelist_url": reverse("admin:corrections_suggestion_changelist"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/corrections/suggestion/metrics.html", context)
