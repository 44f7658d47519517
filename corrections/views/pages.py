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
    """The versions of the text with their stored diffs, a page at a time; throttled like the diff API, and
    cacheable by ETag."""
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
    # ?page=N, or ?v=N for the page showing version N (links to one version of a long history); bad values: page 1.
    page, at_version = (_positive(request.GET.get(name)) for name in ("page", "v"))
    etag = selectors.history_etag(article, "history", page, at_version)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        history = selectors.article_history(slug, page=page or 1, at_version=at_version)
        response = render(request, "corrections/history.html", {"article": article, "history": history})
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    return response


def _positive(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() and 0 < int(value) < 2**31 else None


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
