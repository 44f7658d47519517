"""The admin's forms: one per review action (each knows the service it calls), the metrics filter, bulk reasons."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..domain.errors import InvalidCommand
from ..domain.events import CORRECTION_KINDS
from ..domain.review import default_kind
from ..labels import NOTE_LABELS
from ..models import Suggestion
from ..selectors import metrics as metrics_selectors
from ..selectors import review as review_selectors
from ..services import review as review_services

TEXTAREA = {"rows": 2, "cols": 60}


class ReviewForm(forms.Form):
    """One review action on one suggestion: its fields, and ``perform`` that calls its service."""

    action: ClassVar[str]

    def __init__(self, *args: Any, item: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item

    @classmethod
    def blank(cls, item: Suggestion) -> ReviewForm:
        """The form as the review page first shows it."""
        return cls(item=item)

    def perform(self, *, meta: dict[str, Any]) -> str:
        """Run the action with the cleaned data; return the message for the editor (raises a DomainError)."""
        raise NotImplementedError


class AcceptForm(ReviewForm):
    action = "accept"
    replacement = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        label=_("Replacement"),
        help_text=_("The text that replaces the selection. Edit the reader's suggestion if it needs it."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind, NOTE_LABELS.get(kind, kind)) for kind in CORRECTION_KINDS]
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        label=_("Note"),
        help_text=_("Public correction note: may be left empty for a typo, required for a factual correction."),
    )
    reply = forms.CharField(label=pgettext_lazy("noun", "Reply"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @classmethod
    def blank(cls, item: Suggestion) -> ReviewForm:
        initial = {
            "replacement": item.suggestion,
            "kind": default_kind(item.category),
            "expected_version": item.article.version,
        }
        return cls(item=item, initial=initial)

    def perform(self, *, meta: dict[str, Any]) -> str:
        data = self.cleaned_data
        # An emptied box where the reader proposed nothing is no instruction to delete: let the domain say so.
        replacement = data["replacement"] if data["replacement"] or self.item.suggestion else None
        recorded = review_services.suggestion_accept(
            suggestion_id=self.item.id,
            expected_version=data["expected_version"],
            replacement=replacement,
            kind=data["kind"],
            note=data["note"],
            reply=data["reply"],
            meta=meta,
        )
        return gettext("Accepted: the article is corrected (now version %(version)d).") % {
            "version": recorded[-1].version
        }


class CloseResolvedForm(ReviewForm):
    """One click for an item whose passage a revision already changed to the reader's fix."""

    action = "close_resolved"
    reply = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        initial=_("Thank you: the article has been corrected."),
        label=pgettext_lazy("noun", "Reply"),
        help_text=_("To the reader."),
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @classmethod
    def blank(cls, item: Suggestion) -> ReviewForm:
        return cls(item=item, initial={"expected_version": item.article.version})

    def perform(self, *, meta: dict[str, Any]) -> str:
        if not self.item.probably_resolved:
            raise InvalidCommand(gettext("This suggestion is not marked probably resolved; review it with Accept."))
        review_services.suggestion_accept(
            suggestion_id=self.item.id,
            expected_version=self.cleaned_data["expected_version"],
            reply=self.cleaned_data["reply"],
            meta=meta,
        )
        return gettext("Closed: a revision had already made the reader's fix.")


class RejectFields(forms.Form):
    """The reason and the reply of a rejection: one suggestion's, or many at once (the bulk action)."""

    reason = forms.CharField(label=_("Reason"), max_length=2_000, help_text=_("Kept in the log, for the desk."))
    reply = forms.CharField(
        label=pgettext_lazy("noun", "Reply"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("To the reader."),
    )


class RejectForm(ReviewForm, RejectFields):
    action = "reject"

    def perform(self, *, meta: dict[str, Any]) -> str:
        review_services.suggestion_reject(suggestion_id=self.item.id, meta=meta, **self.cleaned_data)
        return gettext("Rejected.")


class DuplicateForm(ReviewForm):
    action = "duplicate"
    of = forms.ChoiceField(label=_("Duplicate of"))

    def __init__(self, *args: Any, item: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        others = Suggestion.objects.filter(article_id=item.article_id).exclude(id=item.id).order_by("received_at")
        # An empty first choice, so that a hurried submit does not close the item into the first one listed.
        cast(forms.ChoiceField, self.fields["of"]).choices = [("", "---------")] + [
            (str(other.id), f"{Truncator(str(other)).chars(70)} ({other.get_status_display()})") for other in others
        ]

    def perform(self, *, meta: dict[str, Any]) -> str:
        review_services.suggestion_mark_duplicate(suggestion_id=self.item.id, of=self.cleaned_data["of"], meta=meta)
        return gettext("Marked as a duplicate.")


class AssignForm(ReviewForm):
    action = "assign"
    editor = forms.ModelChoiceField(
        label=_("Editor"), queryset=review_selectors.editor_users(), to_field_name="username"
    )

    def __init__(self, *args: Any, item: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        cast(forms.ModelChoiceField, self.fields["editor"]).queryset = review_selectors.editor_users()

    def perform(self, *, meta: dict[str, Any]) -> str:
        editor = self.cleaned_data["editor"]
        review_services.suggestion_assign(suggestion_id=self.item.id, editor=editor, meta=meta)
        return gettext("Assigned to %(editor)s.") % {"editor": editor.get_username()}


#: The review page's forms, in the order it shows them.
REVIEW_FORMS: dict[str, type[ReviewForm]] = {
    form.action: form for form in (AcceptForm, CloseResolvedForm, RejectForm, DuplicateForm, AssignForm)
}


class MetricsForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days"), min_value=1, max_value=metrics_selectors.MAX_DAYS, initial=30, required=False
    )
    bucket = forms.ChoiceField(
        label=_("Bucket"), choices=[("day", _("day")), ("week", _("week"))], initial="day", required=False
    )


class HideCommentsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Why they are hidden: kept in the log. A hidden comment returns only if an editor restores it."),
    )


class EraseAuthorsForm(forms.Form):
    requested_by = forms.ChoiceField(
        label=_("Requested by"),
        choices=[("the person", _("The author asked")), ("the desk", _("The desk decided"))],
        help_text=_("Recorded in the log's erasure event, with what kinds of data went (never the data)."),
    )
    confirm = forms.BooleanField(
        label=_("Erase for good"),
        help_text=_("Their words and names become “removed at the author's request”; this cannot be undone."),
    )
