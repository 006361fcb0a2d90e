from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Instruction"), choices=Kind.choices)
    tender_code = forms.CharField(label=_("Tender project code"), max_length=20)
    lot_code = forms.CharField(label=_("Lot code (optional)"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason and legal basis"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    correction = forms.CharField(label=_("Correction required (order a correction)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False)
    questions = forms.CharField(label=_("Questions, one per line (request information)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False)
    due_hours = forms.IntegerField(label=_("Time to execute (hours)"), required=False, min_value=1, max_value=720, help_text=_("Empty: 2 hours to suspend or resume, 24 hours to terminate, 5 working days to answer."))
    complaint_id = forms.CharField(label=_("Complaint (optional)"), max_length=64, required=False)
