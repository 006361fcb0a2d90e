"""Forms of the registry pages: parsing only; every rule is checked by the services (coded errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etender.kernel.codes import region_choices

from .models import Certificate, EntityUser

ROLE_CHOICES = [("tenderer", _("Tenderer (招标人)")), ("agency", _("Tendering agency (招标代理机构)")), ("bidder", _("Bidder (投标人)"))]


class CodedForm(forms.Form):
    """Django's own field errors carry a catalogue code too (E001 input, E009 dates, E003 regions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("E001 Required")
            field.error_messages.setdefault("invalid", _("E001 Invalid input"))
            field.error_messages["max_length"] = _("E001 Too long")
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.error_messages["invalid"] = _("E009 Invalid date or time")
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("E001 Not one of the choices")


class EntityFields(CodedForm):
    name = forms.CharField(label=_("Entity name"), max_length=200)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    region_code = forms.ChoiceField(label=_("Region"), choices=region_choices("33"))
    address = forms.CharField(label=_("Registered address"), max_length=300, required=False, help_text=_("Required of tenderers and agencies."))
    email = forms.CharField(label=_("Entity e-mail"), max_length=254, required=False, help_text=_("Required of tenderers and agencies."))


class RegisterForm(EntityFields):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40, help_text=_("18 characters, GB 32100; the check character is verified."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    username = forms.CharField(label=_("User name"), max_length=150, help_text=_("You sign in with it on the public service platform and on every trading and supervision platform."))
    user_email = forms.CharField(label=_("Your e-mail"), max_length=254, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, max_length=128)

    field_order = ["credit_code", "name", "roles", "legal_representative", "region_code", "address", "email", "contact_name", "contact_phone", "full_name", "username", "user_email", "password", "password2"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") is not None and data["password"] != data["password2"]:
            self.add_error("password2", _("E001 The two passwords differ"))
        return data


class QualificationForm(CodedForm):
    name = forms.CharField(label=_("Certificate name"), max_length=100, help_text=_("e.g. 建筑工程施工总承包"))
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    level = forms.CharField(label=_("Level"), max_length=50, required=False, help_text=_("e.g. 一级"))
    issuer = forms.CharField(label=_("Issued by"), max_length=100)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ContactForm(CodedForm):
    name = forms.CharField(label=_("Contact person"), max_length=50)
    title = forms.CharField(label=_("Responsibility"), max_length=50, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=30)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)


class CertificateForm(CodedForm):
    ca_name = forms.CharField(label=_("Certification authority"), max_length=100, help_text=_("The electronic certification service that issued it, e.g. CFCA, 浙江CA"))
    algorithm = forms.ChoiceField(label=_("Algorithm"), choices=Certificate.Algorithm.choices)
    key_text = forms.CharField(
        label=_("Certificate or public key"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_("An X.509 certificate or public key in PEM, or the key in base64. Never paste a private key."),
    )
    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False, help_text=_("Taken from the certificate if you paste one."))
    valid_from = forms.DateTimeField(label=_("Valid from"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    valid_until = forms.DateTimeField(label=_("Valid until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text=_("Taken from the certificate if you paste one."))


class UserForm(CodedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=EntityUser.Role.choices, initial=EntityUser.Role.STAFF)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, max_length=128)
