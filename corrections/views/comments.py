"""The comment forms of the article page: post a comment or a reply, flag one.

The forms post to Django views (with CSRF) that call the same services as the
API and redirect back to the article; a refused comment re-renders the page
with the reader's text and the reason.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from ..domain import comments as domain
from ..domain.errors import DomainError, NotFound
from ..services import comments as services
from ..services.meta import request_meta
from ..throttles import CommentFlagThrottle, CommentThrottle, person_key
from .article_page import NOTICE_TAG, NOTICES, CommentForm, article_page


def _back_to(request: HttpRequest, slug: str, notice: str, anchor: str) -> HttpResponse:
    """Back to the article with a one-time thank-you: a clean URL, so a reload shows it no more."""
    messages.success(request, NOTICES[notice], extra_tags=NOTICE_TAG)
    return redirect(f"{reverse('corrections:article', args=[slug])}#{anchor}")


def _refused(request: HttpRequest, slug: str, form: CommentForm, status: int, retry_after: int = 0) -> HttpResponse:
    """Show the article again with the reader's text and what went wrong."""
    response = article_page(request, slug, comment_form=form)
    response.status_code = status
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a comment or a reply from the article page."""
    form = CommentForm(request.POST, user=request.user)
    throttle = CommentThrottle()
    # The DRF throttle reads only .user and .META, which a Django request has too.
    if not throttle.allow_request(request, None):
        wait = math.ceil(throttle.wait() or 1)
        form.is_valid()
        form.add_error(
            None, gettext("You are posting comments too fast; wait %(wait)d seconds and try again.") % {"wait": wait}
        )
        return _refused(request, slug, form, 429, retry_after=wait)
    if not form.is_valid():
        return _refused(request, slug, form, 400)
    data = form.cleaned_data
    try:
        recorded = services.comment_post(
            slug=slug,
            body=data["body"],
            author_name=data["name"],
            email=data["email"],
            parent_id=str(data["parent"]) if data["parent"] else None,
            user=request.user,
            meta=request_meta(request, kind=services.commenter_kind(request.user)),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        form.add_error(None, error.message)
        return _refused(request, slug, form, 422)
    event = recorded.event_as(domain.CommentPosted)
    if event.pending:
        return _back_to(request, slug, "pending", "comments")
    return _back_to(request, slug, "posted", f"comment-{event.comment_id}")


@require_POST
def comment_flag(request: HttpRequest, slug: str, comment_id: str) -> HttpResponse:
    """Flag a comment from the article page."""
    throttle = CommentFlagThrottle()
    if not throttle.allow_request(request, None):
        wait = math.ceil(throttle.wait() or 1)
        response = HttpResponse(
            f"You are flagging comments too fast; wait {wait} seconds and try again.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        services.comment_flag(
            comment_id=comment_id,
            reason=request.POST.get("reason", "")[: domain.REASON_MAX],
            flagger=person_key(request),
            meta=request_meta(request, kind=services.commenter_kind(request.user)),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except services.AlreadyFlagged:
        pass  # the desk has their flag already: the same thanks, no second event
    except DomainError as error:
        return HttpResponse(error.message, status=422, content_type="text/plain; charset=utf-8")
    return _back_to(request, slug, "flagged", f"comment-{comment_id}")


def comment_address_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link in the confirmation e-mail: from now on this comment's author hears about replies."""
    confirmed = services.comment_address_confirm(token=token)
    response = render(
        request, "corrections/comment_confirm.html", {"confirmed": confirmed}, status=200 if confirmed else 404
    )
    response["Referrer-Policy"] = "no-referrer"
    return response
