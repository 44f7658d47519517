"""Public HTML pages: the article, its history."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..domain.errors import NotFound
from ..selectors import suggestions as suggestion_selectors
from ..selectors import transparency
from .article_page import article_page


def article_index(request: HttpRequest) -> HttpResponse:
    return render(request, "corrections/index.html", {"articles": selectors.article_list()[:50]})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return article_page(request, slug)


def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get(slug)
        history = selectors.article_history(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "corrections/history.html", {"article": article, "history": history})


def corrections_index(request: HttpRequest) -> HttpResponse:
    """Every public correction, newest first, each linked to its article (50 a page)."""
    filters = transparency.CorrectionFilters.from_query(request.GET)
    page = Paginator(transparency.public_corrections(filters), 50).get_page(request.GET.get("page"))
    context = {"page_obj": page, "filters": filters, "kinds": transparency.FILTER_KINDS}
    return render(request, "corrections/corrections.html", context)


def suggestion_status(request: HttpRequest, token: str) -> HttpResponse:
    """A reader's status page for their suggestion, reached only through the secret link they were given."""
    try:
        item = suggestion_selectors.suggestion_status(token)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "corrections/suggestion_status.html", {"item": item})
