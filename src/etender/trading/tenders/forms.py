from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etender.kernel.codes import CLASSIFICATIONS, FUND_SOURCES, INDUSTRIES, choices, region_choices

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BEIJING = _("Beijing time (UTC+8).")


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=600)
    region_code = forms.ChoiceField(label=_("Region"), choices=region_choices("33"))
    industry = forms.ChoiceField(label=_("Industry"), choices=[])
    address = forms.CharField(label=_("Project address"), max_length=200)
    legal_person = forms.CharField(label=_("Project legal person"), max_length=200)
    fund_source = forms.ChoiceField(label=_("Fund source"), choices=[])
    project_scale = forms.CharField(label=_("Project scale"), max_length=1000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_info = forms.CharField(label=_("Contact information"), max_length=100)
    approval_name = forms.CharField(label=_("Approval document"), max_length=500)
    approval_number = forms.CharField(label=_("Approval number"), max_length=100, required=False)
    approval_authority = forms.CharField(label=_("Approval authority"), max_length=200, required=False)
    invest_project_code = forms.CharField(label=_("Investment project code"), max_length=24, required=False)

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = choices(INDUSTRIES, lang)
        self.fields["fund_source"].choices = choices(FUND_SOURCES, lang)


class TenderForm(forms.Form):
    name = forms.CharField(label=_("Tender project name"), max_length=600)
    content = forms.CharField(label=_("Scope and tender plan"), widget=forms.Textarea, max_length=100_000)
    agency_code = forms.CharField(label=_("Agency's credit code (if commissioned)"), max_length=18, required=False)
    is_to_law = forms.BooleanField(label=_("Must be tendered by law (依法必须招标)"), required=False, initial=True)
    state_funded = forms.BooleanField(label=_("State-owned funds"), required=False, initial=True)
    supervise_dept_name = forms.CharField(label=_("Supervising department"), max_length=200)
    approve_dept_name = forms.CharField(label=_("Approving department"), max_length=200)
    report_duty = forms.CharField(label=_("Person responsible for reporting"), max_length=100)
    doc_get_start = forms.DateTimeField(label=_("Documents available from"), widget=DT, help_text=BEIJING)
    doc_get_end = forms.DateTimeField(label=_("Documents available until"), widget=DT, help_text=BEIJING)
    bid_deadline = forms.DateTimeField(label=_("Bid deadline (= opening time)"), widget=DT, help_text=BEIJING)
    bid_validity_days = forms.IntegerField(label=_("Bid validity (days from the deadline)"), min_value=0, max_value=3650, required=False)
    decrypt_minutes = forms.IntegerField(label=_("Online decryption window (minutes)"), min_value=10, max_value=1440, initial=60)
    consortium_allowed = forms.BooleanField(label=_("Consortium bids allowed"), required=False)
    evaluation_method = forms.CharField(label=_("Evaluation method"), max_length=200, initial="综合评估法")
    announcement_content = forms.CharField(label=_("Announcement text"), widget=forms.Textarea, max_length=100_000)


class LotForm(forms.Form):
    name = forms.CharField(label=_("Lot name"), max_length=500)
    classification = forms.ChoiceField(label=_("Classification"), choices=[])
    content = forms.CharField(label=_("Lot content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    qualification = forms.CharField(label=_("Bidder qualification requirements"), widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    estimated_price = forms.DecimalField(label=_("Estimated contract price (yuan)"), max_digits=18, decimal_places=2, min_value=0)
    bid_security = forms.DecimalField(label=_("Bid security (yuan)"), max_digits=18, decimal_places=2, min_value=0, initial=0)
    max_price = forms.DecimalField(label=_("Maximum bid price (yuan, published)"), max_digits=18, decimal_places=2, required=False)
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1, required=False)

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [(c, f"{c} {label}") for c, label in choices(CLASSIFICATIONS, lang) if len(c) > 1]


LotFormSet = forms.formset_factory(LotForm, extra=0, min_num=1, max_num=50, validate_min=True)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Tender document file"))


class ClarificationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=600)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea, max_length=100_000)
    affects_preparation = forms.BooleanField(label=_("May affect the preparation of bids"), required=False, initial=True)
    new_deadline = forms.DateTimeField(label=_("New bid deadline (optional)"), widget=DT, required=False, help_text=_("With fewer than 15 days left the deadline is extended to the earliest lawful time unless you choose a later one."))
    file = forms.FileField(label=_("Attachment (optional)"), required=False)


class ObjectionForm(forms.Form):
    content = forms.CharField(label=_("Objection to the tender documents"), widget=forms.Textarea, max_length=20_000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=20_000)


class CustodiansForm(forms.Form):
    suite = forms.ChoiceField(label=_("Cipher suite"), choices=[("intl", _("intl: X25519, Ed25519, AES-GCM, SHA-256")), ("gm", _("gm: SM2, SM3, SM4-GCM (national algorithms)"))])
    threshold = forms.IntegerField(label=_("Custodians needed to open"), min_value=2, max_value=7, initial=2)

    def __init__(self, *args, rows: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Custodian

        for i in range(1, rows + 1):
            self.fields[f"role_{i}"] = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Custodian.Role.choices], required=False)
            self.fields[f"username_{i}"] = forms.CharField(label=_("User name"), max_length=150, required=False)

    def custodians(self) -> list[dict[str, str]]:
        out = []
        for i in range(1, 8):
            role, user = self.cleaned_data.get(f"role_{i}"), self.cleaned_data.get(f"username_{i}")
            if role and user:
                out.append({"role": role, "username": user})
        return out


class ScheduleForm(forms.Form):
    doc_get_start = forms.DateTimeField(label=_("Documents available from"), widget=DT, help_text=BEIJING)
    doc_get_end = forms.DateTimeField(label=_("Documents available until"), widget=DT, help_text=BEIJING)
    bid_deadline = forms.DateTimeField(label=_("Bid deadline (= opening time)"), widget=DT, help_text=BEIJING)
    bid_validity_days = forms.IntegerField(label=_("Bid validity (days from the deadline)"), min_value=1, max_value=3650, required=False)
