"""Forms of the complaint pages (parsing only; the rules are in services.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etender.kernel.web.forms import MultipleFileField
from etender.supervision.duties.models import Department

from .models import InformationRequest, Matter, Outcome, RespondentType, Suspension


class LodgeForm(forms.Form):
    tender_code = forms.CharField(label=_("Tender project code"), max_length=20)
    lot_code = forms.CharField(label=_("Bid section code (if the tender has several)"), max_length=23, required=False)
    matter = forms.ChoiceField(label=_("Matter complained of"), choices=Matter.choices)
    known_on = forms.DateField(label=_("Day you knew or should have known of it"), widget=forms.DateInput(attrs={"type": "date"}))
    objection_on = forms.DateField(label=_("Objection raised with the tenderer on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    objection_answer_on = forms.DateField(label=_("Tenderer answered on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    objection_answer = forms.CharField(label=_("The tenderer's answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    respondent_name = forms.CharField(label=_("Respondent (default: the tenderer)"), max_length=200, required=False)
    respondent_code = forms.CharField(label=_("Respondent's credit code"), max_length=18, required=False)
    respondent_type = forms.ChoiceField(label=_("Respondent type"), choices=RespondentType.choices, initial=RespondentType.LEGAL_PERSON)
    request_text = forms.CharField(label=_("Your request"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    grounds = forms.CharField(label=_("Grounds and legal basis"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = MultipleFileField(label=_("Evidence (up to 10 files, 20 MB each)"), required=False)
    complainant_name = forms.CharField(label=_("Complainant (name or entity)"), max_length=100)
    complainant_code = forms.CharField(label=_("Complainant's credit code"), max_length=18, required=False)
    complainant_phone = forms.CharField(label=_("Phone (not published)"), max_length=50)
    complainant_email = forms.CharField(label=_("E-mail (not published)"), max_length=100)


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReferForm(ReasonsForm):
    department = forms.ModelChoiceField(label=_("Refer to"), queryset=Department.objects.all())


class InformationRequestForm(forms.Form):
    addressee = forms.ChoiceField(label=_("Ask"), choices=InformationRequest.Addressee.choices)
    question = forms.CharField(label=_("Information requested"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    due_days = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=30, initial=5)


class AnswerForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SuspensionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Suspension.Reason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TenderInstructionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    handle_result = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    handle_basis = forms.CharField(label=_("Legal basis of the decision"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    confined_action = forms.CharField(label=_("Restricted conduct code (0: none)"), max_length=2, initial="0", required=False)
    enter_credit = forms.BooleanField(label=_("Enter the result into the credit platform"), required=False)
