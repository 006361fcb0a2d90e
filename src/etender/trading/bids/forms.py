from django import forms
from django.utils.translation import gettext_lazy as _


class BidForm(forms.Form):
    file = forms.FileField(label=_("Sealed bid file (.etenv)"), help_text=_("Made offline with: etender bid seal"))
    consortium_members = forms.CharField(label=_("Other consortium members' credit codes (comma-separated)"), max_length=400, required=False)
    joint_agreement = forms.BooleanField(label=_("The joint bidding agreement is included in the bid"), required=False)


class WithdrawForm(forms.Form):
    accept_forfeit = forms.BooleanField(label=_("I understand that after the deadline the bid security may be kept (条例 35)"), required=False)


class DecryptForm(forms.Form):
    dek = forms.CharField(label=_("Data key"), max_length=200, help_text=_("Run on your own computer: etender bid unwrap --key bidder.key.json --envelope your-bid.etenv"))
