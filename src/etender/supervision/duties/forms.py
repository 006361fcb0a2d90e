from django import forms
from django.utils.translation import gettext_lazy as _

from .services import BODY_MAX, TITLE_MAX


class DutySectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 12}), help_text=_("Plain text; an empty line starts a new paragraph."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
