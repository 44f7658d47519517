"""Forms of the public pages that are not part of the comment section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain import suggestions as domain

CATEGORIES = [
    ("factual", _("Something is wrong")),
    ("clarification", _("Something is unclear or missing")),
    ("legal", _("A legal problem (privacy, defamation)")),
    ("typo", _("A typo or spelling")),
    ("other", _("Something else")),
]


class WriteForm(forms.Form):
    comment = forms.CharField(
        label=_("What is wrong or missing?"), max_length=domain.MAX_COMMENT, widget=forms.Textarea
    )
    category = forms.ChoiceField(label=_("Kind of request"), choices=CATEGORIES, initial="factual")
    name = forms.CharField(
        label=_("Your name (optional, for the editors only)"), max_length=domain.MAX_NAME, required=False
    )
    email = forms.EmailField(label=_("Your e-mail (optional, to hear back)"), required=False)
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty: it is there to catch spam robots."))
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("comment", "name"):
            if domain.has_control_characters(data.get(name) or ""):
                self.add_error(name, _("Plain text only: remove the control characters."))
        return data
