"""'Write to us' without JavaScript: a reader's request about the whole article, posted as a form.

The same service, queue and status page as the API; on success the reader is sent
to their status page (post/redirect/get), so a reload never sends it twice.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from .. import selectors, services
from ..domain.errors import DomainError, NotFound
from ..forms import WriteForm
from ..services import suggestions as suggestion_services
from ..throttles import SuggestionThrottle


def _page(request: HttpRequest, article: Any, form: WriteForm, status: int = 200) -> HttpResponse:
    return render(request, "corrections/write_to_us.html", {"article": article, "form": form}, status=status)


def write_to_us(request: HttpRequest, slug: str) -> HttpResponse:
    """The form on its own page (GET), and its post from there or from the article page."""
    try:
        article = selectors.article_get(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    if request.method != "POST":
        return _page(request, article, WriteForm())
    form = WriteForm(request.POST)
    throttle = SuggestionThrottle()
    # The same counter as the API's suggestions: one budget per reader, whichever way they write.
    if not throttle.allow_request(request, SimpleNamespace(throttle_scope="suggestions")):  # type: ignore[arg-type]
        wait = math.ceil(throttle.wait() or 1)
        form.is_valid()
        form.add_error(
            None, gettext("You are sending requests too fast; wait %(wait)d seconds and try again.") % {"wait": wait}
        )
        response = _page(request, article, form, 429)
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return _page(request, article, form, 400)
    data = form.cleaned_data
    try:
        submitted = suggestion_services.suggestion_submit(
            slug=slug,
            exact="",
            comment=data["comment"],
            category=data["category"],
            name=data["name"],
            email=data["email"],
            meta=services.actor_meta(kind="reader", request_id=request.headers.get("X-Request-ID", "")),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, article, form, 422)
    return redirect("corrections:suggestion-status", token=submitted.token)
