"""Registry pages: free registration, sign-in, "my entity"; and the OIDC authorisation step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView as DotAuthorizationView

from etender.kernel.audit.actors import Actor
from etender.kernel.codes import region_full_name
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.web.forms import apply_violations

from . import services
from .forms import CertificateForm, ContactForm, EntityFields, QualificationForm, RegisterForm, UserForm
from .models import EntityUser, MarketEntity
from etender.hub.experts.selectors import expert_claims

from .selectors import account_of

BASE = "identity/base.html"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else ""


def _actor(request, account: EntityUser | None = None) -> Actor:
    actor = Actor.from_request(request)
    if account is not None:
        actor = Actor(user_id=actor.user_id, username=actor.username, ip=actor.ip, entity_code=account.entity.credit_code)
    return actor


def register(request):
    """One form: the entity and its first user, who becomes its administrator."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
        try:
            _entity, user = services.entity_register(actor=Actor.from_request(request), **data)
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Registration complete. Your account signs you in on every trading and supervision platform of the region. The hub's staff will verify the entity."))
            return redirect(_next(request) or "identity_entity")
    return render(request, "identity/register.html", {"form": form, "next": _next(request)})


class SignInView(auth_views.LoginView):
    """Sign-in of market entities' users and of the hub's staff; platforms send their users here."""

    template_name = "identity/login.html"
    extra_context = {"base_template": BASE}


def _render_violation(request, exc: RuleViolation, status: int | None = None):
    return render(request, "etender/error.html", {"violations": violations_of(exc), "base_template": BASE}, status=status or exc.status)


class AuthorizationView(DotAuthorizationView):
    """DOT's authorisation endpoint, open only to users of active market entities.

    Platforms keep their own staff accounts: a hub account that belongs to no
    entity (the hub's own staff) cannot sign in elsewhere (E026), nor can the
    users of a suspended entity (E025).
    """

    def _refusal(self, request) -> RuleViolation | None:
        account = account_of(request.user)
        if account is None and expert_claims(request.user) is not None:
            return None  # an evaluation expert of the hub's pool signs in on the trading platforms (docs/experts.md)
        if account is None:
            return RuleViolation("E026", detail_zh="平台工作人员请使用各平台的本地账号", detail_en="platform staff use the local accounts of each platform")
        if account.entity.status == MarketEntity.Status.SUSPENDED:
            return RuleViolation("E025", detail_zh=account.entity.status_note, detail_en=account.entity.status_note)
        return None

    def get(self, request, *args, **kwargs):
        if (v := self._refusal(request)) is not None:
            return _render_violation(request, v)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if (v := self._refusal(request)) is not None:
            return _render_violation(request, v)
        return super().post(request, *args, **kwargs)


# --- my entity ---------------------------------------------------------------------------------

FORMS = {
    "details": EntityFields,
    "qualification": QualificationForm,
    "contact": ContactForm,
    "certificate": CertificateForm,
    "user": UserForm,
}


def _details_initial(entity: MarketEntity) -> dict:
    return {
        "name": entity.name,
        "roles": entity.roles,
        "legal_representative": entity.legal_representative,
        "region_code": entity.region_code,
        "address": entity.address,
        "email": entity.email,
    }


@login_required
def entity(request):
    account = account_of(request.user)
    if account is None:
        return render(request, "identity/entity.html", {"account": None, "base_template": BASE})
    ent = account.entity
    forms = {
        "details": EntityFields(initial=_details_initial(ent), prefix="details"),
        "qualification": QualificationForm(prefix="qualification"),
        "contact": ContactForm(prefix="contact"),
        "certificate": CertificateForm(prefix="certificate"),
        "user": UserForm(prefix="user"),
    }
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which in FORMS:
            form = FORMS[which](request.POST, prefix=which)
            forms[which] = form
            if form.is_valid():
                actor = _actor(request, account)
                data = form.cleaned_data
                try:
                    if which == "details":
                        services.entity_update(actor=actor, entity=ent, **data)
                    elif which == "qualification":
                        services.qualification_add(actor=actor, entity=ent, **data)
                    elif which == "contact":
                        services.contact_add(actor=actor, entity=ent, **data)
                    elif which == "certificate":
                        services.certificate_add(actor=actor, entity=ent, **data)
                    elif which == "user":
                        services.entity_user_add(actor=actor, entity=ent, **data)
                except (RuleViolation, RuleViolations) as exc:
                    if account.role != EntityUser.Role.ADMIN:  # no forms on their page: show the refusal itself
                        return _render_violation(request, violations_of(exc)[0])
                    apply_violations(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(f"{request.path}#{which}")
    ent.refresh_from_db()
    return render(
        request,
        "identity/entity.html",
        {
            "account": account,
            "entity": ent,
            "is_admin": account.role == EntityUser.Role.ADMIN,
            "forms": forms,
            "qualifications": ent.qualifications.all(),
            "contacts": ent.contacts.all(),
            "certificates": ent.certificates.all(),
            "users": ent.users.select_related("user"),
            "base_template": BASE,
            "nav": "entity",
            "region_name": region_full_name(ent.region_code),
        },
    )


@login_required
@require_POST
def entity_remove(request, kind: str, pk: int):
    """Remove a qualification or contact, or revoke a certificate."""
    account = account_of(request.user)
    if account is None:
        return _render_violation(request, RuleViolation("E026"))
    actor = _actor(request, account)
    try:
        if kind == "qualification":
            services.qualification_remove(actor=actor, entity=account.entity, qualification_id=pk)
        elif kind == "contact":
            services.contact_remove(actor=actor, entity=account.entity, contact_id=pk)
        elif kind == "certificate":
            services.certificate_revoke(actor=actor, entity=account.entity, certificate_id=pk)
        else:
            raise RuleViolation("E005")
    except RuleViolation as exc:
        return _render_violation(request, exc)
    messages.success(request, _("Saved."))
    return redirect(reverse("identity_entity") + f"#{kind}")
