from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etender.kernel.codes import region_choices

ROLE_CHOICES = [("tenderer", _("Tenderer (招标人)")), ("agency", _("Tendering agency (招标代理机构)")), ("bidder", _("Bidder (投标人)"))]


class RegisterForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40, help_text=_("18 characters, GB 32100; the check character is verified."))
    name = forms.CharField(label=_("Entity name"), max_length=200)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    legal_rep_id_number = forms.CharField(label=_("Legal representative's ID number"), max_length=30, required=False, help_text=_("Stored only as a hash, to detect related bidders (条例 34)."))
    controller_code = forms.CharField(label=_("Credit code of the controlling entity"), max_length=40, required=False)
    region_code = forms.ChoiceField(label=_("Region"), choices=region_choices("33"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)


class KeyForm(forms.Form):
    key_file = forms.FileField(label=_("Public key file"), help_text=_("The file bidder.pub.json written by: etender bid keygen"))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
