"""The relying party of the kernel: state, nonce and PKCE; ID-token checks; every failure a coded page, never a 500."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.test import Client
from jwcrypto import jwk

from .provider import CLIENT_ID, CLIENT_SECRET, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    p = Provider()
    cache.clear()
    settings.ETENDER_SSO_ISSUER = p.issuer
    settings.ETENDER_SSO_CLIENT_ID = CLIENT_ID
    settings.ETENDER_SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.ETENDER_SSO_USER_HANDLER = "etender.kernel.sso.tests.handlers.plain_user"
    settings.ETENDER_SSO_LANDING = "/"
    yield p
    p.close()
    cache.clear()


def begin(client: Client, provider: Provider, next_url: str = "") -> dict[str, str]:
    """GET /sso/login/, check the redirect, and let the provider expect the code."""
    r = client.get("/sso/login/" + (f"?next={next_url}" if next_url else ""))
    assert r.status_code == 302, r.content[:300]
    loc = urlparse(r["Location"])
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == provider.issuer + "/authorize"
    q = {k: v[0] for k, v in parse_qs(loc.query).items()}
    assert q["response_type"] == "code" and q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256"
    assert q["scope"] == "openid profile email entity" and q["redirect_uri"] == "http://testserver/sso/callback/"
    assert len(q["state"]) >= 32 and len(q["nonce"]) >= 32 and len(q["code_challenge"]) == 43
    provider.expect(code="c-" + q["state"][:8], challenge=q["code_challenge"], redirect_uri=q["redirect_uri"], nonce=q["nonce"])
    q["code"] = "c-" + q["state"][:8]
    return q


def finish(client: Client, q: dict[str, str], **extra):
    return client.get("/sso/callback/", {"code": q["code"], "state": q["state"], **extra})


def refused(r, code: str, status: int) -> bool:
    html = r.content.decode()
    return r.status_code == status and f"<strong>{code}</strong>" in html


def test_login_page_offers_the_hub_button_only_when_configured(provider, settings):
    html = Client().get("/login/").content.decode()
    assert 'id="sso-login"' in html and "使用公共服务平台账号登录" in html and 'name="password"' in html
    settings.ETENDER_SSO_ISSUER = ""
    assert 'id="sso-login"' not in Client().get("/login/").content.decode()
    assert refused(Client().get("/sso/login/"), "E024", 404)


def test_sign_in_with_the_hub(provider):
    c = Client()
    q = begin(c, provider, next_url="/messages/")
    r = finish(c, q, iss=provider.issuer)
    assert r.status_code == 302 and r["Location"] == "/messages/"
    assert c.session["_auth_user_id"]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=c.session["_auth_user_id"])
    assert user.username.startswith("sso-3f1c7a52") and user.first_name == "林晓"
    # the state is used once
    assert refused(finish(c, q), "E021", 400)


def test_foreign_next_is_ignored(provider):
    c = Client()
    q = begin(c, provider, next_url="https://evil.example/")
    assert finish(c, q)["Location"] == "/"


def test_unknown_state_or_no_flow_is_e021(provider):
    c = Client()
    assert refused(c.get("/sso/callback/", {"code": "x", "state": "nobody-started-this"}), "E021", 400)
    q = begin(c, provider)
    assert refused(finish(c, {**q, "state": q["state"] + "x"}), "E021", 400)
    assert refused(Client().get("/sso/callback/", {"code": q["code"], "state": q["state"]}), "E021", 400)  # another browser


def test_expired_flow_is_e021(provider, monkeypatch):
    c = Client()
    q = begin(c, provider)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert refused(finish(c, q), "E021", 400)


def test_provider_refusal_is_e023(provider):
    c = Client()
    q = begin(c, provider)
    r = c.get("/sso/callback/", {"state": q["state"], "error": "access_denied", "error_description": "user said no"})
    assert refused(r, "E023", 403) and "access_denied" in r.content.decode()


def test_provider_down_is_e020(provider, settings):
    provider.close()
    assert refused(Client().get("/sso/login/"), "E020", 503)


def test_token_endpoint_failing_is_e020_and_refusing_is_e022(provider):
    c = Client()
    q = begin(c, provider)
    provider.token_status = 500
    assert refused(finish(c, q), "E020", 503)
    provider.token_status = None
    q = begin(c, provider)
    q["code"] = "not-the-code"
    r = finish(c, q)
    assert refused(r, "E022", 401) and "invalid_grant" in r.content.decode()


def test_wrong_secret_is_e022(provider, settings):
    settings.ETENDER_SSO_CLIENT_SECRET = "not-the-secret"
    c = Client()
    r = finish(c, begin(c, provider))
    assert refused(r, "E022", 401) and "invalid_client" in r.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "another-platform"},
        {"iss": "http://evil.example"},
        {"nonce": "replayed"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4200},
        {"iat": int(time.time()) + 3600},
        {"sub": ""},
        {"aud": [CLIENT_ID, "another"], "azp": "another"},
    ],
    ids=["aud", "iss", "nonce", "expired", "future-iat", "no-sub", "azp"],
)
def test_bad_claims_are_e022(provider, change):
    provider.claims = change
    c = Client()
    assert refused(finish(c, begin(c, provider)), "E022", 401)
    assert "_auth_user_id" not in c.session


def test_foreign_signature_and_other_algorithms_are_e022(provider):
    provider.sign_with = jwk.JWK.generate(kty="RSA", size=2048, kid="k1")  # same key id, another key
    c = Client()
    assert refused(finish(c, begin(c, provider)), "E022", 401)
    provider.sign_with = jwk.JWK(generate="oct", size=256, kid="k1")
    provider.header = {"alg": "HS256", "kid": "k1"}
    assert refused(finish(c, begin(c, provider)), "E022", 401)


def test_rotated_key_is_fetched_once(provider):
    c = Client()
    assert finish(c, begin(c, provider)).status_code == 302
    fetches = provider.jwks_fetches
    new = jwk.JWK.generate(kty="RSA", size=2048, kid="k2")
    provider.published = [new, provider.key]
    provider.sign_with = new
    c2 = Client()
    assert finish(c2, begin(c2, provider)).status_code == 302
    assert provider.jwks_fetches == fetches + 1
    # an unknown key id stays refused after the one refresh
    provider.sign_with = jwk.JWK.generate(kty="RSA", size=2048, kid="k3")
    c3 = Client()
    assert refused(finish(c3, begin(c3, provider)), "E022", 401)


def test_mix_up_iss_parameter_is_e022(provider):
    c = Client()
    assert refused(finish(c, begin(c, provider), iss="http://other-provider.example"), "E022", 401)


def test_hook_refusal_is_shown_with_its_code(provider):
    provider.claims = {"entity": None}
    c = Client()
    assert refused(finish(c, begin(c, provider)), "E026", 403)


def test_logout_ends_the_hub_session_too(provider):
    c = Client()
    finish(c, begin(c, provider))
    r = c.post("/sso/logout/")
    assert r.status_code == 302
    loc = urlparse(r["Location"])
    q = parse_qs(loc.query)
    assert r["Location"].startswith(provider.issuer + "/logout?") and q["client_id"] == [CLIENT_ID] and q["post_logout_redirect_uri"] == ["http://testserver/"]
    assert q["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in c.session
    assert Client().post("/sso/logout/")["Location"] == "http://testserver/"


def test_secret_file_in_the_var_dir(provider, settings, tmp_path):
    settings.ETENDER_SSO_CLIENT_SECRET = ""
    settings.ETENDER_VAR_DIR = tmp_path
    assert refused(Client().get("/sso/login/"), "E024", 404)
    (tmp_path / f"{settings.ETENDER_INSTANCE}.sso-client-secret").write_text(CLIENT_SECRET + "\n")
    c = Client()
    assert finish(c, begin(c, provider)).status_code == 302
