"""Public HTML pages: the article, its history."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .domain.errors import NotFound


def article_index(request: HttpRequest) -> HttpResponse:
    return render(request, "corrections/index.html", {"articles": selectors.article_list()[:50]})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "corrections/article.html", {"article": article, "notes": article.notes.all()})


def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get(slug)
        history = selectors.article_history(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "corrections/history.html", {"article": article, "history": history})
