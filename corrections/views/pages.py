"""Public HTML pages: the article, its history."""

from __future__ import annotations

import math

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render

from .. import selectors
from ..domain.errors import NotFound
from ..selectors import suggestions as suggestion_selectors
from ..selectors import transparency
from ..throttles import HistoryThrottle
from .article_page import article_page


def article_index(request: HttpRequest) -> HttpResponse:
    return render(request, "corrections/index.html", {"articles": selectors.article_list()[:50]})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return article_page(request, slug)


def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every version of the text with its stored diff; throttled like the diff API, and cacheable by ETag."""
    throttle = HistoryThrottle()
    if not throttle.allow_request(request, None):
        wait = math.ceil(throttle.wait() or 1)
        response = HttpResponse(
            f"Too many requests; wait {wait} seconds.", status=429, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        article = selectors.article_get(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    etag = selectors.history_etag(article, "history")
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        history = selectors.article_history(slug)
        response = render(request, "corrections/history.html", {"article": article, "history": history})
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    return response


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
