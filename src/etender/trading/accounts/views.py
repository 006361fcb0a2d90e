from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation, RuleViolations
from etender.kernel.web.forms import apply_violations
from etender.kernel.web.models import ApiToken

from . import services
from .forms import KeyForm, RegisterForm, TokenForm
from .selectors import entity_current_key, entity_of


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity = services.entity_register(actor=Actor.from_request(request), **form.cleaned_data)
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc)
        else:
            login(request, entity.members.first().user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Registration complete. Registration and all services of the platform are free."))
            return redirect("entity")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def entity(request):
    ent = entity_of(request.user)
    key_form = KeyForm()
    token_form = TokenForm()
    new_token = None
    if request.method == "POST" and ent is not None:
        if "key_file" in request.FILES:
            key_form = KeyForm(request.POST, request.FILES)
            if key_form.is_valid():
                try:
                    data = json.loads(key_form.cleaned_data["key_file"].read(64 * 1024).decode("utf-8"))
                    services.bidder_key_register(actor=Actor.from_request(request), entity=ent, key_json=data)
                    messages.success(request, _("The public key is registered."))
                    return redirect("entity")
                except (ValueError, UnicodeDecodeError):
                    key_form.add_error("key_file", "E012 " + _("The file is not a key file."))
                except (RuleViolation, RuleViolations) as exc:
                    apply_violations(key_form, exc)
        elif "name" in request.POST:
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                _token, new_token = ApiToken.issue(user=request.user, name=token_form.cleaned_data["name"])
    return render(
        request,
        "accounts/entity.html",
        {
            "entity": ent,
            "key": entity_current_key(ent) if ent else None,
            "key_form": key_form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.filter(revoked=False),
        },
    )
