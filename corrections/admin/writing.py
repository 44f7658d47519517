"""Editors write from the admin: publish an article, revise it, issue a correction, retract it.

The same services and conflict checks as the API: each form carries the version the
editor started from, and a text that changed meanwhile is refused (never overwritten).
Nothing is saved before the editor has seen the change as a diff ("Preview", then "Save").
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..domain import diff as text_diff
from ..domain.commands import ChangeRequest
from ..domain.errors import DomainError, InvalidCommand, StaleVersion
from ..domain.events import CORRECTION_KINDS
from ..labels import note_label
from ..models import Article
from ..roles import is_editor
from ..services import articles as article_services
from ..services.meta import request_meta

#: The correction kinds as the form words them.
ISSUE = {
    "correction": _("Issue a correction (with a public note)"),
    "clarification": _("Issue a clarification (with a public note)"),
    "update": _("Issue an update (with a public note)"),
    "editors_note": _("Issue an editor's note (with a public note)"),
}
#: What an editor can do to a published article, as the form offers it.
WRITE_ACTIONS = [
    ("revise", _("Revise (an update; a public note is optional)")),
    *[(kind, ISSUE.get(kind, kind)) for kind in CORRECTION_KINDS],
    ("retract", _("Retract the article (with a public note)")),
]
CONTEXT = 32
BODY = forms.Textarea(attrs={"rows": 18, "cols": 90})
NOTE = forms.Textarea(attrs={"rows": 2, "cols": 90})


class PublishForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=200, help_text=_("The article's address: /articles/<slug>/."))
    title = forms.CharField(label=_("Title"), max_length=300)
    byline = forms.CharField(label=_("Byline"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Body"), widget=BODY, strip=False, help_text=_("Plain text; a blank line between paragraphs.")
    )


class WriteForm(forms.Form):
    action = forms.ChoiceField(label=_("What you are doing"), choices=WRITE_ACTIONS)
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Body"), widget=BODY, strip=False)
    note = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=NOTE,
        help_text=_("Shown to readers with the article and its history."),
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def _page(model_admin: admin.ModelAdmin[Any], request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
    request.current_app = model_admin.admin_site.name
    base = {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, "subtitle": None}
    return TemplateResponse(request, f"admin/corrections/article/{template}", {**base, **context})


def publish_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """Publish a new article (the admin's 'Add article')."""
    if not is_editor(request.user):
        raise PermissionDenied
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = article_services.article_publish(meta=request_meta(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error("slug" if error.details.get("slug") else None, error.message)
        else:
            messages.success(request, gettext("Published “%(title)s”.") % {"title": form.cleaned_data["title"]})
            return HttpResponseRedirect(reverse("admin:corrections_article_change", args=[recorded.stream_id]))
    return _page(model_admin, request, "publish.html", title=gettext("Publish an article"), form=form)


def _perform(article: Article, data: dict[str, Any], meta: dict[str, Any]) -> str:
    """Call the service the chosen action stands for; return what to tell the editor (raises a DomainError)."""
    action, version, note = data["action"], data["expected_version"], data["note"]
    title_changed, body_changed = data["title"] != article.title, data["body"] != article.body
    if action == "revise":
        article_services.article_revise(
            slug=article.slug,
            expected_version=version,
            title=data["title"] if title_changed else None,
            body=data["body"] if body_changed else None,
            note=note,
            meta=meta,
        )
        return gettext("Revised.") if note else gettext("Revised without a public note: the history shows the change.")
    if action == "retract":
        if title_changed or body_changed:
            raise InvalidCommand(
                gettext("A retraction keeps the text as it is: undo your edits, or revise first."), field="body"
            )
        article_services.article_retract(slug=article.slug, expected_version=version, note=note, meta=meta)
        return gettext("Retracted.")
    if title_changed:
        raise InvalidCommand(
            gettext("A correction changes the words of the body; change the title with a revision."), field="title"
        )
    old = article.body
    changes = [
        ChangeRequest(
            exact=old[edit.start : edit.end],
            replacement=edit.replacement,
            prefix=old[max(0, edit.start - CONTEXT) : edit.start],
            suffix=old[edit.end : edit.end + CONTEXT],
            start=edit.start,
        )
        for edit in text_diff.edits_between(old, data["body"])
    ]
    article_services.correction_issue(
        slug=article.slug, expected_version=version, kind=action, note=note, changes=changes, meta=meta
    )
    return gettext("%(kind)s issued.") % {"kind": note_label(action)}


def _preview_key(data: dict[str, Any]) -> str:
    """A fingerprint of what was previewed: saving anything else shows the preview again first."""
    fields = {name: data[name] for name in ("action", "title", "body", "note", "expected_version")}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def write_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str) -> HttpResponse:
    """Revise, correct or retract: edit, preview the diff, then save with the same checks as the API."""
    if not is_editor(request.user):
        raise PermissionDenied
    article = Article.objects.filter(pk=object_id).first()
    if article is None:
        return HttpResponseRedirect(reverse("admin:corrections_article_changelist"))
    log_url = reverse("admin:corrections_article_change", args=[article.pk])
    initial = {"action": "revise", "title": article.title, "body": article.body, "expected_version": article.version}
    form = WriteForm(request.POST or None, initial=initial)
    diff = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "_save" in request.POST and request.POST.get("preview_key") == _preview_key(data):
            try:
                message = _perform(article, data, request_meta(request))
            except DomainError as error:
                field = error.details.get("field")
                form.add_error(field if field in form.fields else None, error.message)
                if isinstance(error, StaleVersion):
                    # Offer the same edit against the text as it is now: the editor previews and decides again.
                    article.refresh_from_db()
                    form = WriteForm({**request.POST.dict(), "expected_version": article.version})
                    form.is_valid()
                    form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(log_url)
        form.preview_key = _preview_key(data)  # type: ignore[attr-defined]
        diff = {
            "title_before": article.title,
            "title_after": data["title"],
            "ops": text_diff.diff_words(article.body, data["body"]),
        }
    return _page(
        model_admin,
        request,
        "write.html",
        title=gettext("Write: %(title)s") % {"title": article.title},
        original=article,
        article=article,
        form=form,
        diff=diff,
        unchanged=diff is not None
        and not any(op.op != "equal" for op in diff["ops"])
        and diff["title_before"] == diff["title_after"],
        log_url=log_url,
    )
