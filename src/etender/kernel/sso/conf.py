"""The relying party's configuration, from the settings that ``etender.kernel.settings`` reads from the environment.

``ETENDER_SSO_ISSUER``              the hub's issuer, e.g. ``https://ggzy.example.gov.cn/o`` (empty: no single sign-on)
``ETENDER_SSO_CLIENT_ID``           this platform's client id at the hub
``ETENDER_SSO_CLIENT_SECRET``       its secret, or
``ETENDER_SSO_CLIENT_SECRET_FILE``  a file holding it (default: ``<var dir>/<instance>.sso-client-secret`` if it exists)
``ETENDER_SSO_REDIRECT_URI``        the callback address registered at the hub (default: this request's host + ``/sso/callback/``)

Set by each service's settings: ``ETENDER_SSO_USER_HANDLER`` (dotted path of
``handler(*, request, claims, issuer) -> user``), ``ETENDER_SSO_BASE_TEMPLATE`` (of the
coded error pages) and ``ETENDER_SSO_LANDING`` (where a sign-in without ``next`` lands).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SCOPES = "openid profile email entity"


@dataclass(frozen=True)
class SsoConfig:
    issuer: str
    client_id: str
    client_secret: str
    handler: str
    redirect_uri: str = ""
    scopes: str = SCOPES


def _secret() -> str:
    if secret := getattr(settings, "ETENDER_SSO_CLIENT_SECRET", ""):
        return secret
    path = getattr(settings, "ETENDER_SSO_CLIENT_SECRET_FILE", "") or (Path(settings.ETENDER_VAR_DIR) / f"{settings.ETENDER_INSTANCE}.sso-client-secret")
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def config() -> SsoConfig | None:
    """The configuration, or None when single sign-on is not set up on this instance."""
    issuer = (getattr(settings, "ETENDER_SSO_ISSUER", "") or "").rstrip("/")
    client_id = getattr(settings, "ETENDER_SSO_CLIENT_ID", "") or ""
    handler = getattr(settings, "ETENDER_SSO_USER_HANDLER", "") or ""
    if not (issuer and client_id and handler):
        return None
    secret = _secret()
    if not secret:
        return None
    return SsoConfig(issuer=issuer, client_id=client_id, client_secret=secret, handler=handler, redirect_uri=getattr(settings, "ETENDER_SSO_REDIRECT_URI", "") or "")


def base_template() -> str:
    return getattr(settings, "ETENDER_SSO_BASE_TEMPLATE", "") or "etender/base.html"
