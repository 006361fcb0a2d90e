"""Forms of the pool administrator's pages and of the expert's invitations (parsing only; the rules are in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import specialties
from .models import Avoidance, Expert


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_card = forms.CharField(label=_("Identity card number"), max_length=18)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("1", _("male")), ("2", _("female"))])
    birthday = forms.DateField(label=_("Date of birth"), required=False, help_text=_("Taken from the identity card number when empty."), widget=forms.DateInput(attrs={"type": "date"}))
    education = forms.CharField(label=_("Highest education"), max_length=50)
    professional = forms.CharField(label=_("Professional title"), max_length=50, help_text=_("As on the certificate, e.g. 正高级工程师."))
    title_level = forms.ChoiceField(label=_("Title level"), choices=Expert.TitleLevel.choices)
    duty = forms.CharField(label=_("Position"), max_length=50, required=False)
    onwork = forms.BooleanField(label=_("In employment"), required=False, initial=True)
    company = forms.CharField(label=_("Employer"), max_length=200)
    company_code = forms.CharField(label=_("Employer's credit code"), max_length=18, required=False, help_text=_("Used to exclude the expert from lots of the employer (avoidance)."))
    industry = forms.CharField(label=_("Industry code"), max_length=3, help_text=_("3 characters, e.g. E48."))
    area = forms.CharField(label=_("Area code"), max_length=9, help_text=_("9 digits, e.g. 330106000."))
    work_year = forms.IntegerField(label=_("Years of work in the field"), min_value=0, max_value=99)
    phone = forms.CharField(label=_("Mobile phone"), max_length=50)
    other_number = forms.CharField(label=_("Other contact"), max_length=50, required=False)
    post_address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=6, required=False)
    enter_date = forms.DateField(label=_("Date of entry into the pool"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    main_specialty = forms.ChoiceField(label=_("Main specialty"), choices=())
    other_specialties = forms.MultipleChoiceField(label=_("Other specialties"), choices=(), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table = specialties.choices()
        self.fields["main_specialty"].choices = table
        self.fields["other_specialties"].choices = table

    def specialty_codes(self) -> list[tuple[str, bool]]:
        main = self.cleaned_data["main_specialty"]
        return [(main, True)] + [(c, False) for c in self.cleaned_data.get("other_specialties") or [] if c != main]

    def expert_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("main_specialty", "other_specialties")}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Expert.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class UnavailableForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class AvoidanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Avoidance.Kind.choices)
    entity_code = forms.CharField(label=_("Entity's credit code"), max_length=18, required=False)
    entity_name = forms.CharField(label=_("Entity name"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PunishmentForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    authority = forms.CharField(label=_("Authority"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500)
    effective_until = forms.DateField(label=_("In effect until"), required=False, help_text=_("Empty: excluded permanently."), widget=forms.DateInput(attrs={"type": "date"}))


class AccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput(render_value=False))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (xlsx)"), help_text=_("First row: the field names of data set 212 or their Chinese labels; one row per expert and specialty."))


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (required to decline)"), max_length=300, required=False)
