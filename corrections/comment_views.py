"""The comment section of the article page: its context, and the form posts (comment, reply, flag).

The forms post to Django views (with CSRF) that call the same services as the
API and redirect back to the article; a refused comment re-renders the page
with the reader's text and the reason.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .api.comments import CommentFlagThrottle, CommentThrottle
from .api.identity import person_key
from .domain import comments as domain
from .domain.errors import DomainError, NotFound
from .domain.text import is_blank
from .models import Article
from .selectors import comments as selectors
from .services import comments as services

NOTICES = {
    "posted": "Thank you. Your comment is posted.",
    "pending": "Thank you. Your comment will appear once an editor approves it.",
    "flagged": "Thank you. An editor will look at that comment.",
}


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", max_length=domain.BODY_MAX)
    name = forms.CharField(label="Name", max_length=domain.NAME_MAX, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    parent = forms.UUIDField(required=False)
    # The honeypot: hidden from people, filled in by robots.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Leave this field empty: it is there to catch spam robots.")
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        anonymous = self.user is None or not self.user.is_authenticated
        if anonymous and is_blank(data.get("name") or ""):
            self.add_error("name", "Give your name to comment without logging in.")
        return data


def comment_context(request: HttpRequest, article: Article, form: CommentForm | None = None) -> dict[str, Any]:
    """What ``_article_comments.html`` needs."""
    return {
        "comments": selectors.comment_section(article, request.GET.get("comments")),
        "comment_form": form or CommentForm(user=request.user),
        "comment_notice": NOTICES.get(request.GET.get("comment", "")),
    }


def _back_to(slug: str, notice: str, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('corrections:article', args=[slug])}?comment={notice}#{anchor}")


def _refused(request: HttpRequest, slug: str, form: CommentForm, status: int, retry_after: int = 0) -> HttpResponse:
    """Show the article again with the reader's text and what went wrong."""
    from .views import article_detail  # the page view renders the comment section with this form

    response = article_detail(request, slug, comment_form=form)
    response.status_code = status
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a comment or a reply from the article page."""
    form = CommentForm(request.POST, user=request.user)
    throttle = CommentThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        wait = math.ceil(throttle.wait() or 1)
        form.is_valid()
        form.add_error(None, f"You are posting comments too fast; wait {wait} seconds and try again.")
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
            meta=services.comment_meta(request.user, request_id=request.headers.get("X-Request-ID", "")),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        form.add_error(None, error.message)
        return _refused(request, slug, form, 422)
    event: domain.CommentPosted = recorded.event  # type: ignore[assignment]
    if event.pending:
        return _back_to(slug, "pending", "comments")
    return _back_to(slug, "posted", f"comment-{event.comment_id}")


@require_POST
def comment_flag(request: HttpRequest, slug: str, comment_id: str) -> HttpResponse:
    """Flag a comment from the article page."""
    throttle = CommentFlagThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
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
            meta=services.comment_meta(request.user, request_id=request.headers.get("X-Request-ID", "")),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except services.AlreadyFlagged:
        pass  # the desk has their flag already: the same thanks, no second event
    except DomainError as error:
        return HttpResponse(error.message, status=422, content_type="text/plain; charset=utf-8")
    return _back_to(slug, "flagged", f"comment-{comment_id}")
