"""The article page, with its comment section: rendered by the page view and again by a refused comment form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..domain import comments as domain
from ..domain.errors import NotFound
from ..domain.text import is_blank
from ..models import Article
from ..selectors import comments as comment_selectors

#: The thank-you after a comment form travels in a one-time message with this tag, not in the URL.
NOTICE_TAG = "comment-notice"
NOTICES = {
    "posted": _("Thank you. Your comment is posted."),
    "pending": _("Thank you. Your comment will appear once an editor approves it."),
    "flagged": _("Thank you. An editor will look at that comment."),
}


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", max_length=domain.BODY_MAX)
    name = forms.CharField(label="Name", max_length=domain.NAME_MAX, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    parent = forms.UUIDField(required=False)
    # The honeypot: hidden from people, filled in by robots.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser | None = None, **kwargs: Any) -> None:
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


def _last_notice(request: HttpRequest) -> str | None:
    """The latest thank-you from a comment form (reading the messages uses them up)."""
    notices = [str(m) for m in messages.get_messages(request) if NOTICE_TAG in m.tags]
    return notices[-1] if notices else None


def comment_context(request: HttpRequest, article: Article, form: CommentForm | None = None) -> dict[str, Any]:
    """What ``_article_comments.html`` needs."""
    return {
        "comments": comment_selectors.comment_section(article, request.GET.get("comments")),
        "comment_form": form or CommentForm(user=request.user),
        "comment_notice": _last_notice(request),
    }


def article_page(request: HttpRequest, slug: str, comment_form: CommentForm | None = None) -> HttpResponse:
    """The article, its correction notes and its comments (with ``comment_form`` as the reader left it)."""
    try:
        article = selectors.article_get(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {"article": article, "notes": article.notes.all(), **comment_context(request, article, comment_form)}
    return render(request, "corrections/article.html", context)
