from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etender.kernel.web.forms import MultipleFileField


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Execution report or answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)
    files = MultipleFileField(label=_("Attachments (at most 1 MB together)"), required=False)
