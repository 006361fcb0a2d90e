"""The relying party's side of OpenID Connect: discovery, PKCE, code exchange, ID-token verification.

Discovery document and JWKS are fetched with httpx and cached (Django cache,
one hour); an ID token signed with a key id not in the cached JWKS makes one
fresh fetch, so the hub can rotate keys.  Failures raise coded refusals:
E020 provider unreachable or answering nonsense, E022 token not valid.

Token times (``exp``, ``iat``) are protocol times between two servers and are
checked against the real system time with 60 s leeway, not against
:func:`etender.kernel.clock.now` (which the demo may shift for business rules).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
from typing import Any

import httpx
from django.core.cache import cache
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from etender.kernel.errors import RuleViolation

from .conf import SsoConfig

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
CACHE_SECONDS = 3600
LEEWAY = 60
MAX_BODY = 256 * 1024


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) of RFC 7636."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")
    return verifier, challenge


def _unreachable(what: str, exc: Exception | str) -> RuleViolation:
    log.warning("sso: %s: %s", what, exc)
    return RuleViolation("E020", detail_zh=f"{what}：{exc}"[:300], detail_en=f"{what}: {exc}"[:300])


def _get_json(url: str, what: str) -> dict[str, Any]:
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as http:
            r = http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise _unreachable(what, type(exc).__name__) from None
    if r.status_code != 200 or len(r.content) > MAX_BODY:
        raise _unreachable(what, f"HTTP {r.status_code}")
    try:
        data = r.json()
    except ValueError:
        raise _unreachable(what, "not JSON") from None
    if not isinstance(data, dict):
        raise _unreachable(what, "not a JSON object")
    return data


def discovery(cfg: SsoConfig) -> dict[str, Any]:
    """The provider's metadata; its ``issuer`` must be the configured one (OIDC Discovery 4.3)."""
    key = f"etender_sso:discovery:{cfg.issuer}"
    meta = cache.get(key)
    if meta is None:
        meta = _get_json(f"{cfg.issuer}/.well-known/openid-configuration", "discovery")
        if (meta.get("issuer") or "").rstrip("/") != cfg.issuer:
            raise _unreachable("discovery", f"issuer {meta.get('issuer')!r} is not {cfg.issuer!r}")
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not str(meta.get(field, "")).startswith(("https://", "http://")):
                raise _unreachable("discovery", f"no {field}")
        cache.set(key, meta, CACHE_SECONDS)
    return meta


def jwks(cfg: SsoConfig, *, refresh: bool = False) -> jwk.JWKSet:
    key = f"etender_sso:jwks:{cfg.issuer}"
    text = None if refresh else cache.get(key)
    if text is None:
        data = _get_json(discovery(cfg)["jwks_uri"], "JWKS")
        text = json.dumps(data)
        cache.set(key, text, CACHE_SECONDS)
    try:
        return jwk.JWKSet.from_json(text)
    except (JWException, ValueError, TypeError):
        cache.delete(key)
        raise _unreachable("JWKS", "not a key set") from None


def authorization_url(cfg: SsoConfig, *, redirect_uri: str, state: str, nonce: str, challenge: str, prompt: str = "") -> str:
    from urllib.parse import urlencode

    params = {
        "response_type": "code",
        "client_id": cfg.client_id,
        "redirect_uri": redirect_uri,
        "scope": cfg.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if prompt:
        params["prompt"] = prompt
    endpoint = discovery(cfg)["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def exchange_code(cfg: SsoConfig, *, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
    """Trade the authorisation code for tokens (client_secret_post, with the PKCE verifier)."""
    endpoint = discovery(cfg)["token_endpoint"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": cfg.client_id,
        "client_secret": cfg.client_secret,
    }
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as http:
            r = http.post(endpoint, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise _unreachable("token", type(exc).__name__) from None
    try:
        body = r.json() if len(r.content) <= MAX_BODY else {}
    except ValueError:
        body = {}
    if r.status_code >= 500 or not isinstance(body, dict):
        raise _unreachable("token", f"HTTP {r.status_code}")
    if r.status_code != 200:
        # invalid_grant (code used twice or expired), invalid_client (wrong secret) …
        error = str(body.get("error", f"HTTP {r.status_code}"))[:100]
        log.warning("sso: token endpoint refused: %s", error)
        raise RuleViolation("E022", detail_zh=error, detail_en=error)
    if not isinstance(body.get("id_token"), str):
        raise RuleViolation("E022", detail_zh="未返回身份令牌", detail_en="no ID token returned")
    return body


def _refuse(why: str) -> RuleViolation:
    log.warning("sso: ID token refused: %s", why)
    return RuleViolation("E022", detail_zh=why[:200], detail_en=why[:200])


def verify_id_token(cfg: SsoConfig, token: str, *, nonce: str) -> dict[str, Any]:
    """Check signature (RS256, the provider's JWKS), iss, aud, azp, exp, iat and nonce; return the claims."""
    try:
        header = jws.JWS()
        header.deserialize(token)
        protected = header.jose_header
    except (JWException, ValueError, TypeError):
        raise _refuse("malformed token") from None
    if protected.get("alg") != "RS256":
        raise _refuse(f"algorithm {protected.get('alg')!r} not accepted")
    keys = jwks(cfg)
    kid = protected.get("kid")
    if kid and keys.get_key(kid) is None:
        keys = jwks(cfg, refresh=True)  # the provider may have rotated its key
        if keys.get_key(kid) is None:
            raise _refuse("unknown signing key")
    try:
        checked = jwt.JWT(
            jwt=token,
            key=keys,
            algs=["RS256"],
            expected_type="JWS",
            check_claims={"iss": cfg.issuer, "aud": cfg.client_id, "exp": None, "nonce": nonce},
        )
        claims = json.loads(checked.claims)
    except (JWException, ValueError, TypeError) as exc:
        raise _refuse(type(exc).__name__ + (f": {exc}" if str(exc) else "")) from None
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != cfg.client_id:
        raise _refuse("azp is not this platform")
    iat = claims.get("iat")
    if not isinstance(iat, (int, float)) or iat > time.time() + LEEWAY:
        raise _refuse("iat missing or in the future")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise _refuse("no subject")
    return claims


def end_session_url(cfg: SsoConfig, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the hub session too (RP-initiated logout), if the hub supports it."""
    from urllib.parse import urlencode

    try:
        endpoint = discovery(cfg).get("end_session_endpoint")
    except RuleViolation:
        return None
    if not endpoint:
        return None
    params = {"id_token_hint": id_token, "client_id": cfg.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
