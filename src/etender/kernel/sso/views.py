"""``/sso/login/``, ``/sso/callback/``, ``/sso/logout/``: sign-in with the hub account (OIDC code flow with PKCE).

Each refusal is a coded page (E020–E024, or the service hook's own code),
never a 500.  On success the service's hook (``ETENDER_SSO_USER_HANDLER``)
finds or creates the local user, which is then signed in.
"""

from __future__ import annotations

import logging
import secrets
import time

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_POST

from etender.kernel.errors import RuleViolation, RuleViolations, violations_of

from . import client
from .conf import base_template, config

log = logging.getLogger(__name__)

FLOWS = "etender_sso_flows"
ID_TOKEN = "etender_sso_id_token"
FLOW_SECONDS = 600
MAX_FLOWS = 5


def _refusal(request, exc: RuleViolation | RuleViolations):
    return render(request, "etender/error.html", {"violations": violations_of(exc), "base_template": base_template()}, status=exc.status)


def _safe_next(request, target: str) -> str:
    ok = target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else ""


def _redirect_uri(request, cfg) -> str:
    return cfg.redirect_uri or request.build_absolute_uri(reverse("sso_callback"))


@require_GET
def login(request):
    """Start the flow: remember state, nonce and PKCE verifier in the session, send the browser to the hub."""
    cfg = config()
    if cfg is None:
        return _refusal(request, RuleViolation("E024"))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = client.pkce_pair()
    now = time.time()
    flows = {s: f for s, f in request.session.get(FLOWS, {}).items() if f.get("at", 0) > now - FLOW_SECONDS}
    flows[state] = {"nonce": nonce, "verifier": verifier, "next": _safe_next(request, request.GET.get("next", "")), "at": now}
    request.session[FLOWS] = dict(sorted(flows.items(), key=lambda kv: kv[1]["at"])[-MAX_FLOWS:])
    prompt = request.GET.get("prompt", "")
    try:
        url = client.authorization_url(cfg, redirect_uri=_redirect_uri(request, cfg), state=state, nonce=nonce, challenge=challenge, prompt=prompt if prompt in ("login", "create") else "")
    except RuleViolation as exc:
        return _refusal(request, exc)
    return redirect(url)


@require_GET
def callback(request):
    """The hub sends the browser back here with a code; exchange it, verify the ID token, sign the user in."""
    cfg = config()
    if cfg is None:
        return _refusal(request, RuleViolation("E024"))
    state = request.GET.get("state", "")
    flows = dict(request.session.get(FLOWS, {}))
    flow = flows.pop(state, None) if state else None
    request.session[FLOWS] = flows
    if flow is None or flow.get("at", 0) < time.time() - FLOW_SECONDS:
        return _refusal(request, RuleViolation("E021"))
    if error := request.GET.get("error"):
        detail = f"{error} {request.GET.get('error_description', '')}".strip()[:200]
        return _refusal(request, RuleViolation("E023", detail_zh=detail, detail_en=detail))
    if (iss := request.GET.get("iss")) and iss.rstrip("/") != cfg.issuer:  # RFC 9207: not our provider (mix-up)
        return _refusal(request, RuleViolation("E022", detail_zh="iss", detail_en="iss"))
    code = request.GET.get("code", "")
    if not code or len(code) > 512:
        return _refusal(request, RuleViolation("E021"))
    try:
        tokens = client.exchange_code(cfg, code=code, redirect_uri=_redirect_uri(request, cfg), verifier=flow["verifier"])
        claims = client.verify_id_token(cfg, tokens["id_token"], nonce=flow["nonce"])
        handler = import_string(cfg.handler)
        user = handler(request=request, claims=claims, issuer=cfg.issuer)
        if user is None or not user.is_active:
            raise RuleViolation("E006", detail_zh="本地账号已停用", detail_en="the local account is disabled")
    except (RuleViolation, RuleViolations) as exc:
        return _refusal(request, exc)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[ID_TOKEN] = tokens["id_token"]
    return redirect(flow.get("next") or resolve_url(getattr(settings, "ETENDER_SSO_LANDING", "") or settings.LOGIN_REDIRECT_URL))


@require_POST
def logout(request):
    """Sign out here and, if the session came from the hub, at the hub too (RP-initiated logout)."""
    id_token = request.session.get(ID_TOKEN)
    auth_logout(request)
    home = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    cfg = config()
    if cfg is not None and id_token:
        url = client.end_session_url(cfg, id_token=id_token, post_logout_redirect_uri=home)
        if url:
            return redirect(url)
    return redirect(home)
